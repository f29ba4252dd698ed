import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createHash } from 'node:crypto';
import { stripeGateway } from '../../src/payments/stripe-gateway.js';
import { toMinorUnits } from '../../src/core/money.js';
import { startFakeStripe, type FakeStripe } from '../support/fake-stripe.js';
import { testApp, type TestApp } from '../support/app.js';
import { privateDatabase } from '../support/db.js';
import type { OpenDatabase } from '../../src/db/connect.js';
import { orderFixture } from '../orders/support.js';

let fake: FakeStripe;
let t: TestApp;
let database: OpenDatabase;
const WEBHOOK_SECRET = 'whsec_test_keel';
beforeAll(async () => {
  fake = await startFakeStripe(WEBHOOK_SECRET);
  // its own database: another file's app (no Stripe gateway) must not work this file's collection jobs
  database = await privateDatabase();
  t = await testApp({ database, config: { stripe: { secretKey: 'sk_test_keel', webhookSecret: WEBHOOK_SECRET, host: fake.host, port: fake.port, protocol: 'http' } } });
});
afterAll(async () => {
  await t.close();
  await database.close();
  await fake.close();
});

const gw = () => stripeGateway({ secretKey: 'sk_test_keel', host: fake.host, port: fake.port, protocol: 'http', timeoutMs: 2000 });

describe('the Stripe gateway against the fake, through the official SDK', () => {
  it('charges, authorizes and captures, voids, refunds', async () => {
    expect(toMinorUnits('29.70', 'USD')).toBe(2970);
    expect(toMinorUnits('1234', 'JPY')).toBe(1234);
    const g = gw();
    const charged = await g.authorize({ amount: '29.70', currency: 'USD', token: 'pm_card_visa', idempotencyKey: 'k-charge', capture: true });
    expect(charged.status).toBe('succeeded');
    expect(fake.intents.get(charged.reference!)).toMatchObject({ amount: 2970, currency: 'usd', status: 'succeeded', amount_received: 2970 });
    const held = await g.authorize({ amount: '10.00', currency: 'USD', token: 'pm_card_visa', idempotencyKey: 'k-hold', capture: false });
    expect(held.status).toBe('authorized');
    expect((await g.capture(held.reference!, 'k-hold-capture')).status).toBe('succeeded');
    const voided = await g.authorize({ amount: '10.00', currency: 'USD', token: 'pm_card_visa', idempotencyKey: 'k-void', capture: false });
    await g.void(voided.reference!, 'k-void-void');
    expect(fake.intents.get(voided.reference!)!.status).toBe('canceled');
    const refund = await g.refund(charged.reference!, '9.70', 'k-refund');
    expect(refund.status).toBe('succeeded');
  });

  it('a decline is an outcome, not an exception', async () => {
    const out = await gw().authorize({ amount: '5.00', currency: 'USD', token: 'pm_card_chargeDeclined', idempotencyKey: 'k-decline', capture: true });
    expect(out).toMatchObject({ status: 'declined', declineCode: 'generic_decline', message: 'Your card was declined.' });
  });

  it('a retry with the same key after a lost response charges once', async () => {
    const before = fake.intents.size;
    fake.dropNext();
    const out = await gw().authorize({ amount: '12.00', currency: 'USD', token: 'pm_card_visa', idempotencyKey: 'k-retry', capture: true });
    expect(out.status).toBe('succeeded');
    expect(fake.intents.size).toBe(before + 1);
    const keys = fake.requests.filter((r) => r.method === 'POST' && r.path === '/v1/payment_intents').slice(-2).map((r) => r.idempotencyKey);
    expect(keys[0]).toBe(keys[1]);
    const again = await gw().authorize({ amount: '12.00', currency: 'USD', token: 'pm_card_visa', idempotencyKey: 'k-retry', capture: true });
    expect(again.reference).toBe(out.reference);
    expect(fake.intents.size).toBe(before + 1);
  });
});

