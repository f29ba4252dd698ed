import type { Ctx } from '../context.js';
import { DomainError, conflict, invalid } from '../core/errors.js';
import { isUuid } from '../core/ids.js';
import { Dec, parseAmount, roundMoney, toMoneyString } from '../core/money.js';
import { parseDate } from '../core/dates.js';
import { inTransaction, type Tx } from '../db/transaction.js';
import type { ActivatedInvoice, BillingService } from '../billing/service.js';
import type { CustomersService } from '../customers/service.js';
import type { NumberingService } from '../numbering/service.js';
import type { GatewayOutcome, PaymentGateway } from '../payments/gateway.js';
import type { CollectionAttempt, Payment } from '../payments/model.js';
import type { PaymentsService } from '../payments/service.js';

// Collection (DESIGN "Payments and atomicity", Collection): invoices that billing runs or
// `:activate` make Active are charged to the customer's stored payment method, on the later of
// their activation and their invoice date, for the balance at the time of each attempt.
//
// An attempt, step by step (no transaction is open while the gateway is called):
//   1. planned (Scheduled, due on a business date) in the transaction that activates the invoice,
//      by a failed attempt (the next retry), or by transferToPayments;
//   2. made: one transaction locks the invoice, fixes the amount (its balance; 0 → Skipped), the
//      gateway key (tenant, invoice, attempt n, amount) and records the payment Pending beside the
//      attempt — from here a crash leaves it to the reconciler, which completes it under the same key;
//   3. authorize (manual capture) with that key;
//   4. one transaction checks the balance still equals the amount: Authorized, else Voided and
//      re-planned for the new balance (the authorization is voided at the gateway);
//   5. capture; 6. settle: Succeeded and applied (invoice Paid), or Failed with the decline and the
//      next retry planned (tenant setting `collectionRetryDays`, days after the first attempt).
// Attempts due today run as `billing.collect` jobs; later ones are picked up by the tenant's
// day-boundary job for the day they fall due (a test clock crossing it runs them too).

export const COLLECT_JOB = 'billing.collect';

export interface InvoiceCollectionDeps {
  billing: BillingService; payments: PaymentsService; numbering: NumberingService; customers: CustomersService;
  gatewayFor(name: string | undefined): PaymentGateway;
  /** A gateway call that may not answer: a timeout is `pending`, never a failure. */
  ask(f: () => Promise<GatewayOutcome>): Promise<GatewayOutcome>;
  /** Enqueues the `billing.collect` job of an invoice, in the caller's transaction (src/jobs). */
  enqueueCollect(tx: Tx, tenantId: string, invoiceId: string): Promise<void>;
}

/** An attempt as the API shows it (`GET /billing/invoices/{id}/collection-attempts`). */
export function toAttemptView(a: CollectionAttempt) {
  return {
    id: a.id, invoiceId: a.invoiceId, attemptNumber: a.attemptNumber, status: a.status, trigger: a.trigger, dueDate: a.dueDate,
    currencyIsoCode: a.currency, amount: a.amount === null ? null : Number(a.amount), gateway: a.gateway, gatewayKey: a.gatewayKey,
    paymentId: a.paymentId, declineCode: a.declineCode, declineMessage: a.declineMessage, attemptedOn: a.attemptedOn,
    createdDate: a.createdAt.toISOString(), attemptedTime: a.attemptedAt?.toISOString() ?? null, finishedTime: a.finishedAt?.toISOString() ?? null,
  };
}

/** A payment method the caller presents: a gateway token, and the gateway it belongs to (the test gateway by default). */
interface PaymentMethod { token: string; gateway?: string | undefined }

function readMethod(v: unknown): PaymentMethod {
  const m = v as { token?: unknown; gateway?: unknown } | null;
  if (typeof m !== 'object' || m === null || typeof m.token !== 'string' || m.token.trim() === '' || m.token.length > 255) throw invalid('INVALID_FIELD', 'body/paymentMethod/token must be a payment method token');
  if (m.gateway !== undefined && typeof m.gateway !== 'string') throw invalid('INVALID_FIELD', 'body/paymentMethod/gateway must be a gateway name');
  return { token: m.token, gateway: m.gateway };
}

const todayOf = (ctx: Ctx) => ctx.clock.today(ctx.timeZone).toString();
const later = (a: string, b: string) => (a > b ? a : b);

