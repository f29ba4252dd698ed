import type { Ctx } from '../context.js';
import { Dec } from '../core/money.js';
import { inTransaction, type Tx } from '../db/transaction.js';
import type { BillingService } from '../billing/service.js';
import type { ChangeOrdersService, PlannedChange } from '../change-orders/service.js';
import type { CustomersService } from '../customers/service.js';
import type { Customer } from '../customers/model.js';
import type { AssetsService } from '../assets/service.js';
import type { AssetKind } from '../assets/model.js';
import type { InvoiceReservation } from '../billing/service.js';
import type { OrderOptions } from '../orders/request.js';
import type { OrdersService, OrderWritten } from '../orders/service.js';
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
  assets: AssetsService;
  billing: BillingService;
  customers: CustomersService;
  collection: Collection;
}

export type Workflows = ReturnType<typeof createWorkflows>;

export function createWorkflows(deps: WorkflowDeps) {
  const { orders, changeOrders, assets, billing, customers, collection } = deps;

  /** Open credit memos apply before any charge; only the rest is charged. */
  const toCharge = async (ctx: Ctx, total: Dec, customerId: string | null, currency: string) =>
    Dec.max(0, total.minus(customerId ? await billing.creditMemos.availableCredit(ctx.db, ctx, customerId, currency) : new Dec(0)));

  /**
   * Activation, inside the order's transaction (a failure rolls it all back: no compensations):
   * 1. assets provision version 1 of every line and return the versions written;
   * 2. the order and its lines become Activated (an order placed activated was written so);
   * 3. the customer becomes a Direct Customer;
   * 4. billing grants the credits the products convert to and, with generateInvoice, writes the
   *    first invoice from the versions of step 1 (no read of them).
   */
  async function activateInTx(tx: Tx, ctx: Ctx, w: OrderWritten, numbers: Record<AssetKind, string[]>, options: OrderOptions, reservation: InvoiceReservation | null, customer: Customer | null) {
    const versions = await assets.provision(tx, ctx, { ...orders.provisioningOf(w), numbers });
    const written = await orders.activateWritten(tx, ctx, w);
    const f = orders.factsOf(w);
    await customers.recordActivation(tx, ctx, f.customerId, { currency: f.currency, orderDate: f.orderDate });
    const invoicing = options.generateInvoice && reservation;
    const c = invoicing ? customer ?? await customers.getStoredCustomer(tx, ctx, f.customerId) : null;
    const invoiceId = await billing.activateOrderInTx(tx, ctx, {
      orderId: f.orderId, customerId: f.customerId, versions,
      invoice: invoicing && c ? { billToContactId: f.billToContactId, paymentTerm: f.paymentTerm ?? c.paymentTerm, activate: options.activateInvoice, reservation, taxStatus: f.taxStatus } : null,
    });
    return { invoiceId, written, customerId: f.customerId };
  }

  /** Place order: plan → [pay:] the first invoice's total → one transaction (customer and contact, order
   * and lines, then when activated the activation steps above; the payment method remembered) inside collection → answer. */
  async function placeOrder(ctx: Ctx, body: unknown) {
    // 1. plan: prices, tax, numbers; nothing written
    const p = await orders.planPlacement(ctx, body);
    const { options } = p.req;
    let written: OrderWritten | undefined;
    const write = async (tx: Tx) => {
      const w = await orders.writePlacement(tx, ctx, p);
      const done = options.activateOrder ? await activateInTx(tx, ctx, w, p.numbers, options, p.reservation, p.buyer) : { invoiceId: null, written: w, customerId: w.order.customerId };
      written = done.written;
      return done;
    };
    const method = p.method;
    if (!(options.activateInvoice && method)) {
      // 2. write it all in one transaction; nothing to collect
      await inTransaction(ctx.db, write);
      return orders.answerPlacement(ctx, p, written);
    }
    // 2. the first invoice's total, before anything is written
    const amount = await toCharge(ctx, orders.firstInvoiceTotal(ctx, p), p.customer ? p.customer.id : null, p.currency);
    const gatewayName = method.gateway ?? 'test';
    // 3. collection around the one transaction (see collect.ts for the payment's steps and compensations)
    const payment = await collection.collectFirstInvoice(ctx, {
      token: method.token, gateway: method.gateway, amount, currency: p.currency, asyncPayment: options.asyncPayment,
      customerIdHint: p.customer ? p.customer.id : null, cancelOnPaymentFail: options.cancelOnPaymentFail,
      requestKey: ctx.idempotencyKey ?? p.req.refId ?? p.orderId,
      writeAll: (extra) => inTransaction(ctx.db, async (tx) => {
        const w = await write(tx);
        if (w.invoiceId) {
          await customers.rememberPaymentMethod(tx, ctx, w.customerId, method.token, gatewayName);
          await extra(tx, w.invoiceId, w.customerId);
        }
        return { invoiceId: w.invoiceId, customerId: w.customerId };
      }),
    });
    // 4. answer; a payment that did not succeed may have canceled the order (cancelOnPaymentFail): then read it again
    const settled = payment === null || payment.status === 'Succeeded';
    return { ...(await orders.answerPlacement(ctx, p, written, settled)), payment };
  }

  /** Update a Draft (`POST /orders/{id}`): plan → one transaction (the Draft locked, header and lines
   * replaced, then with activateOrder the activation steps) → answer. Never paid here. */
  async function updateDraft(ctx: Ctx, id: string, body: unknown) {
    const u = await orders.planDraftUpdate(ctx, id, body);
    await inTransaction(ctx.db, async (tx) => {
      const w = await orders.writeDraftUpdate(tx, ctx, u);
      if (u.options.activateOrder) await activateInTx(tx, ctx, w, u.numbers, u.options, u.reservation, u.customer);
    });
    return orders.answerDraftUpdate(ctx, u);
  }

  /** Activate order: plan (a change order's Draft goes to activateChangeOrder) → [pay:] the first
   * invoice's total → one transaction (the Draft locked, then the activation steps) inside collection → answer. */
  async function activateOrder(ctx: Ctx, id: string, body: unknown) {
    const a = await orders.planActivation(ctx, id, body);
    if ('change' in a) return activateChangeOrder(ctx, a.change, body);
    const write = async (tx: Tx) => activateInTx(tx, ctx, await orders.writeActivation(tx, ctx, a), a.numbers, a.options, a.reservation, null);
    const method = a.method;
    if (!(a.options.activateInvoice && method)) {
      await inTransaction(ctx.db, write);
      return orders.answerActivation(ctx, a);
    }
    const amount = await toCharge(ctx, orders.activationInvoiceTotal(ctx, a), a.customerId, a.currency);
    const payment = await collection.collectFirstInvoice(ctx, {
      token: method.token, gateway: method.gateway, amount, currency: a.currency,
      asyncPayment: a.options.asyncPayment, customerIdHint: a.customerId, cancelOnPaymentFail: a.options.cancelOnPaymentFail,
      requestKey: ctx.idempotencyKey ?? a.requestKey,
      writeAll: (extra) => inTransaction(ctx.db, async (tx) => {
        const w = await write(tx);
        if (w.invoiceId) await extra(tx, w.invoiceId, w.customerId);
        return { invoiceId: w.invoiceId, customerId: w.customerId };
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
    const customer = await customers.getStoredCustomer(ctx.db, ctx, customerId);
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
    updateDraft,
    /** POST /cpq/create-order: the CPQ CreateOrderRequest, checked, then placed as POST /orders. */
    async cpqCreateOrder(ctx: Ctx, body: unknown) {
      orders.checkCpqCreateOrder(body);
      return placeOrder(ctx, body);
    },
    activateOrder,
    createChangeOrder,
    activateChangeOrder,
    /** Collection of Active invoices and refunds of memo credit (invoice-collection.ts): transferToPayments and the attempts' log. */
    collection: collection.invoices,
    /** A retried request whose first attempt committed: the charges it planned are completed (http/idempotency.ts). */
    completeRequestCharges: (ctx: Ctx) => collection.completeRequestCharges(ctx),
  };
}