describe('checkout through Stripe', () => {
  const place = async (f: Awaited<ReturnType<typeof orderFixture>>, token: string) => t.call('POST', '/orders', { headers: f.h, body: {
    options: { activateInvoice: true, cancelOnPaymentFail: true }, customer: { name: 'Stripe buyer' }, paymentMethod: { token, gateway: 'stripe' },
    lines: [{ productId: f.ids.platform, quantity: 10, subscriptionTerm: 12, subscriptionStartDate: '2023-06-22' }],
  } });

  it('authorizes, writes, captures: the invoice is Paid and Stripe holds one succeeded intent', async () => {
    const f = await orderFixture(t, { today: '2023-06-22' });
    const before = fake.intents.size;
    const res = await place(f, 'pm_card_visa');
    expect(res.statusCode).toBe(200);
    expect(res.json().payment).toMatchObject({ status: 'Succeeded', gateway: 'stripe', amount: 29.7 });
    expect(res.json().invoices[0].invoice).toMatchObject({ paymentStatus: 'Paid', balance: 0 });
    const created = [...fake.intents.values()].slice(before);
    expect(created.map((i) => [i.amount, i.capture_method, i.status])).toEqual([[2970, 'manual', 'succeeded']]);
  });

  it('3-D Secure: 202 Pending, then the signed webhook settles it', async () => {
    const f = await orderFixture(t, { today: '2023-06-22' });
    const res = await place(f, 'pm_card_authenticationRequired');
    expect(res.statusCode).toBe(202);
    const invoiceId = res.json().invoices[0].invoice.id;
    const pi = [...fake.intents.values()].at(-1)!;
    expect(pi.status).toBe('requires_action');
    const hook = await fake.authenticate(String(pi.id), 'succeed');
    const forged = await t.call('POST', '/payments/stripe/webhook', { payload: hook.payload, headers: { 'content-type': 'application/json', 'stripe-signature': hook.signature.replace(/v1=(.)/, (_, c: string) => `v1=${c === '0' ? '1' : '0'}`) } });
    expect([forged.statusCode, forged.json().errorCode]).toEqual([400, 'INVALID_SIGNATURE']);
    const ok = await t.call('POST', '/payments/stripe/webhook', { payload: hook.payload, headers: { 'content-type': 'application/json', 'stripe-signature': hook.signature } });
    expect(ok.statusCode).toBe(200);
    // authorized after 3DS (manual capture): Keel captured it and settled the invoice
    expect(fake.intents.get(String(pi.id))!.status).toBe('succeeded');
    const inv = (await t.call('GET', `/billing/invoices/${invoiceId}`, { headers: f.h })).json().invoice;
    expect(inv).toMatchObject({ paymentStatus: 'Paid', balance: 0 });
    // a duplicate delivery changes nothing
    expect((await t.call('POST', '/payments/stripe/webhook', { payload: hook.payload, headers: { 'content-type': 'application/json', 'stripe-signature': hook.signature } })).statusCode).toBe(200);
    expect((await t.call('GET', `/billing/invoices/${invoiceId}`, { headers: f.h })).json().invoice.balance).toBe(0);
  });

  it('a decline under cancelOnPaymentFail is a 402', async () => {
    const f = await orderFixture(t, { today: '2023-06-22' });
    const res = await place(f, 'pm_card_chargeDeclined');
    expect([res.statusCode, res.json().errorCode]).toEqual([402, 'PAYMENT_DECLINED']);
  });
});

