import { Type } from 'typebox';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { verbPath } from '../http/paths.js';
import type { ChangeOrdersService } from './service.js';
import type { BulkChanges } from './bulk.js';
import type { Workflows } from '../workflows/orders.js';
import { BulkChangeBody, ChangeOrderBody, ChangeOrderPreviewBody } from './schemas.js';

// Change orders (seed 002 part B §1.8, part A §2.6): three paths for one use case, and the preview.
const write = { permission: 'orders:write', scope: 'organisation' } as const;

/** What planning a change order may refuse: the request, the assets, the changes themselves (apply-changes.ts, rederive.ts). */
const PLAN_CODES = [
  'FIELD_NOT_ALLOWED', 'INVALID_AMOUNT', 'INVALID_DATE', 'UNKNOWN_ASSET', 'MIXED_CUSTOMERS', 'CUSTOMER_NOT_FOUND',
  'ASSET_CANCELED', 'CHANGE_AFTER_CANCELLATION', 'CHANGE_OUTSIDE_TERM', 'CONFLICTING_DATES', 'DUPLICATE_CHANGE', 'EVERGREEN',
  'NOT_A_TERM', 'NOT_IN_TRIAL', 'QUANTITY_BELOW_ZERO', 'STALE_CHANGE', 'TERM_TOO_SHORT', 'REDERIVE_FAILED',
] as const;
/** What creating or activating one may refuse beyond planning it: its preview, the assets changing meanwhile, tax, billing, the payment, a retry's commit. */
export const CHANGE_ORDER_CODES = [
  ...PLAN_CODES, 'PREVIEW_STALE', 'ASSET_CHANGED', 'TAX_ADDRESS_MISSING', 'BILLING_CHANGED', 'NUMBERS_EXHAUSTED', 'IDEMPOTENCY_REQUEST_IN_PROGRESS',
  'UNKNOWN_GATEWAY', 'PAYMENT_DECLINED', 'PAYMENT_IN_PROGRESS',
] as const;

export const changeOrderRoutes: FastifyPluginAsyncTypebox<{ changeOrders: ChangeOrdersService; workflows: Workflows; bulk: BulkChanges }> = async (app, { changeOrders, workflows, bulk }) => {
  for (const path of ['/orders/change-orders', '/change-orders', '/cpq/change-order']) {
    app.post(path, {
      config: { ...write, errorCodes: CHANGE_ORDER_CODES },
      schema: {
        tags: ['change orders'], summary: 'Change what customers own: {options, assetChanges: [{assetNumber, changeType, ...}]}', body: ChangeOrderBody,
        response: {
          200: Type.Ref('ChangeOrderCreateResponse', { description: 'The change order (Draft with activateOrder false)' }),
          202: Type.Ref('ChangeOrderCreateResponse', { description: 'Activated, its payment Pending: the gateway or the customer has yet to settle it' }),
        },
      },
    }, async (req, reply) => {
      const res = await workflows.createChangeOrder(req.ctx, req.body);
      const pending = 'payment' in res && (res.payment as { status?: string } | null)?.status === 'Pending';
      return reply.status(pending ? 202 : 200).send(res);
    });
  }
  app.post(verbPath('/cpq/change-order', 'preview'), {
    config: { permission: 'orders:read', scope: 'organisation', errorCodes: PLAN_CODES },
    schema: {
      tags: ['change orders'], summary: 'Preview a change order: lines, deltas, the invoice and a previewHash; nothing is stored', body: ChangeOrderPreviewBody,
      response: { 200: Type.Ref('ChangeOrderPreviewResponse') },
    },
  }, async (req) => changeOrders.preview(req.ctx, req.body));
  app.post('/cpq/change-order-in-bulk', {
    config: { ...write, errorCodes: ['FIELD_NOT_ALLOWED', 'INVALID_AMOUNT', 'UNKNOWN_ASSET', 'INVALID_FILTER'] },
    schema: {
      tags: ['change orders'], summary: 'AdjustPrice across many assets (by number or a graphqlQuery filter), in batches: 202 {jobId}', body: BulkChangeBody,
      response: { 202: Type.Object({ jobId: Type.String({ format: 'uuid', description: 'Follow it at GET /cpq/change-order-in-bulk/jobs/{jobId}' }) }, { additionalProperties: false }) },
    },
  }, async (req, reply) => reply.status(202).send(await bulk.start(req.ctx, req.body)));
  app.get('/cpq/change-order-in-bulk/jobs/:jobId', {
    config: { permission: 'orders:read', scope: 'organisation', errorCodes: ['JOB_NOT_FOUND'] },
    schema: { tags: ['change orders'], params: Type.Object({ jobId: Type.String() }), response: { 200: Type.Ref('ChangeOrderBulkJob') } },
  }, async (req) => bulk.job(req.ctx, req.params.jobId));
};
