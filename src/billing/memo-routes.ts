import { Type } from 'typebox';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { verbPath } from '../http/paths.js';
import { Empty } from '../http/schemas.js';
import type { BillingService } from './service.js';
import {
  CreditConvertBody, CreditMemoApplyBody, CreditMemoCreateBody, CreditMemoIdsBody, CreditMemoPatchBody, CreditMemoUnapplyBody, CreditsQuery,
  DebitMemoCreateBody, DebitMemoIdsBody, DebitMemoUpdateBody,
} from './memo-schemas.js';

// Debit memos, credits and credit memos (src/billing/memos). Answers: memo-schemas.ts.

const IdParams = Type.Object({ id: Type.String() });
const list = (name: string) => Type.Array(Type.Ref(name));

// The codes each route's service path throws (beyond the pipeline's own: src/http/error-codes.ts).
/** readMemo and the customer's currency (BillingService.customerCurrency). */
const DEBIT_MEMO_INPUT = ['CUSTOMER_NOT_FOUND', 'INVALID_AMOUNT', 'UNKNOWN_CURRENCY'];
/** A credit memo and the invoice or debit memo one line of :apply / :unapply names. */
const APPLICATION_LINE = ['CREDIT_MEMO_NOT_FOUND', 'INVOICE_NOT_FOUND', 'DEBIT_MEMO_NOT_FOUND', 'INVALID_AMOUNT'];