describe('collection through Stripe (a billing run\'s invoice charged to the stored card)', () => {
  it('the run\'s invoice is authorized and captured for its exact amount, once, under the attempt\'s key; a decline is logged', async () => {
    const f = await orderFixture(t, { today: '2023-06-22' });
    const ok = async (url: string, body: unknown) => {
      const res = await t.call('POST', url, { body, headers: f.h });
      if (res.statusCode >= 300) throw new Error(`${url}: ${res.statusCode} ${res.body}`);
      return res.json();
    };
    const subscribe = async (token: string) => {
      const [c] = await ok('/orders/customers', [{ name: `Card ${token}`, defaultPaymentMethodToken: token, defaultPaymentGateway: 'stripe' }]);
      await ok('/orders', { options: { activateOrder: true, generateInvoice: false }, customer: { id: c.id },
        lines: [{ productId: f.ids.platform, quantity: 10, subscriptionTerm: 12, subscriptionStartDate: '2023-06-22' }] });
      return (await ok('/billing/schedules', { scheduleType: 'OneTime', targetDate: '2023-06-22', autoActivate: true, customerIds: [c.id] })).invoiceIds[0] as string;
    };
    const attempts = async (id: string) => (await t.call('GET', `/billing/invoices/${id}/collection-attempts`, { headers: f.h })).json().attempts as Record<string, unknown>[];
    // this app's background loop may be working the queue too: wait until the attempt is settled
    const settled = async (id: string) => {
      for (let i = 0; i < 300; i++) {
        await t.rt.jobs.runUntilIdle();
        const a = await attempts(id);
        if (a.length > 1 || (a.length > 0 && a.every((x) => !['Scheduled', 'Pending', 'Authorized'].includes(String(x.status))))) return a;
        await new Promise((r) => setTimeout(r, 50));
      }
      return attempts(id);
    };
    const before = fake.intents.size;
    const paid = await subscribe('pm_card_visa');
    const [a] = await settled(paid);
    expect(a).toMatchObject({ attemptNumber: 1, status: 'Succeeded', amount: 29.7, gateway: 'stripe' });
    const created = [...fake.intents.values()].slice(before);
    expect(created.map((i) => [i.amount, i.currency, i.capture_method, i.status, i.amount_received])).toEqual([[2970, 'usd', 'manual', 'succeeded', 2970]]);
    const keys = fake.requests.filter((r) => r.method === 'POST' && r.path === '/v1/payment_intents').map((r) => r.idempotencyKey);
    expect(keys.at(-1)).toBe(`keel_${createHash('sha256').update(`collect:${f.tenant.id}:${paid}:1:29.70`).digest('hex')}`);
    expect((await t.call('GET', `/billing/invoices/${paid}`, { headers: f.h })).json().invoice).toMatchObject({ balance: 0, paymentStatus: 'Paid' });

    const declined = await subscribe('pm_card_chargeDeclined');
    const [d, retry] = await settled(declined);
    expect(d).toMatchObject({ status: 'Failed', declineCode: 'generic_decline', declineMessage: 'Your card was declined.' });
    expect(retry).toMatchObject({ attemptNumber: 2, status: 'Scheduled', dueDate: '2023-06-25' });
  });
});

async function cardPaidMemo(f: Awaited<ReturnType<typeof orderFixture>>) {
  const ok = async (method: 'POST' | 'GET', url: string, body?: unknown) => {
    const res = await t.call(method, url, { body, headers: f.h });
    if (res.statusCode >= 300) throw new Error(`${url}: ${res.statusCode} ${res.body}`);
    return res.json();
  };
  // a card-paid order, then a cancellation that credits June 26–30 (5/30 of 99.00 = 16.50)
  const placed = await ok('POST', '/orders', { options: { activateInvoice: true }, customer: { name: 'Refunded later' }, paymentMethod: { token: 'pm_card_visa', gateway: 'stripe' },
    lines: [{ productId: f.ids.platform, quantity: 10, subscriptionTerm: 12, subscriptionStartDate: '2023-06-22' }] });
  await ok('POST', '/test/clock', { today: '2023-06-25' });
  const co = await ok('POST', '/orders/change-orders', { options: { activateInvoice: true }, assetChanges: [{ assetNumber: placed.subscriptions[0].name, changeType: 'Cancel', cancellationDate: '2023-06-26' }] });
  return { ok, memo: co.creditMemos[0] };
}

