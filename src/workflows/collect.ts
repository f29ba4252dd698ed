import type { Ctx } from '../context.js';
import { DomainError, invalid } from '../core/errors.js';
import { Dec, toMoneyString } from '../core/money.js';
import { inTransaction, type Tx } from '../db/transaction.js';
import type { BillingService } from '../billing/service.js';
import type { NumberingService } from '../numbering/service.js';
import type { GatewayOutcome, PaymentGateway } from '../payments/gateway.js';
import type { PaymentsService } from '../payments/service.js';
import type { Payment } from '../payments/model.js';
import type { OrdersService } from '../orders/service.js';
import { saga } from './steps.js';
import type { CustomersService } from '../customers/service.js';
import { createInvoiceCollection } from './invoice-collection.js';

// The collection workflow: paying the first invoice of an order or change order as it is written
// (DESIGN "Payments and atomicity"), and settling later what the gateway says. No database
// transaction is open while a gateway is called; the gateway's idempotency key comes from the
// request's Idempotency-Key (or the order's refId), so a client retry never charges twice.
//   cancelOnPaymentFail: authorize (undone by: void) → write everything, the payment Pending →
//     capture → settle; a decline leaves nothing but the logged attempt and answers 402.
//   otherwise: write everything → charge → record the outcome (Paid, or Failed for follow-up).
//   asyncPayment: write everything, the payment Pending; the reconciler charges it.
//   A payment that needs the customer's action stays Pending (202). A payment that fails later
//   under cancelOnPaymentFail cancels the invoice, then the order and what it provisioned.

export interface CheckoutPayment {
  paymentNumber: string; status: 'Succeeded' | 'Failed' | 'Pending'; amount: number; gateway: string;
  declineCode: string | null; message: string | null;
}

export interface CollectionDeps {
  billing: BillingService; payments: PaymentsService; numbering: NumberingService; gateways: Record<string, PaymentGateway>; orders: OrdersService;
  customers: CustomersService;
  /** Enqueues an invoice's `billing.collect` job in the caller's transaction (src/jobs, wired in the runtime). */
  enqueueCollect(tx: Tx, tenantId: string, invoiceId: string): Promise<void>;
}

/** A gateway that does not answer (timeout, connection lost) leaves the payment Pending, never failed. */
async function ask(f: () => Promise<GatewayOutcome>): Promise<GatewayOutcome> {
  try {
    return await f();
  } catch (e) {
    if (e instanceof DomainError) throw e;
    return { status: 'pending', reference: null };
  }
}

/** The order's writing transaction, given what to add to it once the invoice exists; it returns the invoice it wrote. */
export type WriteAll = (extra: (tx: Tx, invoiceId: string, customerId: string) => Promise<void>) => Promise<{ invoiceId: string | null; customerId: string }>;

