import { Type } from 'typebox';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { invalid } from '../core/errors.js';
import { verbPath } from '../http/paths.js';
import { header } from '../http/auth.js';
import { waitOf } from '../http/prefer.js';
import type { BillingService } from './service.js';
import type { TenancyService } from '../tenancy/service.js';
import { exportSettings, importPatch } from './tenant-settings.js';
import type { InvoiceCollection } from '../workflows/invoice-collection.js';

const IdParams = Type.Object({ id: Type.String() });

export const billingRoutes: FastifyPluginAsyncTypebox<{ billing: BillingService; tenancy: TenancyService; collection: InvoiceCollection }> = async (app, { billing, tenancy, collection }) => {
  const ops = billing.operations;
  const write = { permission: 'billing:write', scope: 'organisation' } as const;
  const tenantWrite = { permission: 'billing:write', scope: 'tenant' } as const;
  const Body = Type.Record(Type.String(), Type.Unknown());
  // payments recorded by hand, refunds and reversals moved through no gateway: billing or admin (DESIGN §3 Roles and money);
  // :pay with a paymentMethod charges it (money moves), which a customer-facing credential may do for its own invoices
  app.post(verbPath('/billing/invoices', 'pay'), {
    config: { permission: 'payments:write', scope: 'organisation' },
    schema: { tags: ['billing'], summary: 'Record payments of Active invoices, or with paymentMethod charge their balances to it', body: Body },
  }, async (req) => (req.body.paymentMethod !== undefined ? collection.payWithMethod(req.ctx, req.body) : ops.pay(req.ctx, req.body)));
  app.post(verbPath('/billing/invoices', 'refund'), { config: write, schema: { tags: ['billing'], summary: 'Refund payments (a credit keeps the invoice settled unless reopen: true)', body: Body } },
    async (req) => ops.refund(req.ctx, req.body));
  app.post(verbPath('/billing/invoices', 'write-off'), { config: write, schema: { tags: ['billing'], summary: 'Write off the remaining balances', body: Body } },
    async (req) => ops.writeOff(req.ctx, req.body));
  app.post(verbPath('/billing/invoices', 'cancel-payments'), { config: write, schema: { tags: ['billing'], summary: 'Reverse payments', body: Body } },
    async (req) => ops.cancelPayments(req.ctx, req.body));
  app.post(verbPath('/billing/invoices', 'async-cancel'), { config: write, schema: { tags: ['billing'], summary: 'Cancel Draft invoices, or Active ones with nothing paid', body: Body } },
    async (req, reply) => reply.status(201).send(await ops.cancel(req.ctx, req.body)));
  app.delete(verbPath('/billing/invoices', 'async-delete'), { config: write, schema: { tags: ['billing'], summary: 'Delete Canceled invoices', body: Body } },
    async (req, reply) => reply.status(201).send(await ops.remove(req.ctx, req.body)));
  // --- collection (src/workflows/invoice-collection.ts) -----------------------------------------
  // charging and refunding through a gateway, and setting a status by hand, are finance's (billing or admin)
  app.post(verbPath('/billing/invoices', 'transferToPayments'), { config: write, schema: { tags: ['billing'], summary: 'Charge Active invoices to the customer\'s default payment method now {invoiceIds} or {whereConditions: {id: {_in}}}', body: Body } },
    async (req) => collection.transfer(req.ctx, req.body));
  app.post(verbPath('/billing/invoices', 'convert-payment-status'), { config: write, schema: { tags: ['billing'], summary: 'Set payment statuses by hand {convertPaymentStatuses: [{id, paymentStatus, reason|paymentDetails}]}', body: Body } },
    async (req) => ops.convertPaymentStatus(req.ctx, req.body));
  app.get('/billing/invoices/:id/collection-attempts', { config: { permission: 'billing:read', scope: 'organisation' }, schema: { tags: ['billing'], summary: 'Every collection attempt of an invoice, oldest first', params: IdParams } },
    async (req) => collection.attemptsOf(req.ctx, req.params.id));
  app.get('/billing/invoices/:id/payment-status-changes', { config: { permission: 'billing:read', scope: 'organisation' }, schema: { tags: ['billing'], summary: 'Payment statuses set by hand, with their reasons', params: IdParams } },
    async (req) => { const { invoice } = await billing.getInvoice(req.ctx, req.params.id); return { invoiceId: invoice.id, customerId: invoice.customerId, changes: await ops.statusChangesOf(req.ctx, invoice.id) }; });
  app.post(verbPath('/billing/credit-memos', 'transferToPayments'), { config: write, schema: { tags: ['credit memos'], summary: 'Refund credit memos\' credit to the original payment method {creditMemoIds} or {whereConditions: {id: {_in}}}', body: Body } },
    async (req) => collection.refundCreditMemos(req.ctx, req.body));
  app.patch('/billing/invoices/:id', { config: write, schema: { tags: ['billing'], params: IdParams, body: Body } },
    async (req) => billing.getInvoice(req.ctx, await ops.patch(req.ctx, req.params.id, req.body)));

  // --- tenant billing settings ----------------------------------------------------------------
  app.get(verbPath('/billing/tenant-settings/setting', 'export'), { config: { permission: 'tenant:read', scope: 'tenant' }, schema: { tags: ['billing'], summary: 'The tenant\'s billing settings in the seed\'s shape' } },
    async (req) => exportSettings(req.ctx.tenant.settings));
  app.post(verbPath('/billing/tenant-settings/setting', 'import'), { config: { permission: 'tenant:admin', scope: 'tenant' }, schema: { tags: ['billing'], body: Body } },
    async (req) => exportSettings((await tenancy.updateTenant(req.ctx, { settings: importPatch(req.body) })).settings));

  // An on-demand billing run is a OneTime schedule: it runs at once and answers with its job.
  // A Recurring schedule (Quartz cron) is stored as Draft; activated, the server's scheduler runs it.
  const schedules = billing.schedules;
  app.post('/billing/schedules', {
    config: tenantWrite,
    schema: {
      tags: ['billing'], summary: 'Run billing now (scheduleType OneTime, targetDate) or create a Recurring schedule (recurringSchedule cron)',
      body: Type.Object({
        scheduleType: Type.Enum(['OneTime', 'Recurring']), targetDate: Type.Optional(Type.Union([Type.String({ format: 'date' }), Type.Null()])), autoActivate: Type.Optional(Type.Boolean()),
        customerIds: Type.Optional(Type.Array(Type.String(), { maxItems: 1000 })), name: Type.Optional(Type.String()),
      }, { additionalProperties: true }),
      response: {
        201: Type.Union([Type.Ref('BillingJob'), Type.Ref('BillingSchedule')], { description: 'OneTime: the finished run; Recurring: the Draft schedule' }),
        202: Type.Ref('BillingJob', { description: 'OneTime, still Queued or Running after the wait: follow Location (GET /billing/jobs/{id})' }),
      },
    },
  }, async (req, reply) => {
    if (req.body.scheduleType === 'Recurring') return reply.status(201).send(await schedules.create(req.ctx, req.body));
    if (!req.body.targetDate) throw invalid('INVALID_FIELD', 'body/targetDate is required for a OneTime run');
    const b = req.body as Record<string, unknown>;
    // a run is a job: answered 201 with its outcome when it ends within the wait, else 202 with the job to follow
    const job = await billing.runs.start(req.ctx, {
      targetDate: req.body.targetDate, autoActivate: req.body.autoActivate ?? false, customerIds: req.body.customerIds,
      filters: { customerFilter: b.customerFilter, productFilter: b.productFilter, billCycleDayFilter: b.billCycleDayFilter, orderFilter: b.orderFilter },
    }, waitOf(header(req, 'prefer')));
    if (job.status === 'Completed') return reply.status(201).send(job);
    return reply.status(202).header('location', `/billing/jobs/${job.id}`).send(job);
  });
  const Ids = Type.Object({ scheduleIds: Type.Array(Type.String(), { minItems: 1 }) });
  app.patch('/billing/schedules/activate', { config: tenantWrite, schema: { tags: ['billing'], body: Ids } }, async (req) => ({ scheduleIds: await schedules.activate(req.ctx, req.body) }));
  app.patch('/billing/schedules/cancel', { config: tenantWrite, schema: { tags: ['billing'], body: Ids } }, async (req) => ({ scheduleIds: await schedules.cancel(req.ctx, req.body) }));
  const schedule = { 200: Type.Ref('BillingSchedule') };
  app.get('/billing/schedules/:id', { config: { permission: 'billing:read', scope: 'tenant' }, schema: { tags: ['billing'], params: IdParams, response: schedule } }, async (req) => schedules.get(req.ctx, req.params.id));
  app.patch('/billing/schedules/:id', { config: tenantWrite, schema: { tags: ['billing'], params: IdParams, body: Body, response: schedule } }, async (req) => schedules.patch(req.ctx, req.params.id, req.body));
  app.post(verbPath('/billing/schedules/:id', 'duplicate'), { config: tenantWrite, schema: { tags: ['billing'], params: IdParams, response: { 201: Type.Ref('BillingSchedule') } } },
    async (req, reply) => reply.status(201).send(await schedules.duplicate(req.ctx, req.params.id)));
  app.delete('/billing/schedules/:id', { config: tenantWrite, schema: { tags: ['billing'], params: IdParams } },
    async (req, reply) => { await schedules.remove(req.ctx, req.params.id); return reply.status(204).send(); });
  app.get('/billing/job/:id/error-log', { config: { permission: 'billing:read', scope: 'tenant' }, schema: { tags: ['billing'], params: IdParams } },
    async (req) => (await billing.runs.job(req.ctx, req.params.id)).errors);
  app.get('/billing/jobs/:id', { config: { permission: 'billing:read', scope: 'tenant' }, schema: { tags: ['billing'], params: IdParams, response: { 200: Type.Ref('BillingJob') } } },
    async (req) => billing.runs.job(req.ctx, req.params.id));

  app.get(verbPath('/billing/invoices/:id/pdf', 'generate'), { config: { permission: 'billing:read', scope: 'organisation' }, schema: { tags: ['billing'], summary: 'The invoice as a PDF', params: IdParams } },
    async (req, reply) => {
      const pdf = await billing.pdf(req.ctx, req.params.id);
      return reply.type('application/pdf').header('content-disposition', `inline; filename="${pdf.fileName}"`).send(pdf.bytes);
    });
  app.get('/billing/invoices/:id', { config: { permission: 'billing:read', scope: 'organisation' }, schema: { tags: ['billing'], params: IdParams } },
    async (req) => billing.getInvoice(req.ctx, req.params.id));

  app.post(verbPath('/billing/invoices', 'activate'), {
    config: { permission: 'billing:write', scope: 'organisation' },
    schema: { tags: ['billing'], summary: 'Activate Draft invoices: {invoiceIds, invoiceDate?, data?: [{id, invoiceDate?, amount?, taxAmount?, invoiceItems: [{id, transactionAmount?, taxAmount?}]}], enabledAppliedCredits?}', body: Type.Object({ invoiceIds: Type.Array(Type.String(), { minItems: 1, maxItems: 200 }) }, { additionalProperties: true }) },
  }, async (req) => billing.activateInvoices(req.ctx, req.body));
};