describe('a refund Stripe settles later (credit memos :transferToPayments)', () => {
  it('a refund whose answer was lost is sent again under its own key by the reconciler: refunded once', async () => {
    const f = await orderFixture(t, { today: '2023-06-22' });
    const { ok, memo } = await cardPaidMemo(f);
    const before = fake.refunds.size;
    fake.dropNext(3);   // the SDK's two retries are lost too
    const [lost] = (await ok('POST', '/billing/credit-memos:transferToPayments', { creditMemoIds: [memo.id] })).creditMemos;
    expect(lost).toMatchObject({ status: 'Pending', balance: 0 });
    await t.rt.checkoutForTests.reconcilePending(await t.rt.tenancy.systemContext(f.tenant.id, 'test'), 0);
    expect(await ok('GET', `/billing/credit-memos/${memo.id}`)).toMatchObject({ balance: 0, paymentStatus: 'Refunded' });
    expect([...fake.refunds.values()].slice(before).map((r) => [r.amount, r.status])).toEqual([[1650, 'succeeded']]);
  });

  it('is Pending with its credit held off the memo, followed up by the reconciler: refused gives the credit back, a new refund then succeeds', async () => {
    const f = await orderFixture(t, { today: '2023-06-22' });
    const call = (method: 'POST' | 'GET', url: string, body?: unknown) => t.call(method, url, { body, headers: f.h });
    const { ok, memo } = await cardPaidMemo(f);
    expect(memo).toMatchObject({ amount: 16.5, balance: 16.5 });
    const refund = () => ok('POST', '/billing/credit-memos:transferToPayments', { creditMemoIds: [memo.id] });
    const ctx = await t.rt.tenancy.systemContext(f.tenant.id, 'test');
    const reconcile = () => t.rt.checkoutForTests.reconcilePending(ctx, 0);
    const memoNow = async () => ok('GET', `/billing/credit-memos/${memo.id}`);

    fake.holdRefunds(true);
    const before = fake.refunds.size;
    const [sent] = (await refund()).creditMemos;
    expect(sent).toMatchObject({ status: 'Pending', refundedAmount: 0, balance: 0 });
    // held: the credit cannot be refunded or applied twice while Stripe works on it
    const [again] = (await refund()).creditMemos;
    expect([again.status, again.refundPaymentNumber, fake.refunds.size - before]).toEqual(['Pending', sent.refundPaymentNumber, 1]);
    await reconcile();
    expect(await memoNow()).toMatchObject({ balance: 0 });

    const [first] = [...fake.refunds.values()].slice(before);
    fake.settleRefund(String(first!.id), 'failed');
    await reconcile();
    expect(await memoNow()).toMatchObject({ balance: 16.5, paymentStatus: 'NotTransferred' });
    const [failed] = (await refund()).creditMemos;   // the next refund: a new one, not the refused one's answer
    expect(failed).toMatchObject({ status: 'Pending', balance: 0 });
    expect(failed.refundPaymentNumber).not.toBe(sent.refundPaymentNumber);

    const second = [...fake.refunds.values()].slice(before)[1]!;
    expect([second.amount, second.status]).toEqual([1650, 'pending']);
    fake.settleRefund(String(second.id), 'succeeded');
    fake.holdRefunds(false);
    await reconcile();
    expect(await memoNow()).toMatchObject({ balance: 0, paymentStatus: 'Refunded' });
    await reconcile();   // settled: asked about no more
    expect(fake.refunds.size - before).toBe(2);
    const again2 = await call('POST', '/billing/credit-memos:transferToPayments', { creditMemoIds: [memo.id] });
    expect([again2.statusCode, again2.json().errorCode]).toEqual([409, 'NOTHING_TO_REFUND']);
  });
});
