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
import {
  ActivateInvoicesBody, CancelInvoicesBody, CancelPaymentsBody, ConvertPaymentStatusBody, CreateScheduleBody, DeleteInvoicesBody, ImportBillingSettingsBody,
  PatchInvoiceBody, PatchScheduleBody, PayInvoicesBody, RefundCreditMemosBody, RefundInvoicesBody, TransferInvoicesBody, WriteOffInvoicesBody,
} from './schemas.js';

const IdParams = Type.Object({ id: Type.String() });

// The errorCodes each route's work may answer (beyond the pipeline's), read off the services it calls.
const NOT_FOUND = ['INVOICE_NOT_FOUND'];
/** A charge through the collection path (invoice-collection.ts collect): a second attempt planned or a gateway key
 * recorded meanwhile by a concurrent request, and a gateway this process does not have (the customer's stored one). */
const CHARGE = ['COLLECTION_IN_PROGRESS', 'PAYMENT_IN_PROGRESS', 'UNKNOWN_GATEWAY'];
const PAY = [...NOT_FOUND, 'INVOICE_NOT_ACTIVE', 'INVALID_AMOUNT', 'OVERPAYMENT', 'COLLECTION_IN_FLIGHT', 'NOTHING_TO_PAY', 'PAYMENT_DECLINED', ...CHARGE];
/** A schedule's fields as readSchedule and readFilters check them. */
const SCHEDULE_FIELDS = ['INVALID_CRON', 'UNSUPPORTED_FILTER', 'INVALID_FILTER'];

