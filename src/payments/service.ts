import { randomUUID } from 'node:crypto';
import type { Ctx } from '../context.js';
import { Dec } from '../core/money.js';
import { conflict } from '../core/errors.js';
import { inScope, outsideScope } from '../core/scope.js';
import type { Tx } from '../db/transaction.js';
import type { Applied } from '../billing/invoices/balances.js';
import * as store from './store.js';
import type { AttemptUpdate, CollectionAttempt, NewCollectionAttempt, PaymentApplication, PaymentSettlement } from './model.js';

// Payment records (PAY-…) and their applications to invoices. Gateways are called by the use
// cases outside any transaction; this service only records, inside the caller's transaction.

export interface RecordedPayment { id: string; paymentNumber: string }
/** What live applications add up to for one document (an invoice, a credit or a debit memo). */
export interface AppliedSum { id: string; amount: Dec }

const sums = (rows: { id: string; amount: string }[]): AppliedSum[] => rows.map((r) => ({ id: r.id, amount: new Dec(r.amount) }));

/** The payments service (wired once in src/runtime.ts). */
export function createPaymentsService() {
  return {
    async record(tx: Tx, ctx: Ctx, p: {
      paymentNumber: string; customerId: string | null; currency: string; amount: Dec; kind: 'Payment' | 'Refund'; status: 'Pending' | 'Succeeded' | 'Failed';
      gateway: string; gatewayReference?: string | null; paymentMethod: string; paymentSource?: string | null; externalReference?: string | null;
      declineCode?: string | null; declineMessage?: string | null; idempotencyKey?: string | null; invoiceId?: string | null; paymentToken?: string | null;
      creditMemoId?: string | null; refundsPaymentId?: string | null;
    }): Promise<RecordedPayment> {
      const id = randomUUID();
      await store.insertPayment(tx, ctx.tenantId, {
        id, paymentNumber: p.paymentNumber, customerId: p.customerId, currency: p.currency, amount: p.amount.toString(),
        kind: p.kind, status: p.status, gateway: p.gateway, gatewayReference: p.gatewayReference ?? null, paymentMethod: p.paymentMethod,
        paymentSource: p.paymentSource ?? null, externalReference: p.externalReference ?? null, declineCode: p.declineCode ?? null,
        declineMessage: p.declineMessage ?? null, idempotencyKey: p.idempotencyKey ?? null, invoiceId: p.invoiceId ?? null, paymentToken: p.paymentToken ?? null,
        creditMemoId: p.creditMemoId ?? null, refundsPaymentId: p.refundsPaymentId ?? null,
      }).catch((e: unknown) => {
        // the same gateway key twice: another attempt of this very request recorded it (and the gateway charged once)
        if ((e as { code?: string; constraint?: string }).code === '23505' && (e as { constraint?: string }).constraint === 'payments_gateway_key') {
          throw conflict('PAYMENT_IN_PROGRESS', 'Another attempt of this request already recorded its payment; retry with the same Idempotency-Key to get its answer');
        }
        throw e;
      });
      return { id, paymentNumber: p.paymentNumber };
    },

    async apply(tx: Tx, ctx: Ctx, a: { invoiceId: string | null; debitMemoId?: string | null; paymentId: string | null; kind: Applied['kind']; amount: Dec; paymentMethod?: string | null; creditMemoId?: string | null }): Promise<string> {
      const id = randomUUID();
      await store.insertApplication(tx, ctx.tenantId, {
        id, invoiceId: a.invoiceId, debitMemoId: a.debitMemoId ?? null, paymentId: a.paymentId, kind: a.kind, amount: a.amount.toString(), paymentMethod: a.paymentMethod ?? null,
        creditMemoId: a.creditMemoId ?? null,
      });
      return id;
    },

    /** What is applied to each invoice now. */
    async applied(tx: Tx | Ctx['db'], ctx: Ctx, invoiceIds: readonly string[]): Promise<Map<string, Applied[]>> {
      const applications = await store.appliedTo(tx, ctx.tenantId, invoiceIds);
      const out = new Map<string, Applied[]>(invoiceIds.map((id) => [id, []]));
      // every one names an invoice (they were selected by it)
      for (const a of applications) if (a.invoiceId) out.get(a.invoiceId)?.push({ kind: a.kind as Applied['kind'], amount: new Dec(a.amount) });
      return out;
    },

    async applicationsOf(tx: Tx | Ctx['db'], ctx: Ctx, invoiceIds: readonly string[]): Promise<PaymentApplication[]> {
      return store.appliedTo(tx, ctx.tenantId, invoiceIds);
    },

    /** Reverses payments (status Canceled) and their applications; returns the invoices they touched. */
    async reverse(tx: Tx, ctx: Ctx, paymentIds: readonly string[]): Promise<{ found: string[]; invoiceIds: string[] }> {
      const payments = await store.getPayments(tx, ctx.tenantId, paymentIds);
      const outside = payments.find((p) => !inScope(ctx, p.customerId));
      if (outside) throw outsideScope(ctx, outside.customerId, `payment ${outside.id}`);
      for (const p of payments) await store.setPaymentStatus(tx, ctx.tenantId, p.id, 'Canceled');
      return { found: payments.map((p) => p.id), invoiceIds: await store.reverseApplications(tx, ctx.tenantId, payments.map((p) => p.id)) };
    },

    /** What a credit memo has applied, to invoices and debit memos together. */
    appliedFromCreditMemo: async (q: Tx | Ctx['db'], ctx: Ctx, creditMemoId: string) => new Dec(await store.appliedSum(q, ctx.tenantId, 'credit_memo_id', creditMemoId)),
    appliedToDebitMemo: async (q: Tx | Ctx['db'], ctx: Ctx, debitMemoId: string) => new Dec(await store.appliedSum(q, ctx.tenantId, 'debit_memo_id', debitMemoId)),
    /** What a credit memo applied to each invoice, or each debit memo, it was applied to (billing reads those by id). */
    creditedByMemo: async (q: Tx | Ctx['db'], ctx: Ctx, creditMemoId: string, to: 'invoice' | 'debitMemo') =>
      sums(await store.appliedSumsPer(q, ctx.tenantId, 'credit_memo_id', creditMemoId, to === 'invoice' ? 'invoice_id' : 'debit_memo_id')),
    /** What each credit memo applied to an invoice. */
    creditsOnInvoice: async (q: Tx | Ctx['db'], ctx: Ctx, invoiceId: string) => sums(await store.appliedSumsPer(q, ctx.tenantId, 'invoice_id', invoiceId, 'credit_memo_id')),
    /** Takes back what a credit memo applied to one invoice or debit memo; returns the total taken back. */
    reverseCredit: async (tx: Tx, ctx: Ctx, creditMemoId: string, target: { invoiceId: string } | { debitMemoId: string }) =>
      (await store.reverseCreditApplications(tx, ctx.tenantId, creditMemoId, target)).reduce((a, x) => a.plus(x), new Dec(0)),

    /** One payment, locked for the transaction that settles it. */
    lock: async (tx: Tx, ctx: Ctx, id: string) => (await store.getPayments(tx, ctx.tenantId, [id]))[0],
    findByKey: (q: Tx | Ctx['db'], ctx: Ctx, gateway: string, key: string) => store.findPaymentByKey(q, ctx.tenantId, gateway, key),
    /** Pending gateway payments of a tenant older than `minAgeSeconds` (the reconciler's work list). */
    pending: (q: Ctx['db'], ctx: Ctx, minAgeSeconds: number) => store.pendingPayments(q, ctx.tenantId, minAgeSeconds),
    tenantsWithPending: (q: Ctx['db']) => store.tenantsWithPending(q),
    /** Pending gateway payments whose gateway key starts with `keyPrefix` (the charges one request planned). */
    pendingOfRequest: (q: Ctx['db'], ctx: Ctx, keyPrefix: string) => store.pendingWithKeyPrefix(q, ctx.tenantId, keyPrefix),
    pendingRefunds: (q: Ctx['db'], ctx: Ctx, minAgeSeconds: number) => store.pendingRefunds(q, ctx.tenantId, minAgeSeconds),
    refundCountOf: (q: Tx | Ctx['db'], ctx: Ctx, creditMemoId: string) => store.refundCountOf(q, ctx.tenantId, creditMemoId),
    pendingRefundOf: (q: Tx | Ctx['db'], ctx: Ctx, creditMemoId: string) => store.pendingRefundOf(q, ctx.tenantId, creditMemoId),
    /** A gateway's reference names one payment across tenants (webhooks arrive without a tenant). */
    findByReference: (q: Ctx['db'], gateway: string, reference: string) => store.findByReference(q, gateway, reference),
    setStatus: (tx: Tx, ctx: Ctx, id: string, status: string, extra: PaymentSettlement = {}) => store.setPaymentStatus(tx, ctx.tenantId, id, status, extra),
    /** The gateway payments that paid an invoice (a refund goes back to the first). */
    gatewayPaymentsOf: (q: Tx | Ctx['db'], ctx: Ctx, invoiceId: string) => store.gatewayPaymentsOf(q, ctx.tenantId, invoiceId),

    // --- collection attempts (the collection workflow's log and plan) ---------------------------
    /** Plans an attempt (Scheduled); the invoice's one open attempt (a second is a 409 `COLLECTION_IN_PROGRESS`). */
    planAttempt: (tx: Tx, ctx: Ctx, a: NewCollectionAttempt): Promise<CollectionAttempt> => store.insertAttempt(tx, ctx.tenantId, { ...a, status: 'Scheduled' }).catch((e: unknown) => {
      if ((e as { code?: string; constraint?: string }).code === '23505') throw conflict('COLLECTION_IN_PROGRESS', `Invoice ${a.invoiceId} already has a collection attempt waiting or in flight`);
      throw e;
    }),
    updateAttempt: (tx: Tx, ctx: Ctx, id: string, u: AttemptUpdate) => store.updateAttempt(tx, ctx.tenantId, id, u),
    attemptsOf: (q: Tx | Ctx['db'], ctx: Ctx, invoiceId: string) => store.attemptsOf(q, ctx.tenantId, invoiceId),
    /** The invoice's attempt that waits or is in flight, locked for the caller's transaction. */
    openAttempt: (q: Tx | Ctx['db'], ctx: Ctx, invoiceId: string) => store.openAttempt(q, ctx.tenantId, invoiceId),
    attemptOfPayment: (q: Tx | Ctx['db'], ctx: Ctx, paymentId: string) => store.attemptOfPayment(q, ctx.tenantId, paymentId),
    /** Invoices whose Scheduled attempt is due by `day` (YYYY-MM-DD). */
    dueAttemptInvoices: (q: Tx | Ctx['db'], ctx: Ctx, day: string) => store.dueAttemptInvoices(q, ctx.tenantId, day),
  };
}

export type PaymentsService = ReturnType<typeof createPaymentsService>;