export function createCollection(deps: CollectionDeps) {
  const gatewayFor = (name: string | undefined): PaymentGateway => {
    const g = deps.gateways[name ?? 'test'];
    if (!g) throw invalid('UNKNOWN_GATEWAY', `body/paymentMethod/gateway: no gateway named ${name}`);
    return g;
  };

  async function record(ctx: Ctx, tx: Tx | null, p: { number: string; customerId: string | null; currency: string; amount: Dec; outcome: GatewayOutcome; gateway: string; key: string; invoiceId?: string }) {
    const status = p.outcome.status === 'declined' ? 'Failed' : p.outcome.status === 'succeeded' ? 'Succeeded' : 'Pending';
    const write = (t: Tx) => deps.payments.record(t, ctx, {
      paymentNumber: p.number, customerId: p.customerId, currency: p.currency, amount: p.amount, kind: 'Payment', status, gateway: p.gateway,
      gatewayReference: p.outcome.reference, paymentMethod: 'Electronic', idempotencyKey: p.key, invoiceId: p.invoiceId ?? null,
      declineCode: p.outcome.status === 'declined' ? p.outcome.declineCode : null, declineMessage: p.outcome.status === 'declined' ? p.outcome.message : null,
    });
    return tx ? write(tx) : inTransaction(ctx.db, write);
  }

  const view = (number: string, outcome: GatewayOutcome, amount: Dec, gateway: string): CheckoutPayment => ({
    paymentNumber: number, amount: amount.toNumber(), gateway,
    status: outcome.status === 'declined' ? 'Failed' : outcome.status === 'succeeded' || outcome.status === 'authorized' ? 'Succeeded' : 'Pending',
    declineCode: outcome.status === 'declined' ? outcome.declineCode : null, message: outcome.status === 'declined' ? outcome.message : null,
  });

  // invoices activated by runs and :activate, charged to the stored payment method (invoice-collection.ts)
  const invoices = createInvoiceCollection({
    billing: deps.billing, payments: deps.payments, numbering: deps.numbering, customers: deps.customers, gatewayFor, ask, enqueueCollect: deps.enqueueCollect,
  });

  const collection = {
    gatewayFor,
    invoices,

    /** Settles Pending payments and refunds no webhook settled: charges the ones never sent (asyncPayment), polls the rest. */
    async reconcilePending(ctx: Ctx, minAgeSeconds = 0): Promise<number> {
      const pending = await deps.payments.pending(ctx.db, ctx, minAgeSeconds);
      for (const p of pending) await completePending(ctx, p);
      // refunds of memos' credit are followed up the same way (invoice-collection.ts)
      return pending.length + await invoices.followPendingRefunds(ctx, minAgeSeconds);
    },

    /**
     * The retry of a request whose first attempt committed and died before answering (http/idempotency.ts):
     * every charge it planned and left Pending is completed now, under the charge's own gateway key.
     */
    async completeRequestCharges(ctx: Ctx): Promise<number> {
      if (!ctx.idempotencyKey) return 0;
      const planned = await deps.payments.pendingOfRequest(ctx.db, ctx, `${ctx.tenantId}:${ctx.idempotencyKey}:`);
      for (const p of planned) await completePending(ctx, p);
      return planned.length;
    },

    /** A gateway event about a payment (a Stripe PaymentIntent): the payment that carries its
     * reference names the tenant, whose context `contextFor` builds. */
    async onGatewayEvent(gateway: string, reference: string, outcome: GatewayOutcome, contextFor: (tenantId: string) => Promise<Ctx>, db: Ctx['db']) {
      const found = await deps.payments.findByReference(db, gateway, reference);
      if (!found) return;
      await this.reconcile(await contextFor(found.tenantId), found.payment, outcome);
    },

    /**
     * A gateway's later word on a Pending payment (a webhook, or a poll): it settles the payment and
     * the invoice it was for. A payment that is no longer Pending is left as it is, so duplicate
     * and reordered events change nothing.
     */
    async reconcile(ctx: Ctx, payment: Payment, outcome: GatewayOutcome) {
      const invoiceId = payment.invoiceId;
      if (payment.status !== 'Pending' || !invoiceId) return;
      const attempt = await deps.payments.attemptOfPayment(ctx.db, ctx, payment.id);
      if (attempt) { await invoices.settle(ctx, attempt, outcome); return; }
      let final = outcome;
      if (outcome.status === 'authorized') final = await ask(() => gatewayFor(payment.gateway).capture(String(outcome.reference ?? payment.gatewayReference), `${String(payment.idempotencyKey)}:capture`));
      const settled = await inTransaction(ctx.db, async (tx) => {
        // settled meanwhile (the request's own answer, a webhook, another poll): once only
        if ((await deps.payments.lock(tx, ctx, payment.id))?.status !== 'Pending') return false;
        const gatewayReference = final.reference ?? payment.gatewayReference;
        if (final.status === 'succeeded') {
          await deps.payments.setStatus(tx, ctx, payment.id, 'Succeeded', { gatewayReference });
          await deps.billing.operations.applyPayment(tx, ctx, { invoiceId, paymentId: payment.id, amount: new Dec(payment.amount) });
        } else if (final.status === 'declined') {
          await deps.payments.setStatus(tx, ctx, payment.id, 'Failed', { gatewayReference, declineCode: final.declineCode, declineMessage: final.message });
          await deps.billing.operations.markPaymentStatus(tx, ctx, invoiceId, 'Failed');
        } else if (gatewayReference) await deps.payments.setStatus(tx, ctx, payment.id, 'Pending', { gatewayReference });
        return true;
      });
      // under cancelOnPaymentFail, a payment that fails later cancels the order, its invoice and its assets
      if (settled && final.status === 'declined') await cancelUnpaidOrder(ctx, invoiceId);
    },

    /**
     * Runs `writeAll` (the order's transaction, which returns the invoice it wrote) with the payment
     * around it. `amount` is the first invoice's total, computed before anything is written.
     */
    async collectFirstInvoice(ctx: Ctx, i: {
      token: string; gateway: string | undefined; amount: Dec; currency: string; customerIdHint: string | null; cancelOnPaymentFail: boolean; requestKey: string;
      asyncPayment?: boolean;
      writeAll: WriteAll;
    }): Promise<CheckoutPayment | null> {
      const gateway = gatewayFor(i.gateway);
      if (i.amount.lte(0)) { await i.writeAll(async () => undefined); return null; }
      const key = `${ctx.tenantId}:${i.requestKey}:1`;
      const [number] = await deps.numbering.nextNumbers(ctx, 'payment', 1);
      const amount = toMoneyString(i.amount, i.currency);

      if (i.asyncPayment) {
        // answer at once: everything is written with the payment Pending; the reconciler charges it
        await i.writeAll(async (tx, invoiceId, customerId) => {
          await deps.payments.record(tx, ctx, {
            paymentNumber: number!, customerId, currency: i.currency, amount: i.amount, kind: 'Payment', status: 'Pending', gateway: gateway.name,
            paymentMethod: 'Electronic', idempotencyKey: key, invoiceId, paymentToken: i.token,
          });
        });
        return view(number!, { status: 'pending', reference: null }, i.amount, gateway.name);
      }

      if (i.cancelOnPaymentFail) {
        const steps = saga();
        // 1. authorize; a decline logs the attempt and answers 402 with nothing written. Undone by: void.
        const auth = await steps.step('authorize', async () => {
          const a = await ask(() => gateway.authorize({ amount, currency: i.currency, token: i.token, idempotencyKey: key, capture: false }));
          if (a.status === 'declined') {
            await record(ctx, null, { number: number!, customerId: i.customerIdHint, currency: i.currency, amount: i.amount, outcome: a, gateway: gateway.name, key });
            throw new DomainError('payment_failed', 'PAYMENT_DECLINED', `The payment was declined: ${a.message}`);
          }
          return a;
        }, async (a) => { if (a.reference) await gateway.void(a.reference, `${key}:void`); });
        // 2. write everything, the payment Pending beside the invoice (a failure voids the authorization)
        const written = await steps.step('write the order', () => i.writeAll(async (tx, invoiceId, customerId) => {
          await record(ctx, tx, { number: number!, customerId, currency: i.currency, amount: i.amount, outcome: { status: 'pending', reference: auth.reference }, gateway: gateway.name, key, invoiceId });
        }));
        // the order stands from here: a later failure is recorded on the payment, never rolled back
        steps.settle();
        if (auth.status !== 'authorized' || !written.invoiceId) return view(number!, auth, i.amount, gateway.name);
        // 3. capture, 4. settle the payment and the invoice
        const captured = await ask(() => gateway.capture(auth.reference!, `${key}:capture`));
        await settle(ctx, written.invoiceId, key, gateway.name, captured, i.amount);
        return view(number!, captured, i.amount, gateway.name);
      }

      // the planned charge is written with the order, under its gateway key: from the commit on, a
      // crash leaves it Pending for the request's retry or the reconciler, never uncharged
      const written = await i.writeAll(async (tx, invoiceId, customerId) => {
        await deps.payments.record(tx, ctx, {
          paymentNumber: number!, customerId, currency: i.currency, amount: i.amount, kind: 'Payment', status: 'Pending', gateway: gateway.name,
          paymentMethod: 'Electronic', idempotencyKey: key, invoiceId, paymentToken: i.token,
        });
      });
      if (!written.invoiceId) return null;
      const outcome = await ask(() => gateway.authorize({ amount, currency: i.currency, token: i.token, idempotencyKey: key, capture: true }));
      await settle(ctx, written.invoiceId, key, gateway.name, outcome, i.amount);
      return view(number!, outcome, i.amount, gateway.name);
    },
  };
  return collection;

  /** A Pending payment completed: a collection attempt's as the attempt; a checkout's charged under its key (never sent yet) or asked about (sent). */
  async function completePending(ctx: Ctx, p: Payment): Promise<void> {
    // a collection attempt's payment completes as the attempt (same key; the balance checked before capture)
    const attempt = await deps.payments.attemptOfPayment(ctx.db, ctx, p.id);
    if (attempt) { await invoices.resume(ctx, attempt, p); return; }
    const gateway = gatewayFor(p.gateway);
    const reference = p.gatewayReference;
    const outcome = reference
      ? await ask(() => gateway.status(reference))
      : await ask(() => gateway.authorize({ amount: toMoneyString(p.amount, p.currency), currency: p.currency, token: String(p.paymentToken), idempotencyKey: String(p.idempotencyKey), capture: true }));
    await collection.reconcile(ctx, { ...p, gatewayReference: outcome.reference ?? reference }, outcome);
  }

  /** Under cancelOnPaymentFail, a payment that fails after the order was written undoes it: the
   * invoice is canceled, then the order and what it provisioned (a change order's versions too). */
  async function cancelUnpaidOrder(ctx: Ctx, invoiceId: string) {
    const { invoice } = await deps.billing.getInvoice(ctx, invoiceId);
    const orderId = invoice.orderId;
    if (!orderId) return;
    const order = await deps.orders.findOrder(ctx, orderId);
    if (!order?.cancelOnPaymentFail || order.status !== 'Activated') return;
    await deps.billing.operations.cancel(ctx, { invoiceIds: [invoiceId] });
    await deps.orders.cancelActivated(ctx, orderId);
  }

  /**
   * The gateway's answer for a checkout's Pending payment: Succeeded and applied, Failed, or still
   * Pending (its reference kept). The payment is locked and settled only while Pending, so the
   * request, its retry, a webhook and the reconciler together settle it once.
   */
  async function settle(ctx: Ctx, invoiceId: string, key: string, gatewayName: string, outcome: GatewayOutcome, amount: Dec) {
    await inTransaction(ctx.db, async (tx) => {
      const found = await deps.payments.findByKey(tx, ctx, gatewayName, key);
      const p = found && await deps.payments.lock(tx, ctx, found.id);
      if (!p || p.status !== 'Pending') return;
      const reference = outcome.reference ?? p.gatewayReference;
      if (outcome.status === 'succeeded') {
        await deps.payments.setStatus(tx, ctx, p.id, 'Succeeded', { gatewayReference: reference });
        await deps.billing.operations.applyPayment(tx, ctx, { invoiceId, paymentId: p.id, amount });
      } else if (outcome.status === 'declined') {
        await deps.payments.setStatus(tx, ctx, p.id, 'Failed', { gatewayReference: reference, declineCode: outcome.declineCode, declineMessage: outcome.message });
        await deps.billing.operations.markPaymentStatus(tx, ctx, invoiceId, 'Failed');
      } else {
        if (reference) await deps.payments.setStatus(tx, ctx, p.id, 'Pending', { gatewayReference: reference });
        await deps.billing.operations.markPaymentStatus(tx, ctx, invoiceId, 'Transferred');
      }
    });
  }
}

export type Collection = ReturnType<typeof createCollection>;
