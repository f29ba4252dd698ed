import { principalId, type Ctx } from '../../context.js';
import { conflict, forbidden, invalid, notFound } from '../../core/errors.js';
import { BUSINESS_DATE_TEXT, isBusinessDate } from '../../core/dates.js';
import { Dec, parseAmount, roundMoney } from '../../core/money.js';
import { inTransaction, type Tx } from '../../db/transaction.js';
import { isUuid } from '../../core/ids.js';
import { assertInScope, inScope, outsideScope } from '../../core/scope.js';
import type { NumberingService } from '../../numbering/service.js';
import type { PaymentsService } from '../../payments/service.js';
import { paymentStatus, settle } from './balances.js';
import * as store from '../store.js';
import type { CreditMemo, Invoice } from '../model.js';

// What finance does to invoices after they exist: pay, refund, write off, reverse payments,
// cancel, delete and patch (seed 002 part C §1.5, §1.8; DESIGN "Invoices and balances").

export interface PaymentLine { invoiceId: string; transactionAmount: unknown; paymentId?: string; paymentSource?: string; paymentNumber?: string; reopen?: boolean }

/** The seed's payment statuses, plus Keel's Failed and WrittenOff (DESIGN "Invoices and balances"). */
const PAYMENT_STATUSES = ['NotTransferred', 'Transferred', 'TransferError', 'Paid', 'PartialPaid', 'Canceled', 'Refunded', 'PartialRefunded', 'CreditBack', 'Applied', 'PartiallyApplied', 'Failed', 'WrittenOff'];

const ACTIVE_ONLY = (inv: Invoice, action: string) => {
  if (inv.status !== 'Active') throw conflict('INVOICE_NOT_ACTIVE', `Invoice ${inv.invoiceNumber} is ${inv.status}; only an Active invoice can be ${action}`);
};

export interface CreditIssuer {
  /** A credit memo for a refund, applied to the invoice at once (inside the refund's transaction). */
  (tx: Tx, ctx: Ctx, i: { number: string; invoice: Invoice; amount: Dec }): Promise<void>;
}

/** What PATCH may write, and what only Keel (or a memo, or an operation) changes. */
const TEXT_FIELDS = new Set(['poNumber', 'description', 'paymentDetails']);
const WRITABLE = new Set(['dueDate', 'invoiceDate', 'billToContactId', ...TEXT_FIELDS]);
const KEPT_BY_KEEL = new Set([
  'id', 'name', 'invoiceNumber', 'recordType', 'source', 'status', 'customerId', 'accountId', 'orderId', 'currencyIsoCode', 'startDate', 'endDate',
  'targetDate', 'amountWithoutTax', 'taxAmount', 'amount', 'balance', 'paymentStatus', 'taxStatus', 'accountingStatus', 'isCatchUp',
  'activatedTime', 'activatedById', 'canceledDate', 'createdDate', 'lastModifiedDate', 'items',
]);

/** Each entry of an id list is a string (an id, or a text that names nothing: a 404 naming it); anything else is a 400 naming it. */
function assertStrings(list: readonly unknown[], at: string): void {
  list.forEach((id, i) => { if (typeof id !== 'string') throw invalid('INVALID_FIELD', `${at}/${i} must be an invoice id`); });
}

