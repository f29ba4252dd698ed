import { Type } from 'typebox';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { verbPath } from '../http/paths.js';
import type { BillingService } from './service.js';

// Debit memos, credits and credit memos (src/billing/memos).

const IdParams = Type.Object({ id: Type.String() });

export const memoRoutes: FastifyPluginAsyncTypebox<{ billing: BillingService }> = async (app, { billing }) => {
  const write = { permission: 'billing:write', scope: 'organisation' } as const;
  const Body = Type.Record(Type.String(), Type.Unknown());

  // --- debit memos --------------------------------------------------------------------------
  const debit = billing.debitMemos;
  const currencyOf = (req: { ctx: Parameters<BillingService['customerCurrency']>[0] }) => (id: string) => billing.customerCurrency(req.ctx, id);
  app.post('/billing/debit-memos', { config: write, schema: { tags: ['debit memos'], summary: 'Create a debit memo {debitMemo: {...}} or, as credit memos, {customerId, amount, taxAmount?, reason?, status?}', body: Body } },
    async (req, reply) => reply.status(201).send(await debit.create(req.ctx, req.body, currencyOf(req))));
  app.post(verbPath('/billing/debit-memos', 'update'), { config: write, schema: { tags: ['debit memos'], body: Body } },
    async (req) => debit.update(req.ctx, req.body, currencyOf(req)));
  app.post(verbPath('/billing/debit-memos', 'activate'), { config: write, schema: { tags: ['debit memos'], body: Body } },
    async (req) => debit.activate(req.ctx, req.body));
  app.post('/billing/debit-memos/cancel', { config: write, schema: { tags: ['debit memos'], body: Body } },
    async (req, reply) => { await debit.cancel(req.ctx, req.body); return reply.status(200).send({}); });
  app.get('/billing/debit-memos/:id', { config: { permission: 'billing:read', scope: 'organisation' }, schema: { tags: ['debit memos'], params: IdParams } },
    async (req) => debit.get(req.ctx, req.params.id));

  // --- credits ------------------------------------------------------------------------------
  app.post(verbPath('/billing/credits', 'convert'), { config: write, schema: { tags: ['credits'], summary: 'Convert credits to Active credit memos {credits:[{creditId|creditNumber, amount}]}', body: Body } },
    async (req) => billing.credits.convert(req.ctx, req.body));
  app.get('/billing/credits', { config: { permission: 'billing:read', scope: 'organisation' }, schema: { tags: ['credits'], summary: 'A customer\'s credits (?customerId=)' } },
    async (req) => billing.credits.ofCustomer(req.ctx, (req.query as { customerId?: unknown }).customerId));
  app.get('/billing/credits/:id', { config: { permission: 'billing:read', scope: 'organisation' }, schema: { tags: ['credits'], summary: 'A credit by id or CRE- number', params: IdParams } },
    async (req) => billing.credits.get(req.ctx, req.params.id));

  // --- credit memos -------------------------------------------------------------------------
  const memos = billing.creditMemos;
  app.post('/billing/credit-memos', { config: write, schema: { tags: ['credit memos'], summary: 'Create a credit memo {customerId, amount, taxAmount?, reason?, status?}', body: Body } },
    async (req, reply) => reply.status(201).send(await memos.create(req.ctx, req.body, async (id) => billing.customerCurrency(req.ctx, id))));
  app.get('/billing/credit-memos/:id', { config: { permission: 'billing:read', scope: 'organisation' }, schema: { tags: ['credit memos'], params: IdParams } },
    async (req) => memos.get(req.ctx, req.params.id));
  app.patch('/billing/credit-memos/:id', { config: write, schema: { tags: ['credit memos'], params: IdParams, body: Body } },
    async (req) => memos.patch(req.ctx, req.params.id, req.body));
  app.get('/billing/credit-memos/:id/invoices', { config: { permission: 'billing:read', scope: 'organisation' }, schema: { tags: ['credit memos'], params: IdParams } },
    async (req) => memos.invoicesOf(req.ctx, req.params.id));
  app.get('/billing/credit-memos/:id/debit-memos', { config: { permission: 'billing:read', scope: 'organisation' }, schema: { tags: ['credit memos'], summary: 'Debit memos the credit memo was applied to', params: IdParams } },
    async (req) => memos.debitMemosOf(req.ctx, req.params.id));
  app.get('/billing/invoices/:id/credit-memos', { config: { permission: 'billing:read', scope: 'organisation' }, schema: { tags: ['credit memos'], params: IdParams } },
    async (req) => { await billing.getInvoice(req.ctx, req.params.id); return memos.memosOfInvoice(req.ctx, req.params.id.toLowerCase()); });
  app.post(verbPath('/billing/credit-memos', 'activate'), { config: write, schema: { tags: ['credit memos'], body: Body } }, async (req) => memos.activate(req.ctx, req.body));
  app.post(verbPath('/billing/credit-memos', 'apply'), { config: write, schema: { tags: ['credit memos'], body: Body } }, async (req) => memos.apply(req.ctx, req.body));
  app.post(verbPath('/billing/credit-memos', 'unapply'), { config: write, schema: { tags: ['credit memos'], body: Body } }, async (req) => memos.unapply(req.ctx, req.body));
  app.post(verbPath('/billing/credit-memos', 'async-cancel'), { config: write, schema: { tags: ['credit memos'], body: Body } }, async (req) => memos.cancel(req.ctx, req.body));
  app.delete(verbPath('/billing/credit-memos', 'async-delete'), { config: write, schema: { tags: ['credit memos'], body: Body } }, async (req) => memos.remove(req.ctx, req.body));
};
