import { Type } from 'typebox';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { verbPath } from '../http/paths.js';
import type { ChangeOrdersService } from './service.js';
import type { BulkChanges } from './bulk.js';
import type { Workflows } from '../workflows/orders.js';

// Change orders (seed 002 part B §1.8, part A §2.6): three paths for one use case, and the preview.
const write = { permission: 'orders:write', scope: 'organisation' } as const;

export const changeOrderRoutes: FastifyPluginAsyncTypebox<{ changeOrders: ChangeOrdersService; workflows: Workflows; bulk: BulkChanges }> = async (app, { changeOrders, workflows, bulk }) => {
  for (const path of ['/orders/change-orders', '/change-orders', '/cpq/change-order']) {
    app.post(path, {
      config: write,
      schema: { tags: ['change orders'], summary: 'Change what customers own: {options, assetChanges: [{assetNumber, changeType, ...}]}', body: Type.Unknown() },
    }, async (req, reply) => {
      const res = await workflows.createChangeOrder(req.ctx, req.body);
      const pending = 'payment' in res && (res.payment as { status?: string } | null)?.status === 'Pending';
      return reply.status(pending ? 202 : 200).send(res);
    });
  }
  app.post(verbPath('/cpq/change-order', 'preview'), {
    config: { permission: 'orders:read', scope: 'organisation' },
    schema: { tags: ['change orders'], summary: 'Preview a change order: lines, deltas, the invoice and a previewHash; nothing is stored', body: Type.Unknown() },
  }, async (req) => changeOrders.preview(req.ctx, req.body));
  app.post('/cpq/change-order-in-bulk', {
    config: write,
    schema: { tags: ['change orders'], summary: 'AdjustPrice across many assets (by number or a graphqlQuery filter), in batches: 202 {jobId}', body: Type.Unknown() },
  }, async (req, reply) => reply.status(202).send(await bulk.start(req.ctx, req.body)));
  app.get('/cpq/change-order-in-bulk/jobs/:jobId', {
    config: { permission: 'orders:read', scope: 'organisation' }, schema: { tags: ['change orders'], params: Type.Object({ jobId: Type.String() }) },
  }, async (req) => bulk.job(req.ctx, req.params.jobId));
};
