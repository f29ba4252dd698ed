import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testApp, type TestApp } from '../support/app.js';
import { orderFixture } from './support.js';

let t: TestApp;
let f: Awaited<ReturnType<typeof orderFixture>>;
beforeAll(async () => {
  t = await testApp();
  f = await orderFixture(t, { today: '2023-06-22' });
});
afterAll(() => t.close());

const place = (token: string, options: Record<string, unknown>, headers: Record<string, string> = {}) => t.call('POST', '/orders', {
  headers: { ...f.h, ...headers },
  body: { options: { activateInvoice: true, ...options }, customer: { name: `Card ${token}` }, billToContact: { firstName: 'Pat', lastName: 'Doe' },
    paymentMethod: { token }, lines: [{ productId: f.ids.platform, quantity: 10, subscriptionTerm: 12, subscriptionStartDate: '2023-06-22' }] },
});
const count = async (table: string, where = sql`true`) =>
  Number((await sql<{ n: string }>`select count(*) as n from ${sql.table(table)} where tenant_id = ${f.tenant.id} and ${where}`.execute(t.rt.database.db)).rows[0]!.n);
const counts = async () => ({
  customers: await count('customers'), contacts: await count('contacts'), orders: await count('orders'),
  assets: await count('asset_versions'), invoices: await count('invoices'),
});

describe('paying the first invoice at checkout', () => {
  it('cancelOnPaymentFail: authorized, written, captured — the invoice is Paid', async () => {
    const res = await place('pm_card_visa', { cancelOnPaymentFail: true });
    expect(res.statusCode).toBe(200);
    const body = res.json();
    expect(body.order.status).toBe('Activated');
    expect(body.payment).toMatchObject({ status: 'Succeeded', amount: 29.7, gateway: 'test', paymentNumber: expect.stringMatching(/^PAY-/) });
    expect(body.invoices[0].invoice).toMatchObject({ status: 'Active', amount: 29.7, balance: 0, paymentStatus: 'Paid' });
  });

  it('cancelOnPaymentFail: a decline leaves nothing but the logged attempt, and answers 402', async () => {
    const before = await counts();
    const failedBefore = await count('payments', sql`status = 'Failed'`);
    const res = await place('pm_card_chargeDeclined', { cancelOnPaymentFail: true });
    expect([res.statusCode, res.json().errorCode, res.json().errorType]).toEqual([402, 'PAYMENT_DECLINED', 'PaymentError']);
    expect(res.json().message).toBe('The payment was declined: Your card was declined.');
    expect(await counts()).toEqual(before);
    expect(await count('payments', sql`status = 'Failed'`)).toBe(failedBefore + 1);
  });

  it('without cancelOnPaymentFail a decline keeps the order for offline follow-up', async () => {
    const res = await place('tok_chargeDeclined', {});
    expect(res.statusCode).toBe(200);
    const body = res.json();
    expect(body.order.status).toBe('Activated');
    expect(body.payment).toMatchObject({ status: 'Failed', declineCode: 'card_declined' });
    expect(body.invoices[0].invoice).toMatchObject({ status: 'Active', balance: 29.7, paymentStatus: 'Failed' });
  });

  it('a payment that needs the customer\'s action answers 202 with the payment Pending', async () => {
    const res = await place('pm_card_authenticationRequired', { cancelOnPaymentFail: true });
    expect(res.statusCode).toBe(202);
    expect(res.json().payment.status).toBe('Pending');
    expect(res.json().invoices[0].invoice).toMatchObject({ balance: 29.7, paymentStatus: 'NotTransferred' });
  });

  it('a retried request with the same Idempotency-Key charges once', async () => {
    const paymentsBefore = await count('payments');
    const a = await place('pm_card_visa', {}, { 'idempotency-key': 'checkout-1' });
    const b = await place('pm_card_visa', {}, { 'idempotency-key': 'checkout-1' });
    expect(b.json()).toEqual(a.json());
    expect(await count('payments')).toBe(paymentsBefore + 1);
  });

  it('an unknown gateway is a 400 and writes nothing', async () => {
    const before = await counts();
    const res = await t.call('POST', '/orders', { headers: f.h, body: { options: { activateInvoice: true }, customer: { name: 'X' }, paymentMethod: { token: 'pm_card_visa', gateway: 'paypal' },
      lines: [{ productId: f.ids.platform, quantity: 1, subscriptionTerm: 12 }] } });
    expect([res.statusCode, res.json().errorCode]).toEqual([400, 'UNKNOWN_GATEWAY']);
    expect(await counts()).toEqual(before);
  });
});