export const billingRoutes: FastifyPluginAsyncTypebox<{ billing: BillingService; tenancy: TenancyService; collection: InvoiceCollection }> = async (app, { billing, tenancy, collection }) => {
  const ops = billing.operations;
  const write = { permission: 'billing:write', scope: 'organisation' } as const;
  const read = { permission: 'billing:read', scope: 'organisation' } as const;
  const tenantWrite = { permission: 'billing:write', scope: 'tenant' } as const;
  const tenantRead = { permission: 'billing:read', scope: 'tenant' } as const;
  const invoiceWithItems = { 200: Type.Ref('InvoiceModelWithItems') };
  const applications = { 200: Type.Ref('PaymentApplications') };
  const asyncJob = { 201: Type.Ref('InvoiceAsyncJob') };
  // payments recorded by hand, refunds and reversals moved through no gateway: billing or admin (DESIGN §3 Roles and money);
  // :pay with a paymentMethod charges it (money moves), which a customer-facing credential may do for its own invoices
  app.post(verbPath('/billing/invoices', 'pay'), {
    config: { permission: 'payments:write', scope: 'organisation', errorCodes: PAY },
    schema: {
      tags: ['billing'], summary: 'Record payments of Active invoices, or with paymentMethod charge their balances to it', body: PayInvoicesBody,
      response: { 200: Type.Union([Type.Ref('PaymentApplications'), Type.Ref('ResyncInvoiceToPaymentResponse')], { description: 'Recorded: the applications; charged (paymentMethod): each invoice after its charge' }) },
    },
  }, async (req) => (req.body.paymentMethod !== undefined ? collection.payWithMethod(req.ctx, req.body) : ops.pay(req.ctx, req.body)));
  app.post(verbPath('/billing/invoices', 'refund'), {
    config: { ...write, errorCodes: [...NOT_FOUND, 'INVOICE_NOT_ACTIVE', 'INVALID_AMOUNT', 'REFUND_EXCEEDS_PAYMENTS'] },
    schema: { tags: ['billing'], summary: 'Refund payments (a credit keeps the invoice settled unless reopen: true)', body: RefundInvoicesBody, response: applications },
  }, async (req) => ops.refund(req.ctx, req.body));
  app.post(verbPath('/billing/invoices', 'write-off'), {
    config: { ...write, errorCodes: [...NOT_FOUND, 'INVOICE_NOT_ACTIVE', 'NOTHING_TO_WRITE_OFF'] },
    schema: { tags: ['billing'], summary: 'Write off the remaining balances', body: WriteOffInvoicesBody, response: applications },
  }, async (req) => ops.writeOff(req.ctx, req.body));
  app.post(verbPath('/billing/invoices', 'cancel-payments'), {
    config: { ...write, errorCodes: ['PAYMENT_NOT_FOUND'] },
    schema: { tags: ['billing'], summary: 'Reverse payments', body: CancelPaymentsBody, response: { 200: Type.Ref('InvoicesPaymentResponse') } },
  }, async (req) => ops.cancelPayments(req.ctx, req.body));
  app.post(verbPath('/billing/invoices', 'async-cancel'), {
    config: { ...write, errorCodes: [...NOT_FOUND, 'INVOICE_CANCELED', 'INVOICE_CORRECTED', 'INVOICE_PAID', 'CREDIT_MEMO_APPLIED'] },
    schema: { tags: ['billing'], summary: 'Cancel Draft invoices, or Active ones with nothing paid', body: CancelInvoicesBody, response: asyncJob },
  }, async (req, reply) => reply.status(201).send(await ops.cancel(req.ctx, req.body)));
  app.delete(verbPath('/billing/invoices', 'async-delete'), {
    config: { ...write, errorCodes: [...NOT_FOUND, 'INVOICE_NOT_CANCELED'] },
    schema: { tags: ['billing'], summary: 'Delete Canceled invoices', body: DeleteInvoicesBody, response: asyncJob },
  }, async (req, reply) => reply.status(201).send(await ops.remove(req.ctx, req.body)));
  // --- collection (src/workflows/invoice-collection.ts) -----------------------------------------
  // charging and refunding through a gateway, and setting a status by hand, are finance's (billing or admin)
  app.post(verbPath('/billing/invoices', 'transferToPayments'), {
    config: { ...write, errorCodes: [...NOT_FOUND, 'INVOICE_NOT_ACTIVE', ...CHARGE] },
    schema: {
      tags: ['billing'], summary: 'Charge Active invoices to the customer\'s default payment method now {invoiceIds} or {whereConditions: {id: {_in}}}', body: TransferInvoicesBody,
      response: { 200: Type.Ref('ResyncInvoiceToPaymentResponse') },
    },
  }, async (req) => collection.transfer(req.ctx, req.body));
  app.post(verbPath('/billing/invoices', 'convert-payment-status'), {
    config: { ...write, errorCodes: [...NOT_FOUND, 'INVOICE_NOT_ACTIVE'] },
    schema: {
      tags: ['billing'], summary: 'Set payment statuses by hand {convertPaymentStatuses: [{id, paymentStatus, reason|paymentDetails}]}', body: ConvertPaymentStatusBody,
      response: { 200: Type.Ref('PaymentStatusConversions') },
    },
  }, async (req) => ops.convertPaymentStatus(req.ctx, req.body));
  app.get('/billing/invoices/:id/collection-attempts', {
    config: { ...read, errorCodes: NOT_FOUND },
    schema: { tags: ['billing'], summary: 'Every collection attempt of an invoice, oldest first', params: IdParams, response: { 200: Type.Ref('CollectionAttempts') } },
  }, async (req) => collection.attemptsOf(req.ctx, req.params.id));
  app.get('/billing/invoices/:id/payment-status-changes', {
    config: { ...read, errorCodes: NOT_FOUND },
    schema: { tags: ['billing'], summary: 'Payment statuses set by hand, with their reasons', params: IdParams, response: { 200: Type.Ref('PaymentStatusChanges') } },
  }, async (req) => { const { invoice } = await billing.getInvoice(req.ctx, req.params.id); return { invoiceId: invoice.id, customerId: invoice.customerId, changes: await ops.statusChangesOf(req.ctx, invoice.id) }; });
  app.post(verbPath('/billing/credit-memos', 'transferToPayments'), {
    config: { ...write, errorCodes: ['CREDIT_MEMO_NOT_FOUND', 'CREDIT_MEMO_NOT_ACTIVE', 'NOTHING_TO_REFUND', 'NO_ORIGINAL_PAYMENT', 'OVER_REFUNDED', 'PAYMENT_IN_PROGRESS', 'UNKNOWN_GATEWAY'] },
    schema: {
      tags: ['credit memos'], summary: 'Refund credit memos\' credit to the original payment method {creditMemoIds} or {whereConditions: {id: {_in}}}', body: RefundCreditMemosBody,
      response: { 200: Type.Ref('RefundsToPaymentMethod') },
    },
  }, async (req) => collection.refundCreditMemos(req.ctx, req.body));
  app.patch('/billing/invoices/:id', {
    config: { ...write, errorCodes: [...NOT_FOUND, 'INVOICE_FROZEN', 'INVOICE_FIELD_FROZEN'] },
    schema: { tags: ['billing'], summary: 'Change an invoice\'s non-monetary and custom fields', params: IdParams, body: PatchInvoiceBody, response: invoiceWithItems },
  }, async (req) => billing.getInvoice(req.ctx, await ops.patch(req.ctx, req.params.id, req.body)));

  // --- tenant billing settings ----------------------------------------------------------------
  const settings = { 200: Type.Ref('ImportAndExportBillingSettingsVO') };
  app.get(verbPath('/billing/tenant-settings/setting', 'export'), {
    config: { permission: 'tenant:read', scope: 'tenant', errorCodes: [] },
    schema: { tags: ['billing'], summary: 'The tenant\'s billing settings in the seed\'s shape', response: settings },
  }, async (req) => exportSettings(req.ctx.tenant.settings));
  app.post(verbPath('/billing/tenant-settings/setting', 'import'), {
    config: { permission: 'tenant:admin', scope: 'tenant', errorCodes: [] },
    schema: { tags: ['billing'], summary: 'Set the tenant\'s billing settings from the seed\'s document; answers them as :export does', body: ImportBillingSettingsBody, response: settings },
  }, async (req) => exportSettings((await tenancy.updateTenant(req.ctx, { settings: importPatch(req.body) })).settings));

  // An on-demand billing run is a OneTime schedule: it runs at once and answers with its job.
  // A Recurring schedule (Quartz cron) is stored as Draft; activated, the server's scheduler runs it.
  const schedules = billing.schedules;
  const SCHEDULE_NOT_FOUND = ['SCHEDULE_NOT_FOUND'];
  app.post('/billing/schedules', {
    config: { ...tenantWrite, errorCodes: ['INVALID_DATE', ...SCHEDULE_FIELDS] },
    schema: {
      tags: ['billing'], summary: 'Run billing now (scheduleType OneTime, targetDate) or create a Recurring schedule (recurringSchedule cron)',
      body: CreateScheduleBody,
      response: {
        201: Type.Union([Type.Ref('BillingJob'), Type.Ref('BillingSchedule')], { description: 'OneTime: the finished run; Recurring: the Draft schedule' }),
        202: Type.Ref('BillingJob', { description: 'OneTime, not Completed after the wait (Queued, Running, or Failed): follow Location (GET /billing/jobs/{id})' }),
      },
    },
  }, async (req, reply) => {
    if (req.body.scheduleType === 'Recurring') return reply.status(201).send(await schedules.create(req.ctx, req.body));
    const b = req.body;
    if (!b.targetDate) throw invalid('INVALID_FIELD', 'body/targetDate is required for a OneTime run');
    // a run is a job: answered 201 with its outcome when it ends within the wait, else 202 with the job to follow
    const job = await billing.runs.start(req.ctx, {
      targetDate: b.targetDate, autoActivate: b.autoActivate ?? false, customerIds: b.customerIds ?? undefined,
      filters: { customerFilter: b.customerFilter, productFilter: b.productFilter, billCycleDayFilter: b.billCycleDayFilter, orderFilter: b.orderFilter },
    }, waitOf(header(req, 'prefer')));
    if (job.status === 'Completed') return reply.status(201).send(job);
    return reply.status(202).header('location', `/billing/jobs/${job.id}`).send(job);
  });
  const Ids = Type.Object({ scheduleIds: Type.Array(Type.String(), { minItems: 1 }) }, { additionalProperties: true, example: { scheduleIds: ['497f6eca-6276-4993-bfeb-53cbbbba6f08'] } });
  const scheduleIds = { 200: Type.Ref('BillingScheduleIds') };
  const statusChange = { ...tenantWrite, errorCodes: [...SCHEDULE_NOT_FOUND, 'SCHEDULE_CANCELED'] };
  app.patch('/billing/schedules/activate', { config: statusChange, schema: { tags: ['billing'], summary: 'Activate Draft schedules: the scheduler runs them', body: Ids, response: scheduleIds } },
    async (req) => ({ scheduleIds: await schedules.activate(req.ctx, req.body) }));
  app.patch('/billing/schedules/cancel', { config: statusChange, schema: { tags: ['billing'], summary: 'Cancel schedules (for good)', body: Ids, response: scheduleIds } },
    async (req) => ({ scheduleIds: await schedules.cancel(req.ctx, req.body) }));
  const schedule = { 200: Type.Ref('BillingSchedule') };
  app.get('/billing/schedules/:id', { config: { ...tenantRead, errorCodes: SCHEDULE_NOT_FOUND }, schema: { tags: ['billing'], params: IdParams, response: schedule } },
    async (req) => schedules.get(req.ctx, req.params.id));
  app.patch('/billing/schedules/:id', {
    config: { ...tenantWrite, errorCodes: [...SCHEDULE_NOT_FOUND, 'SCHEDULE_NOT_DRAFT', ...SCHEDULE_FIELDS] },
    schema: { tags: ['billing'], summary: 'Change a Draft schedule', params: IdParams, body: PatchScheduleBody, response: schedule },
  }, async (req) => schedules.patch(req.ctx, req.params.id, req.body));
  // the copy's fields are the stored schedule's, checked when it was written
  app.post(verbPath('/billing/schedules/:id', 'duplicate'), { config: { ...tenantWrite, errorCodes: SCHEDULE_NOT_FOUND }, schema: { tags: ['billing'], summary: 'A Draft copy of a schedule', params: IdParams, response: { 201: Type.Ref('BillingSchedule') } } },
    async (req, reply) => reply.status(201).send(await schedules.duplicate(req.ctx, req.params.id)));
  app.delete('/billing/schedules/:id', {
    config: { ...tenantWrite, errorCodes: [...SCHEDULE_NOT_FOUND, 'SCHEDULE_ACTIVE'] },
    schema: { tags: ['billing'], summary: 'Delete a schedule that is not Active', params: IdParams, response: { 204: Type.Null({ description: 'Deleted' }) } },
  }, async (req, reply) => { await schedules.remove(req.ctx, req.params.id); return reply.status(204).send(null); });
  const JOB_NOT_FOUND = ['JOB_NOT_FOUND'];
  app.get('/billing/job/:id/error-log', {
    config: { ...tenantRead, errorCodes: JOB_NOT_FOUND },
    schema: { tags: ['billing'], summary: 'The customers a billing run could not bill, and why', params: IdParams, response: { 200: Type.Array(Type.Ref('BillingJobError')) } },
  }, async (req) => (await billing.runs.job(req.ctx, req.params.id)).errors);
  app.get('/billing/jobs/:id', { config: { ...tenantRead, errorCodes: JOB_NOT_FOUND }, schema: { tags: ['billing'], summary: 'A billing run', params: IdParams, response: { 200: Type.Ref('BillingJob') } } },
    async (req) => billing.runs.job(req.ctx, req.params.id));

  // the bytes go out as they are (a Buffer is never serialized): the document names their type
  const pdfAnswer: object = { description: 'The PDF (inline)', content: { 'application/pdf': { schema: Type.String({ format: 'binary' }) } } };
  app.get(verbPath('/billing/invoices/:id/pdf', 'generate'), {
    config: { ...read, errorCodes: [...NOT_FOUND, 'INVOICE_NOT_ACTIVE'] },
    schema: {
      tags: ['billing'], summary: 'The invoice as a PDF (Active invoices only)', params: IdParams,
      response: { 200: pdfAnswer },
    },
  }, async (req, reply) => {
    const pdf = await billing.pdf(req.ctx, req.params.id);
    return reply.type('application/pdf').header('content-disposition', `inline; filename="${pdf.fileName}"`).send(pdf.bytes);
  });
  app.get('/billing/invoices/:id', { config: { ...read, errorCodes: NOT_FOUND }, schema: { tags: ['billing'], summary: 'An invoice with its items', params: IdParams, response: invoiceWithItems } },
    async (req) => billing.getInvoice(req.ctx, req.params.id));

  app.post(verbPath('/billing/invoices', 'activate'), {
    config: { ...write, errorCodes: [...NOT_FOUND, 'INVOICE_NOT_DRAFT', 'INVALID_AMOUNT', 'INVOICE_TOTAL_MISMATCH'] },
    schema: {
      tags: ['billing'], summary: 'Activate Draft invoices: {invoiceIds, invoiceDate?, data?: [{id, invoiceDate?, amount?, taxAmount?, invoiceItems: [{id, transactionAmount?, taxAmount?}]}], enabledAppliedCredits?}',
      body: ActivateInvoicesBody, response: { 200: Type.Array(Type.Ref('InvoiceModelWithItems'), { description: 'The invoices activated, in the order sent' }) },
    },
  }, async (req) => billing.activateInvoices(req.ctx, req.body));
};