export function createInvoiceOperations(deps: { payments: PaymentsService; numbering: NumberingService; issueCredit: CreditIssuer; cancelCorrections: (tx: Tx, ctx: Ctx, memos: readonly CreditMemo[]) => Promise<void> }) {
  /** Recomputes an invoice's balance and payment status from its applications. */
  async function recompute(tx: Tx, ctx: Ctx, invoiceId: string): Promise<Invoice> {
    const inv = (await store.getInvoice(tx, ctx.tenantId, invoiceId))!;
    const applied = (await deps.payments.applied(tx, ctx, [invoiceId])).get(invoiceId) ?? [];
    const s = settle(new Dec(inv.amount), applied);
    const base = ['NotTransferred', 'Transferred', 'TransferError', 'Failed'].includes(inv.paymentStatus) ? inv.paymentStatus : 'NotTransferred';
    return (await store.updateInvoice(tx, ctx.tenantId, invoiceId, { balance: s.balance.toString(), paymentStatus: paymentStatus(inv.status, new Dec(inv.amount), s, base) }))!;
  }

  /**
   * An invoice by id (404 `INVOICE_NOT_FOUND`, `at` naming where it was named), checked against the
   * caller's scope (DESIGN §3): outside it, the same 404 to read, a 403 to write.
   */
  async function findInvoice(q: Tx | Ctx['db'], ctx: Ctx, id: string, access: 'read' | 'write', o: { at?: string; forUpdate?: boolean } = {}): Promise<Invoice> {
    const inv = isUuid(id) ? await store.getInvoice(q, ctx.tenantId, id.toLowerCase(), { forUpdate: o.forUpdate ?? false }) : undefined;
    const missing = () => notFound('INVOICE_NOT_FOUND', o.at ? `${o.at}: invoice ${id} does not exist` : `Invoice ${id} does not exist`);
    if (!inv) throw missing();
    assertInScope(ctx, inv.customerId, access, missing);
    return inv;
  }

  /** An invoice to change, locked (inside the caller's transaction). */
  const lockInvoice = (tx: Tx, ctx: Ctx, id: string, at: string) => findInvoice(tx, ctx, id, 'write', { at, forUpdate: true });

  /** For a scoped caller, before any number is taken: every invoice a payment line names is inside its scope. */
  async function assertWritable(ctx: Ctx, items: readonly PaymentLine[], field: string): Promise<void> {
    if (!ctx.scope) return;
    const found = await store.invoicesByIds(ctx.db, ctx.tenantId, items.map((l) => l.invoiceId.toLowerCase()).filter(isUuid));
    const outside = found.find((inv) => !inScope(ctx, inv.customerId));
    if (outside) throw outsideScope(ctx, outside.customerId, `body/${field}/${items.findIndex((l) => l.invoiceId.toLowerCase() === outside.id)}/invoiceId`);
  }

  function lines(list: unknown, field: string): PaymentLine[] {
    if (!Array.isArray(list) || list.length === 0) throw invalid('INVALID_FIELD', `body/${field} must be a non-empty array`);
    return list.map((l, i) => {
      const line = l as PaymentLine;
      if (typeof line !== 'object' || line === null || typeof line.invoiceId !== 'string') throw invalid('INVALID_FIELD', `body/${field}/${i}/invoiceId is required`);
      return line;
    });
  }

  const view = (appId: string, invoiceId: string, paymentId: string | null, amount: Dec, method: string) =>
    ({ id: appId, invoiceId, debitMemoId: null, paymentId, paymentMethod: method, transactionAmount: amount.toNumber(), errorCode: null, errorMessage: null });

  return {
    recompute,

    findInvoice,
    lockInvoice,

    /** A gateway payment settled: applied to the invoice, whose balance and status follow. */
    async applyPayment(tx: Tx, ctx: Ctx, i: { invoiceId: string; paymentId: string; amount: Dec }) {
      await deps.payments.apply(tx, ctx, { invoiceId: i.invoiceId, paymentId: i.paymentId, kind: 'Payment', amount: i.amount, paymentMethod: 'Electronic' });
      return recompute(tx, ctx, i.invoiceId);
    },

    /** A gateway said no (or has not answered yet): the invoice shows it. */
    async markPaymentStatus(tx: Tx, ctx: Ctx, invoiceId: string, status: 'Failed' | 'Transferred' | 'TransferError') {
      await store.updateInvoice(tx, ctx.tenantId, invoiceId, { paymentStatus: status });
    },

    /**
     * Sets payment statuses by hand, each with its reason (recorded, `statusChangesOf`): finance's
     * correction after offline follow-up. Every line is checked before anything is written.
     */
    async convertPaymentStatus(ctx: Ctx, body: { convertPaymentStatuses?: unknown }) {
      const list = body.convertPaymentStatuses;
      if (!Array.isArray(list) || list.length === 0) throw invalid('INVALID_FIELD', 'body/convertPaymentStatuses must be a non-empty array');
      const lines = list.map((raw, i) => {
        const at = `body/convertPaymentStatuses/${i}`;
        const l = raw as { id?: unknown; paymentStatus?: unknown; paymentDetails?: unknown; reason?: unknown };
        if (typeof l !== 'object' || l === null) throw invalid('INVALID_FIELD', `${at} must be an object`);
        if (!isUuid(l.id)) throw invalid('INVALID_FIELD', `${at}/id must be an invoice id`);
        if (typeof l.paymentStatus !== 'string' || !PAYMENT_STATUSES.includes(l.paymentStatus)) throw invalid('INVALID_FIELD', `${at}/paymentStatus must be one of ${PAYMENT_STATUSES.join(', ')}`);
        const reason = l.reason ?? l.paymentDetails;
        if (typeof reason !== 'string' || reason.trim() === '') throw invalid('INVALID_FIELD', `${at}/reason (or paymentDetails) is required: say why the status changes`);
        if (reason.length > 2000) throw invalid('INVALID_FIELD', `${at}/reason must be at most 2000 characters`);
        return { id: String(l.id).toLowerCase(), paymentStatus: l.paymentStatus, reason, at };
      });
      return inTransaction(ctx.db, async (tx) => {
        const out = [];
        for (const l of lines) {
          const inv = await lockInvoice(tx, ctx, l.id, l.at);
          if (inv.status === 'Draft') throw conflict('INVOICE_NOT_ACTIVE', `${l.at}: invoice ${inv.invoiceNumber} is Draft; its payment status follows activation`);
          await store.insertStatusChange(tx, ctx.tenantId, { invoiceId: inv.id, fromStatus: inv.paymentStatus, toStatus: l.paymentStatus, reason: l.reason, changedBy: principalId(ctx) });
          await store.updateInvoice(tx, ctx.tenantId, inv.id, { paymentStatus: l.paymentStatus });
          out.push({ id: inv.id, invoiceNumber: inv.invoiceNumber, previousPaymentStatus: inv.paymentStatus, paymentStatus: l.paymentStatus, reason: l.reason });
        }
        return { invoices: out };
      });
    },

    /** The payment statuses set by hand on an invoice, oldest first. */
    async statusChangesOf(ctx: Ctx, invoiceId: string) {
      await findInvoice(ctx.db, ctx, invoiceId, 'read');
      const rows = await store.statusChangesOf(ctx.db, ctx.tenantId, invoiceId);
      return rows.map((c) => ({ id: c.id, invoiceId: c.invoiceId, fromStatus: c.fromStatus, toStatus: c.toStatus, reason: c.reason, changedBy: c.changedBy, createdDate: c.createdAt.toISOString() }));
    },

    /** Records payments received for Active invoices (never more than the balance). */
    async pay(ctx: Ctx, body: { payInvoices?: unknown }) {
      if (!ctx.permissions.has('billing:write')) {
        throw forbidden('PERMISSION_DENIED', 'Recording a payment that no gateway moved needs the permission billing:write (the billing or admin role); to pay, charge a payment method (body/paymentMethod)');
      }
      const items = lines(body.payInvoices, 'payInvoices');
      await assertWritable(ctx, items, 'payInvoices');
      const numbers = await deps.numbering.nextNumbers(ctx, 'payment', items.length);
      return inTransaction(ctx.db, async (tx) => {
        const out = [];
        for (const [i, l] of items.entries()) {
          const at = `body/payInvoices/${i}`;
          const inv = await lockInvoice(tx, ctx, l.invoiceId, at);
          ACTIVE_ONLY(inv, 'paid');
          const amount = roundMoney(parseAmount(l.transactionAmount, `${at}/transactionAmount`), inv.currency);
          if (amount.lte(0)) throw invalid('INVALID_FIELD', `${at}/transactionAmount must be > 0`);
          if (amount.gt(inv.balance)) throw conflict('OVERPAYMENT', `${at}: ${amount.toString()} is more than the balance ${inv.balance}`);
          // a card charge being authorized or captured holds its amount: the two together never pay more than is owed
          const inFlight = await deps.payments.openAttempt(tx, ctx, inv.id);
          if (inFlight && (inFlight.status === 'Pending' || inFlight.status === 'Authorized') && amount.gt(new Dec(inv.balance).minus(String(inFlight.amount)))) {
            throw conflict('COLLECTION_IN_FLIGHT', `${at}: a card charge of ${String(inFlight.amount)} for this invoice is in flight (collection attempt ${inFlight.attemptNumber}); at most ${new Dec(inv.balance).minus(String(inFlight.amount)).toString()} can be recorded until it settles`);
          }
          const method = l.paymentSource ?? 'Electronic';
          const p = await deps.payments.record(tx, ctx, {
            paymentNumber: numbers[i]!, customerId: inv.customerId, currency: inv.currency, amount, kind: 'Payment', status: 'Succeeded',
            gateway: 'manual', paymentMethod: 'Electronic', paymentSource: l.paymentSource ?? null, externalReference: l.paymentId ?? l.paymentNumber ?? null,
          });
          const appId = await deps.payments.apply(tx, ctx, { invoiceId: inv.id, paymentId: p.id, kind: 'Payment', amount, paymentMethod: method });
          await recompute(tx, ctx, inv.id);
          out.push({ ...view(appId, inv.id, p.id, amount, 'Electronic'), paymentNumber: p.paymentNumber });
        }
        return { paymentApplications: out };
      });
    },

    /** Money back. By default a credit of the same amount keeps the invoice settled; `reopen: true` reopens its balance. */
    async refund(ctx: Ctx, body: { refundInvoices?: unknown }) {
      const items = lines(body.refundInvoices, 'refundInvoices');
      await assertWritable(ctx, items, 'refundInvoices');
      const numbers = await deps.numbering.nextNumbers(ctx, 'payment', items.length);
      const memoNumbers = await deps.numbering.nextNumbers(ctx, 'creditMemo', items.length);
      return inTransaction(ctx.db, async (tx) => {
        const out = [];
        for (const [i, l] of items.entries()) {
          const at = `body/refundInvoices/${i}`;
          const inv = await lockInvoice(tx, ctx, l.invoiceId, at);
          ACTIVE_ONLY(inv, 'refunded');
          const amount = roundMoney(parseAmount(l.transactionAmount, `${at}/transactionAmount`), inv.currency);
          if (amount.lte(0)) throw invalid('INVALID_FIELD', `${at}/transactionAmount must be > 0`);
          const s = settle(new Dec(inv.amount), (await deps.payments.applied(tx, ctx, [inv.id])).get(inv.id) ?? []);
          if (amount.gt(s.paid.minus(s.refunded))) throw conflict('REFUND_EXCEEDS_PAYMENTS', `${at}: ${amount.toString()} is more than was paid (${s.paid.minus(s.refunded).toString()})`);
          const p = await deps.payments.record(tx, ctx, {
            paymentNumber: numbers[i]!, customerId: inv.customerId, currency: inv.currency, amount, kind: 'Refund', status: 'Succeeded',
            gateway: 'manual', paymentMethod: 'Electronic', paymentSource: l.paymentSource ?? null, externalReference: l.paymentId ?? null,
          });
          const appId = await deps.payments.apply(tx, ctx, { invoiceId: inv.id, paymentId: p.id, kind: 'Refund', amount, paymentMethod: 'Electronic' });
          await recompute(tx, ctx, inv.id);
          if (l.reopen !== true) await deps.issueCredit(tx, ctx, { number: memoNumbers[i]!, invoice: (await store.getInvoice(tx, ctx.tenantId, inv.id))!, amount });
          out.push({ ...view(appId, inv.id, p.id, amount, 'Electronic'), paymentNumber: p.paymentNumber });
        }
        return { paymentApplications: out };
      });
    },

    /** Writes off the whole remaining balance of Active invoices. */
    async writeOff(ctx: Ctx, body: { writeOffInvoiceIds?: unknown }) {
      const ids = body.writeOffInvoiceIds;
      if (!Array.isArray(ids) || ids.length === 0) throw invalid('INVALID_FIELD', 'body/writeOffInvoiceIds must be a non-empty array');
      return inTransaction(ctx.db, async (tx) => {
        const out = [];
        for (const [i, id] of ids.entries()) {
          const inv = await lockInvoice(tx, ctx, String(id), `body/writeOffInvoiceIds/${i}`);
          ACTIVE_ONLY(inv, 'written off');
          const balance = new Dec(inv.balance);
          if (balance.lte(0)) throw conflict('NOTHING_TO_WRITE_OFF', `Invoice ${inv.invoiceNumber} has no balance left`);
          const appId = await deps.payments.apply(tx, ctx, { invoiceId: inv.id, paymentId: null, kind: 'WriteOff', amount: balance, paymentMethod: 'WriteOff' });
          await recompute(tx, ctx, inv.id);
          out.push(view(appId, inv.id, null, balance, 'WriteOff'));
        }
        return { paymentApplications: out };
      });
    },

    /** Reverses payments: their applications stop counting and the invoices' balances reopen. */
    async cancelPayments(ctx: Ctx, body: { paymentIds?: unknown }) {
      const ids = body.paymentIds;
      if (!Array.isArray(ids) || ids.length === 0) throw invalid('INVALID_FIELD', 'body/paymentIds must be a non-empty array');
      ids.forEach((id, i) => { if (!isUuid(id)) throw invalid('INVALID_FIELD', `body/paymentIds/${i} must be an id`); });
      return inTransaction(ctx.db, async (tx) => {
        const { found, invoiceIds } = await deps.payments.reverse(tx, ctx, ids as string[]);
        const missing = (ids as string[]).find((id) => !found.includes(id.toLowerCase()));
        if (missing) throw notFound('PAYMENT_NOT_FOUND', `Payment ${missing} does not exist`);
        const invoices = [];
        for (const id of invoiceIds) invoices.push(await recompute(tx, ctx, id));
        return { invoices: invoices.map((i) => ({ id: i.id, balance: Number(i.balance), paymentStatus: i.paymentStatus })) };
      });
    },

    /** Draft, or Active with nothing paid, becomes Canceled; its items stop counting as billed. */
    async cancel(ctx: Ctx, body: { invoiceIds?: unknown; creditMemoIds?: unknown }) {
      const ids = body.invoiceIds;
      if (!Array.isArray(ids) || ids.length === 0) throw invalid('INVALID_FIELD', 'body/invoiceIds must be a non-empty array');
      assertStrings(ids, 'body/invoiceIds');
      const memoIds = body.creditMemoIds ?? [];
      if (!Array.isArray(memoIds) || memoIds.some((m) => !isUuid(m))) throw invalid('INVALID_FIELD', 'body/creditMemoIds must be an array of credit memo ids');
      const together = new Set(memoIds.map((m) => String(m).toLowerCase()));
      await inTransaction(ctx.db, async (tx) => {
        for (const [i, id] of ids.entries()) {
          const inv = await lockInvoice(tx, ctx, String(id), `body/invoiceIds/${i}`);
          if (inv.status === 'Canceled') throw conflict('INVOICE_CANCELED', `Invoice ${inv.invoiceNumber} is already canceled`);
          // corrections of its items stand only with it: their memos are canceled in the same call, or it stays
          const corrections = await store.memosCorrecting(tx, ctx.tenantId, inv.id);
          const left = corrections.filter((m) => !together.has(m.id));
          if (left.length > 0) {
            throw conflict('INVOICE_CORRECTED', `body/invoiceIds/${i}: invoice ${inv.invoiceNumber} is corrected by credit memo ${left.map((m) => m.creditMemoNumber).join(', ')}; cancel them together (body/creditMemoIds)`);
          }
          await deps.cancelCorrections(tx, ctx, corrections);
          const s = settle(new Dec(inv.amount), (await deps.payments.applied(tx, ctx, [inv.id])).get(inv.id) ?? []);
          if (s.paid.minus(s.refunded).gt(0)) throw conflict('INVOICE_PAID', `Invoice ${inv.invoiceNumber} has payments; cancel them first`);
          await store.updateInvoice(tx, ctx.tenantId, inv.id, { status: 'Canceled', canceledDate: ctx.clock.now(), paymentStatus: 'Canceled' });
        }
      });
      return { jobId: null, status: 'Completed', invoiceIds: ids };
    },

    /** Only Canceled invoices can be deleted. */
    async remove(ctx: Ctx, body: { invoiceIds?: unknown }) {
      const ids = body.invoiceIds;
      if (!Array.isArray(ids) || ids.length === 0) throw invalid('INVALID_FIELD', 'body/invoiceIds must be a non-empty array');
      assertStrings(ids, 'body/invoiceIds');
      await inTransaction(ctx.db, async (tx) => {
        for (const [i, id] of ids.entries()) {
          const inv = await lockInvoice(tx, ctx, String(id), `body/invoiceIds/${i}`);
          if (inv.status !== 'Canceled') throw conflict('INVOICE_NOT_CANCELED', `Invoice ${inv.invoiceNumber} is ${inv.status}; only Canceled invoices can be deleted`);
          await store.deleteInvoice(tx, ctx.tenantId, inv.id);
        }
      });
      return { jobId: null, status: 'Completed', invoiceIds: ids };
    },

    /** dueDate, poNumber, billToContactId and custom fields in Draft or Active; invoiceDate in Draft only. */
    /**
     * Non-monetary fields while Draft or Active (seed 002 C): dueDate, poNumber, billToContactId,
     * description, paymentDetails and custom fields (`customFields`, or any other property, as the
     * seed's additionalProperties); invoiceDate while Draft only. Money and what Keel keeps (status,
     * numbers, the customer, the period) change through memos and operations: 409.
     */
    async patch(ctx: Ctx, id: string, body: Record<string, unknown>) {
      return inTransaction(ctx.db, async (tx) => {
        const inv = await lockInvoice(tx, ctx, id, 'invoice');
        if (inv.status === 'Canceled') throw conflict('INVOICE_FROZEN', `Invoice ${inv.invoiceNumber} is Canceled; it cannot be changed`);
        const patch: Partial<Invoice> = {};
        const extra: Record<string, unknown> = {};
        for (const [k, v] of Object.entries(body)) {
          if (k === 'empty') continue; // the seed's schema artefact
          if (KEPT_BY_KEEL.has(k)) throw conflict('INVOICE_FIELD_FROZEN', `body/${k} cannot be changed on an invoice (amounts change through memos)`);
          if (k === 'invoiceDate' && inv.status !== 'Draft') throw conflict('INVOICE_FIELD_FROZEN', 'body/invoiceDate can change only while the invoice is Draft');
          if ((k === 'dueDate' || k === 'invoiceDate') && (typeof v !== 'string' || !isBusinessDate(v))) throw invalid('INVALID_FIELD', `body/${k} must be ${BUSINESS_DATE_TEXT}`);
          if (k === 'billToContactId' && v !== null && !isUuid(v)) throw invalid('INVALID_FIELD', 'body/billToContactId must be an id');
          if (TEXT_FIELDS.has(k) && v !== null && typeof v !== 'string') throw invalid('INVALID_FIELD', `body/${k} must be a string`);
          if (k === 'customFields' && (typeof v !== 'object' || v === null || Array.isArray(v))) throw invalid('INVALID_FIELD', 'body/customFields must be an object');
          // each value was checked above for its field
          if (k === 'customFields') Object.assign(extra, v);
          else if (WRITABLE.has(k)) Object.assign(patch, { [k]: v });
          else extra[k] = v;
        }
        if (Object.keys(extra).length > 0) patch.customFields = { ...(inv.customFields as object), ...extra };
        if (Object.keys(patch).length > 0) await store.updateInvoice(tx, ctx.tenantId, inv.id, patch);
        return inv.id;
      });
    },
  };
}

export type InvoiceOperations = ReturnType<typeof createInvoiceOperations>;