export const memoRoutes: FastifyPluginAsyncTypebox<{ billing: BillingService }> = async (app, { billing }) => {
  const write = { permission: 'billing:write', scope: 'organisation' } as const;
  const read = { permission: 'billing:read', scope: 'organisation' } as const;

  // --- debit memos --------------------------------------------------------------------------
  const debit = billing.debitMemos;
  const currencyOf = (req: { ctx: Parameters<BillingService['customerCurrency']>[0] }) => (id: string) => billing.customerCurrency(req.ctx, id);
  app.post('/billing/debit-memos', {
    config: { ...write, errorCodes: DEBIT_MEMO_INPUT },
    schema: { tags: ['debit memos'], summary: 'Create a debit memo {debitMemo: {...}} or, as credit memos, {customerId, amount, taxAmount?, reason?, status?}', body: DebitMemoCreateBody, response: { 201: Type.Ref('DebitMemo') } },
  }, async (req, reply) => reply.status(201).send(await debit.create(req.ctx, req.body, currencyOf(req))));
  app.post(verbPath('/billing/debit-memos', 'update'), {
    config: { ...write, errorCodes: [...DEBIT_MEMO_INPUT, 'DEBIT_MEMO_NOT_FOUND', 'DEBIT_MEMO_FROZEN', 'DEBIT_MEMO_FIELD_FROZEN'] },
    schema: { tags: ['debit memos'], summary: 'Rewrite a Draft debit memo; an Active one changes only its texts', body: DebitMemoUpdateBody, response: { 200: Type.Ref('DebitMemo') } },
  }, async (req) => debit.update(req.ctx, req.body, currencyOf(req)));
  app.post(verbPath('/billing/debit-memos', 'activate'), {
    config: { ...write, errorCodes: ['DEBIT_MEMO_NOT_FOUND', 'DEBIT_MEMO_NOT_DRAFT'] },
    schema: { tags: ['debit memos'], summary: 'Activate Draft debit memos', body: DebitMemoIdsBody, response: { 200: list('DebitMemo') } },
  }, async (req) => debit.activate(req.ctx, req.body));
  app.post('/billing/debit-memos/cancel', {
    config: { ...write, errorCodes: ['DEBIT_MEMO_NOT_FOUND', 'DEBIT_MEMO_CANCELED', 'DEBIT_MEMO_CREDITED'] },
    schema: { tags: ['debit memos'], summary: 'Cancel Draft or Active debit memos with no credit applied', body: DebitMemoIdsBody, response: { 200: Empty } },
  }, async (req, reply) => { await debit.cancel(req.ctx, req.body); return reply.status(200).send({}); });
  app.get('/billing/debit-memos/:id', {
    config: { ...read, errorCodes: ['DEBIT_MEMO_NOT_FOUND'] },
    schema: { tags: ['debit memos'], params: IdParams, response: { 200: Type.Ref('DebitMemo') } },
  }, async (req) => debit.get(req.ctx, req.params.id));

  // --- credits ------------------------------------------------------------------------------
  app.post(verbPath('/billing/credits', 'convert'), {
    config: { ...write, errorCodes: ['CREDIT_NOT_FOUND', 'INVALID_AMOUNT', 'OVER_CONVERTED'] },
    schema: { tags: ['credits'], summary: 'Convert credits to Active credit memos {credits:[{creditId|creditNumber, amount}]}', body: CreditConvertBody, response: { 200: Type.Ref('CreditsConverted') } },
  }, async (req) => billing.credits.convert(req.ctx, req.body));
  app.get('/billing/credits', {
    config: { ...read, errorCodes: [] },
    schema: { tags: ['credits'], summary: 'A customer\'s credits (?customerId=)', querystring: CreditsQuery, response: { 200: list('Credit') } },
  }, async (req) => billing.credits.ofCustomer(req.ctx, req.query.customerId));
  app.get('/billing/credits/:id', {
    config: { ...read, errorCodes: ['CREDIT_NOT_FOUND'] },
    schema: { tags: ['credits'], summary: 'A credit by id or CRE- number', params: IdParams, response: { 200: Type.Ref('Credit') } },
  }, async (req) => billing.credits.get(req.ctx, req.params.id));

  // --- credit memos -------------------------------------------------------------------------
  const memos = billing.creditMemos;
  app.post('/billing/credit-memos', {
    config: { ...write, errorCodes: ['CUSTOMER_NOT_FOUND', 'INVALID_AMOUNT', 'UNKNOWN_CURRENCY'] },
    schema: { tags: ['credit memos'], summary: 'Create a credit memo {customerId, amount, taxAmount?, reason?, status?}', body: CreditMemoCreateBody, response: { 201: Type.Ref('CreditMemo') } },
  }, async (req, reply) => reply.status(201).send(await memos.create(req.ctx, req.body, async (id) => billing.customerCurrency(req.ctx, id))));
  app.get('/billing/credit-memos/:id', {
    config: { ...read, errorCodes: ['CREDIT_MEMO_NOT_FOUND'] },
    schema: { tags: ['credit memos'], params: IdParams, response: { 200: Type.Ref('CreditMemo') } },
  }, async (req) => memos.get(req.ctx, req.params.id));
  app.patch('/billing/credit-memos/:id', {
    config: { ...write, errorCodes: ['CREDIT_MEMO_NOT_FOUND', 'CREDIT_MEMO_FROZEN', 'CREDIT_MEMO_FIELD_FROZEN'] },
    schema: { tags: ['credit memos'], summary: 'Change a memo\'s date (Draft), reason or custom fields', params: IdParams, body: CreditMemoPatchBody, response: { 200: Type.Ref('CreditMemo') } },
  }, async (req) => memos.patch(req.ctx, req.params.id, req.body));
  app.get('/billing/credit-memos/:id/invoices', {
    config: { ...read, errorCodes: ['CREDIT_MEMO_NOT_FOUND'] },
    schema: { tags: ['credit memos'], summary: 'Invoices the credit memo was applied to', params: IdParams, response: { 200: list('CreditMemoAppliedInvoice') } },
  }, async (req) => memos.invoicesOf(req.ctx, req.params.id));
  app.get('/billing/credit-memos/:id/debit-memos', {
    config: { ...read, errorCodes: ['CREDIT_MEMO_NOT_FOUND'] },
    schema: { tags: ['credit memos'], summary: 'Debit memos the credit memo was applied to', params: IdParams, response: { 200: list('DebitMemoApplied') } },
  }, async (req) => memos.debitMemosOf(req.ctx, req.params.id));
  app.get('/billing/invoices/:id/credit-memos', {
    config: { ...read, errorCodes: ['INVOICE_NOT_FOUND'] },
    schema: { tags: ['credit memos'], summary: 'Credit memos applied to the invoice', params: IdParams, response: { 200: list('CreditMemoApplied') } },
  }, async (req) => memos.memosOfInvoice(req.ctx, req.params.id.toLowerCase()));
  app.post(verbPath('/billing/credit-memos', 'activate'), {
    config: { ...write, errorCodes: ['CREDIT_MEMO_NOT_FOUND', 'CREDIT_MEMO_NOT_DRAFT'] },
    schema: { tags: ['credit memos'], summary: 'Activate Draft credit memos', body: CreditMemoIdsBody, response: { 200: list('CreditMemo') } },
  }, async (req) => memos.activate(req.ctx, req.body));
  app.post(verbPath('/billing/credit-memos', 'apply'), {
    config: { ...write, errorCodes: [...APPLICATION_LINE, 'CREDIT_MEMO_NOT_ACTIVE', 'INVOICE_NOT_ACTIVE', 'DEBIT_MEMO_NOT_ACTIVE', 'CREDIT_MEMO_MISMATCH', 'OVER_APPLIED'] },
    schema: { tags: ['credit memos'], summary: 'Apply credit memos to invoices or debit memos', body: CreditMemoApplyBody, response: { 200: Type.Ref('CreditMemoApplications') } },
  }, async (req) => memos.apply(req.ctx, req.body));
  app.post(verbPath('/billing/credit-memos', 'unapply'), {
    config: { ...write, errorCodes: [...APPLICATION_LINE, 'OVER_UNAPPLIED'] },
    schema: { tags: ['credit memos'], summary: 'Take back what credit memos applied', body: CreditMemoUnapplyBody, response: { 200: Type.Ref('CreditMemoApplications') } },
  }, async (req) => memos.unapply(req.ctx, req.body));
  app.post(verbPath('/billing/credit-memos', 'async-cancel'), {
    config: { ...write, errorCodes: ['CREDIT_MEMO_NOT_FOUND', 'CREDIT_MEMO_CANCELED', 'CREDIT_MEMO_APPLIED'] },
    schema: { tags: ['credit memos'], summary: 'Cancel credit memos that are applied nowhere (done at once)', body: CreditMemoIdsBody, response: { 200: Type.Ref('CreditMemoAsyncJob') } },
  }, async (req) => memos.cancel(req.ctx, req.body));
  app.delete(verbPath('/billing/credit-memos', 'async-delete'), {
    config: { ...write, errorCodes: ['CREDIT_MEMO_NOT_FOUND', 'CREDIT_MEMO_NOT_CANCELED'] },
    schema: { tags: ['credit memos'], summary: 'Delete Canceled credit memos (done at once)', body: CreditMemoIdsBody, response: { 200: Type.Ref('CreditMemoAsyncJob') } },
  }, async (req) => memos.remove(req.ctx, req.body));
};