describe('asynchronous payments and the reconciler', () => {
  const ctx = () => t.rt.tenancy.systemContext(f.tenant.id, 'test');

  it('asyncPayment answers 202 at once; the reconciler charges it and the invoice is Paid', async () => {
    const res = await place('pm_card_visa', { asyncPayment: true });
    expect(res.statusCode).toBe(202);
    expect(res.json().payment.status).toBe('Pending');
    const invoiceId = res.json().invoices[0].invoice.id;
    expect((await t.call('GET', `/billing/invoices/${invoiceId}`, { headers: f.h })).json().invoice.balance).toBe(29.7);
    expect(await t.rt.checkoutForTests.reconcilePending(await ctx())).toBeGreaterThanOrEqual(1);
    expect((await t.call('GET', `/billing/invoices/${invoiceId}`, { headers: f.h })).json().invoice).toMatchObject({ balance: 0, paymentStatus: 'Paid' });
    expect(await count('payments', sql`status = 'Pending' and invoice_id = ${invoiceId}`)).toBe(0);
  });

  it('a payment that fails later under cancelOnPaymentFail cancels the order, its invoice and its subscriptions', async () => {
    const res = await place('pm_card_chargeDeclined', { asyncPayment: true, cancelOnPaymentFail: true });
    expect(res.statusCode).toBe(202);
    const { order, invoices } = res.json();
    await t.rt.checkoutForTests.reconcilePending(await ctx());
    const after = (await t.call('GET', `/orders/${order.id}`, { headers: f.h })).json();
    expect(after.order.status).toBe('Canceled');
    expect(after.subscriptions.map((s: { status: string }) => s.status)).toEqual(['Canceled']);
    expect((await t.call('GET', `/billing/invoices/${invoices[0].invoice.id}`, { headers: f.h })).json().invoice.status).toBe('Canceled');
  });

  it('an order with an Active invoice cannot be canceled: change it instead', async () => {
    const res = await place('pm_card_visa', {});
    const cancel = await t.call('POST', `/orders/${res.json().order.id}:cancel`, { headers: f.h });
    expect([cancel.statusCode, cancel.json().errorCode]).toEqual([409, 'ORDER_INVOICED']);
  });
});

describe('stored payment methods and paying at activation', () => {
  it('the first checkout keeps the token as the customer\'s default; activating a cart later charges it', async () => {
    const first = (await place('pm_card_visa', {})).json();
    const customerId = first.order.customerId;
    const c = (await t.call('GET', `/orders/customers/${customerId}`, { headers: f.h })).json();
    expect([c.defaultPaymentMethodToken, c.defaultPaymentGateway]).toEqual(['pm_card_visa', 'test']);
    const cart = (await t.call('POST', '/orders', { headers: f.h, body: { options: { activateOrder: false }, customerId, lines: [{ productId: f.ids.platform, quantity: 10, subscriptionTerm: 12, subscriptionStartDate: '2023-06-22' }] } })).json();
    const res = await t.call('POST', `/orders/${cart.order.id}:activate`, { headers: f.h, body: { activateInvoice: true } });
    expect(res.statusCode).toBe(200);
    expect(res.json().payment).toMatchObject({ status: 'Succeeded', amount: 29.7 });
    expect(res.json().invoices[0].invoice).toMatchObject({ status: 'Active', paymentStatus: 'Paid', balance: 0 });
  });

  it('a decline at activation under cancelOnPaymentFail is a 402 and the order stays a Draft', async () => {
    const [c] = (await t.call('POST', '/orders/customers', { body: [{ name: 'Activator' }], headers: f.h })).json();
    const cart = (await t.call('POST', '/orders', { headers: f.h, body: { options: { activateOrder: false }, customerId: c.id, lines: [{ productId: f.ids.platform, quantity: 1, subscriptionTerm: 12 }] } })).json();
    const res = await t.call('POST', `/orders/${cart.order.id}:activate`, { headers: f.h, body: { activateInvoice: true, cancelOnPaymentFail: true, paymentMethod: { token: 'pm_card_chargeDeclined' } } });
    expect([res.statusCode, res.json().errorCode]).toEqual([402, 'PAYMENT_DECLINED']);
    const after = (await t.call('GET', `/orders/${cart.order.id}`, { headers: f.h })).json();
    expect([after.order.status, after.subscriptions, after.invoices]).toEqual(['Draft', [], []]);
  });
});
