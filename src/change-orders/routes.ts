import { Type } from 'typebox';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { verbPath } from '../http/paths.js';
import type { ChangeOrdersService } from './service.js';

// Change orders (seed 002 part B §1.8, part A §2.6): three paths for one use case, and the preview.
const write = { permission: 'orders:write' } as const;

export const changeOrderRoutes: FastifyPluginAsyncTypebox<{ changeOrders: ChangeOrdersService }> = async (app, { changeOrders }) => {
  for (const path of ['/orders/change-orders', '/change-orders', '/cpq/change-order']) {
    app.post(path, {
      config: write,
      schema: { tags: ['change orders'], summary: 'Change what customers own: {options, assetChanges: [{assetNumber, changeType, ...}]}', body: Type.Unknown() },
    }, async (req, reply) => {
      const res = await changeOrders.create(req.ctx, req.body);
      const pending = 'payment' in res && (res.payment as { status?: string } | null)?.status === 'Pending';
      return reply.status(pending ? 202 : 200).send(res);
    });
  }
  app.post(verbPath('/cpq/change-order', 'preview'), {
    config: { permission: 'orders:read' },
    schema: { tags: ['change orders'], summary: 'Preview a change order: lines, deltas, the invoice and a previewHash; nothing is stored', body: Type.Unknown() },
  }, async (req) => changeOrders.preview(req.ctx, req.body));
};