/** The invoice ids a transfer names: `invoiceIds`, or the seed's `whereConditions: {id: {_in: [...]}}`. */
export function readIds(body: unknown, field: string): string[] {
  const b = (typeof body === 'object' && body !== null ? body : {}) as Record<string, unknown>;
  const where = b.whereConditions as { id?: { _in?: unknown; _eq?: unknown } } | undefined;
  const [list, at] = b[field] !== undefined ? [b[field], `body/${field}`]
    : where?.id?._in !== undefined ? [where.id._in, 'body/whereConditions/id/_in']
      : where?.id?._eq !== undefined ? [[where.id._eq], 'body/whereConditions/id/_eq'] : [undefined, `body/${field}`];
  if (!Array.isArray(list) || list.length === 0) throw invalid('INVALID_FIELD', `${at} must be a non-empty array of ids`);
  if (list.length > 100) throw invalid('INVALID_FIELD', `${at} must hold at most 100 ids`);
  return [...new Set(list.map((x, i) => {
    if (!isUuid(x)) throw invalid('INVALID_FIELD', `${at}/${i} must be an id`);
    return String(x).toLowerCase();
  }))];
}

export function createInvoiceCollection(deps: InvoiceCollectionDeps) {
  const { payments, billing } = deps;
  const ops = billing.operations;

  /** The next retry after attempt `failed`: the first attempt's day + the tenant's n-th retry day, or none after the last. */
  async function planRetry(tx: Tx, ctx: Ctx, failed: CollectionAttempt, firstOn: string): Promise<void> {
    const days = ctx.tenant.settings.collectionRetryDays;
    const offset = days[failed.attemptNumber - 1];
    if (offset === undefined) return; // the last one: the invoice stays Failed
    // never before the day the failed attempt was made (a retry day already past is made at once)
    const due = later(parseDate(firstOn, 'first attempt').add({ days: offset }).toString(), failed.attemptedOn ?? todayOf(ctx));
    await payments.planAttempt(tx, ctx, { invoiceId: failed.invoiceId, attemptNumber: failed.attemptNumber + 1, trigger: 'Retry', dueDate: due, currency: failed.currency });
    // due the day it failed: at once; later: the day-boundary job of its day makes it
    if (due <= String(failed.attemptedOn ?? todayOf(ctx))) await deps.enqueueCollect(tx, ctx.tenantId, failed.invoiceId);
  }

  /** The day the invoice's first attempt was made (retries count from it). */
  async function firstAttemptDay(tx: Tx, ctx: Ctx, invoiceId: string): Promise<string> {
    const made = (await payments.attemptsOf(tx, ctx, invoiceId)).map((a) => a.attemptedOn).filter((d): d is string => d !== null).sort();
    return made[0] ?? todayOf(ctx);
  }

  /**
   * What the gateway said about an attempt in flight (Pending or Authorized): authorized → checked
   * against the balance, then captured (or voided and re-planned); succeeded → applied; declined →
   * Failed and the next retry planned; no answer → left Pending for the reconciler. An attempt that
   * is no longer in flight is left as it is (duplicate and late webhooks change nothing).
   */
  async function settle(ctx: Ctx, attempt: CollectionAttempt, outcome: GatewayOutcome): Promise<CollectionAttempt> {
    const gateway = deps.gatewayFor(attempt.gateway ?? undefined);
    const key = String(attempt.gatewayKey);
    let final = outcome;
    if (outcome.status === 'authorized') {
      const reference = outcome.reference;
      const next = await inTransaction(ctx.db, async (tx) => {
        const inv = await ops.lockInvoice(tx, ctx, attempt.invoiceId, 'invoice');
        const open = await payments.openAttempt(tx, ctx, attempt.invoiceId);
        if (open?.id !== attempt.id) return 'gone' as const;
        if (inv.status === 'Active' && new Dec(inv.balance).eq(String(attempt.amount))) {
          await payments.updateAttempt(tx, ctx, attempt.id, { status: 'Authorized' });
          await payments.setStatus(tx, ctx, String(attempt.paymentId), 'Pending', { gatewayReference: reference });
          return 'capture' as const;
        }
        // the balance moved while the charge was in flight: void it and charge what is owed now
        await payments.updateAttempt(tx, ctx, attempt.id, { status: 'Voided', finishedAt: ctx.clock.now(), declineMessage: `The balance is now ${inv.balance}` });
        await payments.setStatus(tx, ctx, String(attempt.paymentId), 'Canceled', { gatewayReference: reference });
        if (inv.status === 'Active' && new Dec(inv.balance).gt(0)) {
          await payments.planAttempt(tx, ctx, { invoiceId: attempt.invoiceId, attemptNumber: attempt.attemptNumber, trigger: 'Replan', dueDate: todayOf(ctx), currency: attempt.currency });
        }
        return 'void' as const;
      });
      if (next === 'gone') return attempt;
      if (next === 'void') {
        await gateway.void(reference, `${key}:void`);
        await collect(ctx, attempt.invoiceId);
        return attempt;
      }
      final = await deps.ask(() => gateway.capture(reference, `${key}:capture`));
    }
    return inTransaction(ctx.db, async (tx) => {
      await ops.lockInvoice(tx, ctx, attempt.invoiceId, 'invoice');
      const open = await payments.openAttempt(tx, ctx, attempt.invoiceId);
      if (open?.id !== attempt.id) return attempt;
      const paymentId = String(attempt.paymentId);
      const now = ctx.clock.now();
      if (final.status === 'succeeded') {
        await payments.setStatus(tx, ctx, paymentId, 'Succeeded', { gatewayReference: final.reference });
        await ops.applyPayment(tx, ctx, { invoiceId: attempt.invoiceId, paymentId, amount: new Dec(String(attempt.amount)) });
        await payments.updateAttempt(tx, ctx, attempt.id, { status: 'Succeeded', finishedAt: now });
        return { ...attempt, status: 'Succeeded', finishedAt: now };
      }
      if (final.status === 'declined') {
        await payments.setStatus(tx, ctx, paymentId, 'Failed', { declineCode: final.declineCode, declineMessage: final.message, ...(final.reference && { gatewayReference: final.reference }) });
        await payments.updateAttempt(tx, ctx, attempt.id, { status: 'Failed', declineCode: final.declineCode, declineMessage: final.message, finishedAt: now });
        await ops.markPaymentStatus(tx, ctx, attempt.invoiceId, 'Failed');
        await planRetry(tx, ctx, attempt, await firstAttemptDay(tx, ctx, attempt.invoiceId));
        return { ...attempt, status: 'Failed', declineCode: final.declineCode, declineMessage: final.message, finishedAt: now };
      }
      // no answer yet (a timeout, or the customer's action): the reconciler or a webhook settles it
      if (final.reference) await payments.setStatus(tx, ctx, paymentId, 'Pending', { gatewayReference: final.reference });
      return attempt;
    });
  }

  /**
   * Makes the invoice's attempt that is due today, or by `asOf` (a job, the day boundary, transferToPayments).
   * Returns it as it ended up, or null when none was due.
   */
  async function collect(ctx: Ctx, invoiceId: string, asOf?: string, method?: PaymentMethod): Promise<CollectionAttempt | null> {
    const through = asOf && asOf < todayOf(ctx) ? asOf : todayOf(ctx);
    const [number] = await deps.numbering.nextNumbers(ctx, 'payment', 1);
    const made = await inTransaction(ctx.db, async (tx) => {
      const inv = await ops.lockInvoice(tx, ctx, invoiceId, 'invoice');
      const a = await payments.openAttempt(tx, ctx, invoiceId);
      if (!a || a.status !== 'Scheduled' || a.dueDate > through) return null;
      // the business day it counts for: today; in the day boundary's catch-up (days a test clock
      // crossed, in whatever order their jobs run) its own due day, so retries keep their schedule
      const today = asOf ? a.dueDate : todayOf(ctx);
      const now = ctx.clock.now();
      const balance = new Dec(inv.balance);
      if (inv.status !== 'Active' || balance.lte(0)) {
        await payments.updateAttempt(tx, ctx, a.id, { status: 'Skipped', amount: balance.toString(), attemptedOn: today, attemptedAt: now, finishedAt: now });
        return { ...a, status: 'Skipped', amount: balance.toString() };
      }
      // the method the caller presents (`:pay` with a paymentMethod), else the customer's stored one
      const customer = method ? null : await deps.customers.getStoredCustomer(tx, ctx, inv.customerId);
      const token = method ? method.token : customer!.defaultPaymentMethodToken;
      const gatewayName = (method ? method.gateway : customer!.defaultPaymentGateway) ?? 'test';
      const amount = toMoneyString(balance, inv.currency);
      if (!token) {
        // nothing to charge it to: the transfer failed (the customer must pay another way)
        await payments.updateAttempt(tx, ctx, a.id, { status: 'Failed', amount, declineCode: 'no_payment_method', declineMessage: 'The customer has no default payment method', attemptedOn: today, attemptedAt: now, finishedAt: now });
        await ops.markPaymentStatus(tx, ctx, invoiceId, 'TransferError');
        return { ...a, status: 'Failed', amount, declineCode: 'no_payment_method' };
      }
      // a process without this gateway makes nothing (the job fails and is retried), never a Pending it cannot settle
      deps.gatewayFor(gatewayName);
      const key = `collect:${ctx.tenantId}:${invoiceId}:${a.attemptNumber}:${amount}`;
      const p = await payments.record(tx, ctx, {
        paymentNumber: number!, customerId: inv.customerId, currency: inv.currency, amount: balance, kind: 'Payment', status: 'Pending',
        gateway: gatewayName, paymentMethod: 'Electronic', idempotencyKey: key, invoiceId, paymentToken: token,
      });
      const pending = { status: 'Pending', amount, gateway: gatewayName, gatewayKey: key, paymentId: p.id, attemptedOn: today, attemptedAt: now } as const;
      await payments.updateAttempt(tx, ctx, a.id, pending);
      await ops.markPaymentStatus(tx, ctx, invoiceId, 'Transferred');
      return { ...a, ...pending, token };
    });
    if (!made || !('token' in made)) return made;
    const gateway = deps.gatewayFor(made.gateway);
    const outcome = await deps.ask(() => gateway.authorize({ amount: made.amount, currency: made.currency, token: made.token, idempotencyKey: made.gatewayKey, capture: false }));
    return settle(ctx, made, outcome);
  }

  /** The invoice's attempt, due today: the open Scheduled one moved to today, else a new one (an attempt in flight is left as it is). */
  async function dueToday(ctx: Ctx, invoiceId: string, trigger: 'Transfer' | 'Pay'): Promise<void> {
    await inTransaction(ctx.db, async (tx) => {
      const inv = await ops.lockInvoice(tx, ctx, invoiceId, 'invoice');
      if (new Dec(inv.balance).lte(0)) return;
      const open = await payments.openAttempt(tx, ctx, invoiceId);
      if (open) {
        if (open.status === 'Scheduled') await payments.updateAttempt(tx, ctx, open.id, { dueDate: todayOf(ctx) });
        return;
      }
      const n = Math.max(0, ...(await payments.attemptsOf(tx, ctx, invoiceId)).map((a) => a.attemptNumber)) + 1;
      await payments.planAttempt(tx, ctx, { invoiceId, attemptNumber: n, trigger, dueDate: todayOf(ctx), currency: inv.currency });
    });
  }

  type RefundPlan = Awaited<ReturnType<typeof billing.creditMemos.refundPlan>> & { original: Payment; amount: Dec };

  /** A memo's refund: recorded Pending with its amount taken off the memo, then sent, then settled. */
  async function sendRefund(ctx: Ctx, p: RefundPlan) {
    const gateway = deps.gatewayFor(p.original.gateway);
    const amount = toMoneyString(p.amount, p.currency);
    const [number] = await deps.numbering.nextNumbers(ctx, 'payment', 1);
    const { refund, sent } = await inTransaction(ctx.db, async (tx) => {
      await billing.creditMemos.lockForRefund(tx, ctx, p.memoId);
      const inFlight = await payments.pendingRefundOf(tx, ctx, p.memoId);
      if (inFlight) return { refund: inFlight, sent: true };   // a concurrent request sent it: follow that one
      // the n-th refund of the memo: a refused one is never answered again for the next
      const key = `refund:${ctx.tenantId}:${p.memoId}:${await payments.refundCountOf(tx, ctx, p.memoId) + 1}:${amount}`;
      const rec = await payments.record(tx, ctx, {
        paymentNumber: number!, customerId: p.customerId, currency: p.currency, amount: p.amount, kind: 'Refund', status: 'Pending', gateway: gateway.name,
        paymentMethod: 'Electronic', idempotencyKey: key, invoiceId: null, creditMemoId: p.memoId, refundsPaymentId: p.original.id,
      });
      await billing.creditMemos.recordRefund(tx, ctx, { memoId: p.memoId, paymentId: rec.id, amount: p.amount });
      return { refund: (await payments.lock(tx, ctx, rec.id))!, sent: false };
    });
    if (sent) return followRefund(ctx, refund);
    const outcome = await deps.ask(() => gateway.refund(String(p.original.gatewayReference), amount, String(refund.idempotencyKey)));
    return settleRefund(ctx, refund, outcome);
  }

  /** A Pending refund asked about again: by its reference, or (its answer was lost) sent again under the same key. */
  async function followRefund(ctx: Ctx, refund: Payment) {
    const gateway = deps.gatewayFor(refund.gateway);
    const reference = refund.gatewayReference;
    let outcome: GatewayOutcome;
    if (reference) outcome = await deps.ask(() => gateway.refundStatus(reference));
    else {
      const original = (await inTransaction(ctx.db, (tx) => payments.lock(tx, ctx, String(refund.refundsPaymentId))))!;
      outcome = await deps.ask(() => gateway.refund(String(original.gatewayReference), toMoneyString(new Dec(refund.amount), refund.currency), String(refund.idempotencyKey)));
    }
    return settleRefund(ctx, refund, outcome);
  }

  /** The gateway's word on a refund: succeeded stays taken off the memo; refused gives it back; no answer stays Pending. */
  async function settleRefund(ctx: Ctx, refund: Payment, outcome: GatewayOutcome) {
    const settled = await inTransaction(ctx.db, async (tx) => {
      const now = (await payments.lock(tx, ctx, refund.id))!;
      if (now.status !== 'Pending') return now;   // settled meanwhile (a webhook, another follow-up)
      const reference = outcome.reference ?? now.gatewayReference;
      if (outcome.status === 'succeeded') await payments.setStatus(tx, ctx, now.id, 'Succeeded', { gatewayReference: reference });
      else if (outcome.status === 'declined') {
        await payments.setStatus(tx, ctx, now.id, 'Failed', { gatewayReference: reference, declineCode: outcome.declineCode, declineMessage: outcome.message });
        await billing.creditMemos.reverseRefund(tx, ctx, { memoId: String(now.creditMemoId), paymentId: now.id });
      } else if (reference) await payments.setStatus(tx, ctx, now.id, 'Pending', { gatewayReference: reference });
      return (await payments.lock(tx, ctx, now.id))!;
    });
    return refundView(ctx, settled);
  }

  async function refundView(ctx: Ctx, refund: Payment) {
    const memo = await billing.creditMemos.get(ctx, String(refund.creditMemoId));
    return {
      creditMemoId: memo.id, creditMemoNumber: memo.creditMemoNumber, refundedAmount: refund.status === 'Succeeded' ? new Dec(refund.amount).toNumber() : 0,
      originalPaymentId: refund.refundsPaymentId, refundPaymentNumber: refund.paymentNumber, status: refund.status,
      balance: new Dec(memo.balance).toNumber(), paymentStatus: memo.paymentStatus,
    };
  }

  return {
    collect,
    settle,

    /**
     * In the transaction that activates an invoice (a billing run's autoActivate, `:activate`):
     * with `autoCollect` and a stored payment method, its first attempt is planned for the later
     * of today and its invoice date; one due today is a job at once.
     */
    async planOnActivation(tx: Tx, ctx: Ctx, inv: ActivatedInvoice): Promise<void> {
      if (!ctx.tenant.settings.autoCollect) return;
      const token = inv.paymentMethodToken !== undefined ? inv.paymentMethodToken : (await deps.customers.getStoredCustomer(tx, ctx, inv.customerId)).defaultPaymentMethodToken;
      if (!token) return;
      const today = todayOf(ctx);
      const due = later(inv.invoiceDate, today);
      await payments.planAttempt(tx, ctx, { invoiceId: inv.id, attemptNumber: 1, trigger: 'Activation', dueDate: due, currency: inv.currency });
      if (due <= today) await deps.enqueueCollect(tx, ctx.tenantId, inv.id);
    },

    /** The day-boundary work: every attempt due by `day` (never after today), made one invoice at a time. */
    async collectDue(ctx: Ctx, day: string): Promise<number> {
      const through = day < todayOf(ctx) ? day : todayOf(ctx);
      let made = 0;
      // a retry planned by an attempt made here may itself be due by then (a clock that jumped): go on until none is
      for (let round = 0; round < 20; round++) {
        const due = await payments.dueAttemptInvoices(ctx.db, ctx, through);
        if (due.length === 0) break;
        for (const invoiceId of new Set(due)) if (await collect(ctx, invoiceId, through)) made++;
      }
      return made;
    },

    /** A Pending payment of an attempt (the reconciler's): asks the gateway again under the same key, then settles. */
    async resume(ctx: Ctx, attempt: CollectionAttempt, payment: Payment): Promise<void> {
      const gateway = deps.gatewayFor(attempt.gateway ?? undefined);
      const reference = payment.gatewayReference;
      const outcome = reference
        ? await deps.ask(() => gateway.status(reference))
        : await deps.ask(() => gateway.authorize({ amount: String(attempt.amount), currency: attempt.currency, token: String(payment.paymentToken), idempotencyKey: String(attempt.gatewayKey), capture: false }));
      await settle(ctx, attempt, outcome);
    },

    /**
     * `POST /billing/invoices:transferToPayments`: charges chosen Active invoices now. Every id is
     * checked before anything is written; an invoice already being charged keeps its attempt.
     */
    async transfer(ctx: Ctx, body: unknown) {
      const ids = readIds(body, 'invoiceIds');
      for (const [i, id] of ids.entries()) {
        const invoice = await ops.findInvoice(ctx.db, ctx, id, 'write', { at: `body/invoiceIds/${i}` });
        if (invoice.status !== 'Active') throw conflict('INVOICE_NOT_ACTIVE', `body/invoiceIds/${i}: invoice ${invoice.invoiceNumber} is ${invoice.status}; only Active invoices are transferred to payments`);
      }
      const out = [];
      for (const id of ids) {
        await dueToday(ctx, id, 'Transfer');
        const attempt = await collect(ctx, id);
        const { invoice } = await billing.getInvoice(ctx, id);
        out.push({ id, invoiceNumber: invoice.name, paymentStatus: invoice.paymentStatus, balance: invoice.balance, attempt: attempt && toAttemptView(attempt) });
      }
      return { invoices: out };
    },

    /**
     * `POST /billing/invoices:pay` with a `paymentMethod` (DESIGN §3 Roles and money): money that moves.
     * Each invoice's whole balance is charged to the method through the collection path — the
     * attempt recorded before the gateway is called, the reconciler finishing it after a crash —
     * so a customer-facing credential pays only by charging. Every line is checked first; a decline
     * is a 402 naming the invoices it declined (the others are paid, as the answer of each says).
     */
    async payWithMethod(ctx: Ctx, body: { payInvoices?: unknown; paymentMethod?: unknown }) {
      const method = readMethod(body.paymentMethod);
      deps.gatewayFor(method.gateway); // 400 UNKNOWN_GATEWAY before anything is written
      const list = body.payInvoices;
      if (!Array.isArray(list) || list.length === 0 || list.length > 100) throw invalid('INVALID_FIELD', 'body/payInvoices must hold 1 to 100 invoices');
      const ids: string[] = [];
      for (const [i, raw] of list.entries()) {
        const at = `body/payInvoices/${i}`;
        const l = raw as { invoiceId?: unknown; transactionAmount?: unknown } | null;
        if (typeof l !== 'object' || l === null || !isUuid(l.invoiceId)) throw invalid('INVALID_FIELD', `${at}/invoiceId must be an invoice id`);
        const invoice = await ops.findInvoice(ctx.db, ctx, l.invoiceId, 'write', { at: `${at}/invoiceId` });
        if (invoice.status !== 'Active') throw conflict('INVOICE_NOT_ACTIVE', `${at}: invoice ${invoice.invoiceNumber} is ${invoice.status}; only an Active invoice can be paid`);
        const balance = new Dec(invoice.balance);
        if (balance.lte(0)) throw conflict('NOTHING_TO_PAY', `${at}: invoice ${invoice.invoiceNumber} has no balance left`);
        if (l.transactionAmount !== undefined && !roundMoney(parseAmount(l.transactionAmount, `${at}/transactionAmount`), invoice.currency).eq(balance)) {
          throw invalid('INVALID_FIELD', `${at}/transactionAmount: a payment by card pays the whole balance, ${balance.toString()}`);
        }
        const inFlight = await payments.openAttempt(ctx.db, ctx, invoice.id);
        if (inFlight && inFlight.status !== 'Scheduled') throw conflict('COLLECTION_IN_FLIGHT', `${at}: a charge of invoice ${invoice.invoiceNumber} is in flight (collection attempt ${inFlight.attemptNumber}); wait for it to settle`);
        ids.push(invoice.id);
      }
      const out = [];
      for (const id of new Set(ids)) {
        await dueToday(ctx, id, 'Pay');
        const attempt = await collect(ctx, id, undefined, method);
        const { invoice } = await billing.getInvoice(ctx, id);
        out.push({ id, invoiceNumber: invoice.name, paymentStatus: invoice.paymentStatus, balance: invoice.balance, attempt: attempt && toAttemptView(attempt) });
      }
      const declined = out.filter((o) => o.attempt?.status === 'Failed');
      if (declined.length > 0) {
        throw new DomainError('payment_failed', 'PAYMENT_DECLINED', `The payment was declined for ${declined.map((d) => `${String(d.invoiceNumber)} (${d.attempt?.declineMessage ?? d.attempt?.declineCode ?? 'declined'})`).join(', ')}${declined.length < out.length ? '; the other invoices are paid' : ''}`);
      }
      return { invoices: out };
    },

    /**
     * `POST /billing/credit-memos:transferToPayments`: each memo's credit left goes back to the
     * original payment method — the gateway payment that paid the invoice it credits — capped at
     * that payment. Every memo is checked before any refund. The refund is recorded Pending and its
     * amount taken off the memo before the gateway is called (a crash, or a refund the gateway
     * settles later, can never leave that credit to be used twice); a refusal gives it back. A memo
     * with a refund still Pending has that refund followed up instead of a second one sent.
     */
    async refundCreditMemos(ctx: Ctx, body: unknown) {
      const ids = readIds(body, 'creditMemoIds');
      const plans: ({ follow: Payment } | RefundPlan)[] = [];
      for (const [i, id] of ids.entries()) {
        const at = `body/creditMemoIds/${i}`;
        await billing.creditMemos.assertWritable(ctx, id, at);
        const inFlight = await payments.pendingRefundOf(ctx.db, ctx, id);
        if (inFlight) { plans.push({ follow: inFlight }); continue; }
        const plan = await billing.creditMemos.refundPlan(ctx, id, at);
        let original: Payment | undefined;
        for (const invoiceId of plan.invoiceIds) original ??= (await payments.gatewayPaymentsOf(ctx.db, ctx, invoiceId))[0];
        if (!original) throw conflict('NO_ORIGINAL_PAYMENT', `${at}: credit memo ${plan.number} credits no invoice paid through a gateway; its credit stays on the customer's account`);
        plans.push({ ...plan, original, amount: Dec.min(plan.balance, original.amount) });
      }
      const out = [];
      for (const p of plans) out.push('follow' in p ? await followRefund(ctx, p.follow) : await sendRefund(ctx, p));
      return { creditMemos: out };
    },

    /** The reconciler's: every refund the gateway has not settled yet is asked about again. */
    async followPendingRefunds(ctx: Ctx, minAgeSeconds: number): Promise<number> {
      const pending = await payments.pendingRefunds(ctx.db, ctx, minAgeSeconds);
      for (const p of pending) await followRefund(ctx, p);
      return pending.length;
    },

    /**
     * `refundCorrections: Refund`: the credit a correction memo still holds after paying the open
     * invoices goes back to the original payment method (a job planned where billing wrote the memo).
     * A memo with nothing left, or no gateway payment behind it, stays as it is: the job says why.
     */
    async refundCreditLeft(ctx: Ctx, creditMemoId: string) {
      try {
        return await this.refundCreditMemos(ctx, { creditMemoIds: [creditMemoId] });
      } catch (e) {
        const code = (e as { code?: string }).code;
        if (code === 'NO_ORIGINAL_PAYMENT' || code === 'NOTHING_TO_REFUND' || code === 'CREDIT_MEMO_NOT_ACTIVE') return { creditMemos: [], keptAsCredit: code };
        throw e;
      }
    },

    /** Every attempt made or planned for an invoice, oldest first. */
    async attemptsOf(ctx: Ctx, invoiceId: string) {
      const { invoice } = await billing.getInvoice(ctx, invoiceId);
      return { invoiceId: invoice.id, customerId: invoice.customerId, attempts: (await payments.attemptsOf(ctx.db, ctx, invoice.id)).map(toAttemptView) };
    },
  };
}

export type InvoiceCollection = ReturnType<typeof createInvoiceCollection>;
