import type { Ctx } from '../context.js';
import { Dec } from '../core/money.js';
import { inTransaction, type Tx } from '../db/transaction.js';
import type { BillingService } from '../billing/service.js';
import type { ChangeOrdersService, PlannedChange } from '../change-orders/service.js';
import type { CustomersService } from '../customers/service.js';
import type { OrdersService } from '../orders/service.js';
import type { Collection, WriteAll } from './collect.js';

// The use cases that cross orders, change orders, assets, billing, customers and payments, each
// as its steps top to bottom (the README lists them with what undoes each). Planning happens
// before any transaction (prices, tax, numbers reserved; nothing written); the one transaction
// writes everything; collection (collect.ts) wraps the transaction with the gateway calls and
// owns the compensations of effects outside it. A failure inside the transaction rolls it all
// back, so the steps inside it need no compensation of their own.

export interface WorkflowDeps {
  orders: OrdersService;
  changeOrders: ChangeOrdersService;
  billing: BillingService;
  customers: CustomersService;
  collection: Collection;
}

export type Workflows = ReturnType<typeof createWorkflows>;

export function createWorkflows(deps: WorkflowDeps) {
  const { orders, changeOrders, billing, customers, collection } = deps;

  /** Open credit memos apply before any charge; only the rest is charged. */
  const toCharge = async (ctx: Ctx, total: Dec, customerId: string | null, currency: string) =>
    Dec.max(0, total.minus(customerId ? await billing.creditMemos.availableCredit(ctx.db, ctx, customerId, currency) : new Dec(0)));

  /** Place order: plan → [pay:] the first invoice's total → one transaction (customer, contact, order,
   * lines, provisioning, first invoice; the payment method remembered) inside collection → answer. */
  async function placeOrder(ctx: Ctx, body: unknown) {
    // 1. plan: prices, tax, numbers; nothing written
    const p = await orders.planPlacement(ctx, body);
    const method = p.method;
    if (!(p.req.options.activateInvoice && method)) {
      // 2. write it all in one transaction; nothing to collect
      await inTransaction(ctx.db, (tx) => orders.writePlacement(tx, ctx, p));
      return orders.answerPlacement(ctx, p);
    }
    // 2. the first invoice's total, before anything is written
    const amount = await toCharge(ctx, orders.firstInvoiceTotal(ctx, p), p.customer ? String(p.customer.id) : null, p.currency);
    const gatewayName = method.gateway ?? 'test';
    // 3. collection around the one transaction (see collect.ts for the payment's steps and compensations)
    const payment = await collection.collectFirstInvoice(ctx, {
      token: method.token, gateway: method.gateway, amount, currency: p.currency, asyncPayment: p.req.options.asyncPayment,
      customerIdHint: p.customer ? String(p.customer.id) : null, cancelOnPaymentFail: p.req.options.cancelOnPaymentFail,
      requestKey: ctx.idempotencyKey ?? p.req.refId ?? p.orderId,
      writeAll: (extra) => inTransaction(ctx.db, async (tx) => {
        const w = await orders.writePlacement(tx, ctx, p);
        if (w.invoiceId) {
          await customers.rememberPaymentMethod(tx, ctx, w.customerId, method.token, gatewayName);
          await extra(tx, w.invoiceId, w.customerId);
        }
        return w;
      }),
    });
    // 4. answer; a payment that did not succeed may have canceled the order (cancelOnPaymentFail): then read it again
    const settled = payment === null || payment.status === 'Succeeded';
    return { ...(await orders.answerPlacement(ctx, p, settled)), payment };
  }

  /** Activate order: plan (a change order's Draft goes to activateChangeOrder) → [pay:] the first
   * invoice's total → one transaction (lock the Draft, provision, activate, first invoice) inside collection → answer. */
  async function activateOrder(ctx: Ctx, id: string, body: unknown) {
    const a = await orders.planActivation(ctx, id, body);
    if ('change' in a) return activateChangeOrder(ctx, a.change, body);
    const method = a.method;
    if (!(a.options.activateInvoice && method)) {
      await inTransaction(ctx.db, (tx) => orders.writeActivation(tx, ctx, a));
      return orders.answerActivation(ctx, a);
    }
    const amount = await toCharge(ctx, orders.activationInvoiceTotal(ctx, a), a.customerId, a.currency);
    const payment = await collection.collectFirstInvoice(ctx, {
      token: method.token, gateway: method.gateway, amount, currency: a.currency,
      asyncPayment: a.options.asyncPayment, customerIdHint: a.customerId, cancelOnPaymentFail: a.options.cancelOnPaymentFail,
      requestKey: ctx.idempotencyKey ?? a.requestKey,
      writeAll: (extra) => inTransaction(ctx.db, async (tx) => {
        const w = await orders.writeActivation(tx, ctx, a);
        if (w.invoiceId) await extra(tx, w.invoiceId, w.customerId);
        return w;
      }),
    });
    return { ...(await orders.answerActivation(ctx, a)), payment };
  }

  /** Activate change order, for a new one (`write` = the Draft's header and lines) or a Draft planned
   * again (`write` = lock it, replace its lines): reserve the invoice's number → one transaction (write,
   * check the assets did not change, new versions, Activated, invoice or credit memo) inside collection → answer. */
  async function commitChange(ctx: Ctx, c: PlannedChange, write: (tx: Tx) => Promise<void>) {
    const reservation = await changeOrders.reserveInvoice(ctx, c);
    const customerId = c.plan.customerId;
    const writeAll: WriteAll = (extra) => inTransaction(ctx.db, async (tx) => {
      await write(tx);
      const invoiceId = await changeOrders.commit(tx, ctx, c, reservation);
      if (invoiceId) await extra(tx, invoiceId, customerId);
      return { invoiceId, customerId };
    });
    const customer = await customers.findCustomerRow(ctx.db, ctx, customerId);
    const method = c.req.paymentMethod ?? orders.storedMethod(customer);
    const total = changeOrders.chargeable(c);
    if (!(c.req.options.activateInvoice && method && total)) {
      await writeAll(async () => undefined);
      return changeOrders.answer(ctx, c);
    }
    const payment = await collection.collectFirstInvoice(ctx, {
      token: method.token, gateway: method.gateway, amount: await toCharge(ctx, total, customerId, c.plan.currency), currency: c.plan.currency,
      asyncPayment: c.req.options.asyncPayment, customerIdHint: customerId, cancelOnPaymentFail: c.req.options.cancelOnPaymentFail,
      requestKey: ctx.idempotencyKey ?? c.req.refId ?? c.plan.orderId, writeAll,
    });
    return changeOrders.answer(ctx, c, payment);
  }

  /** POST /orders/change-orders: plan (and number) → a Draft written alone, or activated as above. */
  async function createChangeOrder(ctx: Ctx, body: unknown) {
    const c = await changeOrders.planCreate(ctx, body);
    if (!c.req.options.activateOrder) {
      await inTransaction(ctx.db, (tx) => changeOrders.writeDraft(tx, ctx, c));
      return changeOrders.answer(ctx, c);
    }
    return commitChange(ctx, c, (tx) => changeOrders.writeDraft(tx, ctx, c));
  }

  /** POST /orders/{id}:activate of a Draft change order: planned again (it must match its preview), then activated. */
  async function activateChangeOrder(ctx: Ctx, id: string, body: unknown) {
    const c = await changeOrders.planActivation(ctx, id, body);
    return commitChange(ctx, c, (tx) => changeOrders.reopenDraft(tx, ctx, c));
  }

  return {
    placeOrder,
    /** POST /cpq/create-order: the CPQ CreateOrderRequest, checked, then placed as POST /orders. */
    async cpqCreateOrder(ctx: Ctx, body: unknown) {
      orders.checkCpqCreateOrder(body);
      return placeOrder(ctx, body);
    },
    activateOrder,
    createChangeOrder,
    activateChangeOrder,
  };
}
