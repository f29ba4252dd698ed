import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eventually } from '../support/eventually.js';
import { testApp, withKey, type TestApp } from '../support/app.js';
import { orderFixture } from '../orders/support.js';

// Collection (DESIGN "Payments and atomicity", Collection; src/workflows/invoice-collection.ts):
// invoices activated by billing runs and :activate are charged to the customer's stored payment
// method, failed charges retry on the tenant's schedule as jobs, every attempt is logged. This app
// runs no background loop: the test works the queue itself (`settle`).
let t: TestApp;
beforeAll(async () => { t = await testApp({ config: { background: false } }); });
afterAll(() => t.close());

// the tenant of the test running: settle works its queue only (on a shared PostgreSQL other files leave
// thousands of jobs queued, which a whole-queue drain would work first)
let tenantId: string | undefined;

async function setup(today = '2023-06-22') {
  const f = await orderFixture(t, { today });
  tenantId = f.tenant.id;
  const call = (method: 'POST' | 'GET' | 'PATCH', url: string, body?: unknown, headers = f.h) => t.call(method, url, { body, headers });
  const ok = async (method: 'POST' | 'GET' | 'PATCH', url: string, body?: unknown) => {
    const res = await call(method, url, body);
    if (res.statusCode >= 300) throw new Error(`${url}: ${res.statusCode} ${res.body}`);
    return res.json();
  };
  /** A customer with a stored payment method and 10 seats at 9.90 a month from `start`, not invoiced yet. */
  const customer = async (token: string | null, start = today) => {
    const [c] = await ok('POST', '/orders/customers', [{ name: `Payer ${token}`, ...(token && { defaultPaymentMethodToken: token, defaultPaymentGateway: 'test' }) }]);
    await ok('POST', '/orders', { options: { activateOrder: true, generateInvoice: false }, customer: { id: c.id },
      lines: [{ productId: f.ids.platform, quantity: 10, subscriptionTerm: 12, subscriptionStartDate: start }] });
    return c.id as string;
  };
  const run = async (targetDate: string, customerId: string) => {
    const job = await ok('POST', '/billing/schedules', { scheduleType: 'OneTime', targetDate, autoActivate: true, customerIds: [customerId] });
    return job.invoiceIds as string[];
  };
  const invoice = async (id: string) => (await ok('GET', `/billing/invoices/${id}`)).invoice;
  const attempts = async (id: string) => (await ok('GET', `/billing/invoices/${id}/collection-attempts`)).attempts as Record<string, unknown>[];
  const clock = (day: string) => ok('POST', '/test/clock', { today: day });
  return { f, call, ok, customer, run, invoice, attempts, clock };
}

const settle = async () => { await t.rt.jobs.runUntilIdle({ tenantId }); };
// the tenant's own rows: on a shared PostgreSQL other files write to the same tables meanwhile
const counts = async (tenantId: string) => {
  const q = async (table: string) => (await sql<{ n: number }>`select count(*)::int as n from ${sql.table(table)} where tenant_id = ${tenantId}`.execute(t.rt.database.db)).rows[0]!.n;
  return { attempts: await q('collection_attempts'), payments: await q('payments'), changes: await q('payment_status_changes'), jobs: await q('jobs') };
};

describe('collection of invoices activated by billing runs', () => {
  it('a run\'s invoice is charged to the stored card for its exact amount, once', async () => {
    const s = await setup();
    const c = await s.customer('pm_card_visa');
    const [id] = await s.run('2023-06-22', c);
    // planned in the run's transaction, made by the job
    expect((await s.attempts(id!)).map((a) => [a.attemptNumber, a.status, a.dueDate])).toEqual([[1, 'Scheduled', '2023-06-22']]);
    await settle();
    expect(await s.invoice(id!)).toMatchObject({ amount: 29.7, balance: 0, paymentStatus: 'Paid' });
    const [a] = await s.attempts(id!);
    expect(a).toMatchObject({ attemptNumber: 1, status: 'Succeeded', trigger: 'Activation', amount: 29.7, gateway: 'test', attemptedOn: '2023-06-22',
      gatewayKey: `collect:${s.f.tenant.id}:${id}:1:29.70`, declineCode: null });
    // the payment shows the attempt that made it, and the invoice its attempts (GraphQL)
    const q = await s.ok('POST', '/orders/async/graphql', { query: `{ Payment(where: {invoiceId: {_eq: "${id}"}}) { amount status collectionAttempts { attemptNumber status trigger amount } }
      Invoice(where: {id: {_eq: "${id}"}}) { collectionAttempts { attemptNumber payment { paymentNumber amount } } } }` });
    expect(q.data.Payment).toEqual([{ amount: 29.7, status: 'Succeeded', collectionAttempts: [{ attemptNumber: 1, status: 'Succeeded', trigger: 'Activation', amount: 29.7 }] }]);
    expect(q.data.Invoice[0].collectionAttempts).toEqual([{ attemptNumber: 1, payment: { paymentNumber: expect.stringMatching(/^PAY-/), amount: 29.7 } }]);
    // the job again (a replay, a second worker): nothing more is charged
    await t.rt.jobs.enqueue(t.rt.database.db, s.f.tenant.id, 'billing.collect', { invoiceId: id });
    await settle();
    expect(await s.attempts(id!)).toHaveLength(1);
  });

  it('an invoice dated in the future is charged only when the test clock reaches its date', async () => {
    const s = await setup();
    const c = await s.customer('pm_card_visa', '2023-07-01');
    const [id] = await s.run('2023-07-01', c);
    expect(await s.invoice(id!)).toMatchObject({ invoiceDate: '2023-07-01', amount: 99, paymentStatus: 'NotTransferred' });
    await settle();
    expect((await s.attempts(id!)).map((a) => [a.status, a.dueDate])).toEqual([['Scheduled', '2023-07-01']]);
    await s.clock('2023-06-30');
    await settle();
    expect((await s.attempts(id!)).map((a) => a.status)).toEqual(['Scheduled']);
    await s.clock('2023-07-01');
    await settle();
    expect((await s.attempts(id!)).map((a) => [a.status, a.amount, a.attemptedOn])).toEqual([['Succeeded', 99, '2023-07-01']]);
    expect(await s.invoice(id!)).toMatchObject({ balance: 0, paymentStatus: 'Paid' });
  });

  it('a decline is retried 3, 5 and 7 days after the first attempt, then the invoice stays Failed: 4 attempts logged', async () => {
    const s = await setup();
    const c = await s.customer('pm_card_chargeDeclined');
    const [id] = await s.run('2023-06-22', c);
    await settle();
    const statuses = async () => (await s.attempts(id!)).map((a) => [a.attemptNumber, a.status, a.dueDate, a.attemptedOn]);
    expect(await statuses()).toEqual([[1, 'Failed', '2023-06-22', '2023-06-22'], [2, 'Scheduled', '2023-06-25', null]]);
    expect(await s.invoice(id!)).toMatchObject({ balance: 29.7, paymentStatus: 'Failed' });
    await s.clock('2023-06-24');
    await settle();
    expect(await statuses()).toHaveLength(2);
    await s.clock('2023-06-25');
    await settle();
    expect((await statuses()).slice(1)).toEqual([[2, 'Failed', '2023-06-25', '2023-06-25'], [3, 'Scheduled', '2023-06-27', null]]);
    // the clock jumping past both remaining retries makes each on its day's boundary
    await s.clock('2023-07-15');
    await settle();
    const all = await s.attempts(id!);
    expect(all.map((a) => [a.attemptNumber, a.status, a.dueDate, a.amount, a.declineCode])).toEqual([
      [1, 'Failed', '2023-06-22', 29.7, 'card_declined'],
      [2, 'Failed', '2023-06-25', 29.7, 'card_declined'],
      [3, 'Failed', '2023-06-27', 29.7, 'card_declined'],
      [4, 'Failed', '2023-06-29', 29.7, 'card_declined'],
    ]);
    expect(all[0]!.declineMessage).toBe('Your card was declined.');
    expect(await s.invoice(id!)).toMatchObject({ balance: 29.7, paymentStatus: 'Failed' });
    // each attempt recorded its payment, Failed
    expect(new Set(all.map((a) => a.paymentId)).size).toBe(4);
  });

  it('a charge whose answer was lost is never lost: the reconciler completes it under the same key; a balance that moved meanwhile voids and re-plans it', async () => {
    const s = await setup();
    const c = await s.customer('pm_card_timeoutOnce');
    const [id] = await s.run('2023-06-22', c);
    await settle();
    // the business transaction recorded the pending charge (with its key) before the gateway was asked
    const [pending] = await s.attempts(id!);
    expect(pending).toMatchObject({ status: 'Pending', amount: 29.7, gatewayKey: `collect:${s.f.tenant.id}:${id}:1:29.70` });
    expect(await s.invoice(id!)).toMatchObject({ balance: 29.7, paymentStatus: 'Transferred' });
    // meanwhile finance applies a credit: the planned amount no longer equals the balance
    const memo = await s.ok('POST', '/billing/credit-memos', { customerId: c, amount: 9.7, status: 'Active' });
    await s.ok('POST', '/billing/credit-memos:apply', { appliedInvoices: [{ creditMemoId: memo.id, invoiceId: id, transactionAmount: 9.7 }] });
    const ctx = await t.rt.tenancy.systemContext(s.f.tenant.id, 'test');
    await t.rt.checkoutForTests.reconcilePending(ctx, 0);
    // the re-planned charge (a new key: the amount is part of it) lost its answer too (this token always does once)
    expect((await s.attempts(id!)).map((a) => [a.attemptNumber, a.status, a.trigger, a.amount, a.gatewayKey])).toEqual([
      [1, 'Voided', 'Activation', 29.7, `collect:${s.f.tenant.id}:${id}:1:29.70`],
      [1, 'Pending', 'Replan', 20, `collect:${s.f.tenant.id}:${id}:1:20.00`],
    ]);
    await t.rt.checkoutForTests.reconcilePending(ctx, 0);
    expect((await s.attempts(id!)).map((a) => [a.status, a.amount])).toEqual([['Voided', 29.7], ['Succeeded', 20]]);
    expect(await s.invoice(id!)).toMatchObject({ balance: 0, paymentStatus: 'Paid' });
    // the reconciler again: nothing left pending, nothing charged twice
    await t.rt.checkoutForTests.reconcilePending(ctx, 0);
    expect(await s.attempts(id!)).toHaveLength(2);
  });

  it('a lost answer with the balance unchanged: completed once by the reconciler', async () => {
    const s = await setup();
    const [id] = await s.run('2023-06-22', await s.customer('pm_card_timeoutOnce'));
    await settle();
    // while the card charge is in flight its amount is held: a manual payment of the balance would pay twice
    const pay = (amount: number) => s.call('POST', '/billing/invoices:pay', { payInvoices: [{ invoiceId: id, transactionAmount: amount }] });
    const held = await pay(29.7);
    expect([held.statusCode, held.json().errorCode]).toEqual([409, 'COLLECTION_IN_FLIGHT']);
    expect(held.json().message).toContain('body/payInvoices/0');
    const ctx = await t.rt.tenancy.systemContext(s.f.tenant.id, 'test');
    await t.rt.checkoutForTests.reconcilePending(ctx, 0);
    expect((await s.attempts(id!)).map((a) => [a.status, a.amount])).toEqual([['Succeeded', 29.7]]);
    expect(await s.invoice(id!)).toMatchObject({ balance: 0, paymentStatus: 'Paid' });
  });

  it('autoCollect off: nothing is planned or charged', async () => {
    const s = await setup();
    await s.ok('PATCH', '/tenant', { settings: { autoCollect: false } });
    const c = await s.customer('pm_card_visa');
    const [id] = await s.run('2023-06-22', c);
    await settle();
    expect(await s.attempts(id!)).toEqual([]);
    expect(await s.invoice(id!)).toMatchObject({ balance: 29.7, paymentStatus: 'NotTransferred' });
  });

  it('a customer without a stored payment method is left for offline collection', async () => {
    const s = await setup();
    const c = await s.customer(null);
    const [id] = await s.run('2023-06-22', c);
    await settle();
    expect(await s.attempts(id!)).toEqual([]);
  });

  it('an invoice activated by :activate is charged too; credit applied first leaves only the rest to charge', async () => {
    const s = await setup();
    const c = await s.customer('pm_card_visa');
    const job = await s.ok('POST', '/billing/schedules', { scheduleType: 'OneTime', targetDate: '2023-06-22', autoActivate: false, customerIds: [c] });
    const id = job.invoiceIds[0] as string;
    await s.ok('POST', '/billing/credit-memos', { customerId: c, amount: 9.7, status: 'Active' });
    await s.ok('POST', '/billing/invoices:activate', { invoiceIds: [id] });
    await settle();
    expect(await s.invoice(id)).toMatchObject({ balance: 0, paymentStatus: 'Paid' });
    expect((await s.attempts(id)).map((a) => [a.status, a.amount])).toEqual([['Succeeded', 20]]);
  });
});

describe('transferToPayments', () => {
  it('charges chosen invoices now; a replay with the same Idempotency-Key charges once', async () => {
    const s = await setup();
    await s.ok('PATCH', '/tenant', { settings: { autoCollect: false } });
    const c = await s.customer('pm_card_visa');
    const [id] = await s.run('2023-06-22', c);
    const headers = { ...s.f.h, 'idempotency-key': `transfer-${id}` };
    const first = await s.call('POST', '/billing/invoices:transferToPayments', { whereConditions: { id: { _in: [id] } } }, headers);
    expect(first.statusCode).toBe(200);
    expect(first.json().invoices).toMatchObject([{ id, paymentStatus: 'Paid', balance: 0, attempt: { attemptNumber: 1, status: 'Succeeded', trigger: 'Transfer', amount: 29.7 } }]);
    const again = await s.call('POST', '/billing/invoices:transferToPayments', { whereConditions: { id: { _in: [id] } } }, headers);
    expect(again.json()).toEqual(first.json());
    expect(await s.attempts(id!)).toHaveLength(1);
    // without the key, a paid invoice has nothing left to charge
    const third = await s.call('POST', '/billing/invoices:transferToPayments', { invoiceIds: [id] });
    expect(third.json().invoices).toMatchObject([{ id, paymentStatus: 'Paid', attempt: null }]);
    expect(await s.attempts(id!)).toHaveLength(1);
  });

  it('a decline: Failed with the decline logged; no payment method: TransferError', async () => {
    const s = await setup();
    await s.ok('PATCH', '/tenant', { settings: { autoCollect: false } });
    const declined = (await s.run('2023-06-22', await s.customer('pm_card_chargeDeclined')))[0]!;
    const none = (await s.run('2023-06-22', await s.customer(null)))[0]!;
    const res = await s.ok('POST', '/billing/invoices:transferToPayments', { invoiceIds: [declined, none] });
    expect(res.invoices.map((i: { paymentStatus: string; attempt: { status: string; declineCode: string } }) => [i.paymentStatus, i.attempt.status, i.attempt.declineCode]))
      .toEqual([['Failed', 'Failed', 'card_declined'], ['TransferError', 'Failed', 'no_payment_method']]);
    // the decline is retried on the schedule
    expect((await s.attempts(declined)).map((a) => [a.status, a.dueDate])).toEqual([['Failed', '2023-06-22'], ['Scheduled', '2023-06-25']]);
  });

  it('bad input: 4xx naming the field, nothing written', async () => {
    const s = await setup();
    await s.ok('PATCH', '/tenant', { settings: { autoCollect: false } });
    const [id] = await s.run('2023-06-22', await s.customer('pm_card_visa'));
    const draft = (await s.ok('POST', '/billing/schedules', { scheduleType: 'OneTime', targetDate: '2023-07-01', autoActivate: false, customerIds: [await s.customer('pm_card_visa')] })).invoiceIds[0];
    const before = await counts(s.f.tenant.id);
    const cases: [unknown, number, string, string][] = [
      [{}, 400, 'INVALID_FIELD', 'body/invoiceIds must be a non-empty array of ids'],
      // the body schema answers these before the service reads the ids
      [{ invoiceIds: [] }, 400, 'INVALID_FIELD', 'body/invoiceIds must NOT have fewer than 1 items'],
      [{ invoiceIds: [id, 'nope'] }, 400, 'INVALID_FIELD', 'body/invoiceIds/1 must match format "uuid"'],
      [{ whereConditions: { id: { _in: 'x' } } }, 400, 'INVALID_FIELD', 'body/whereConditions/id/_in must be array'],
      [{ invoiceIds: [id, '00000000-0000-4000-8000-000000000000'] }, 404, 'INVOICE_NOT_FOUND', 'body/invoiceIds/1: invoice 00000000-0000-4000-8000-000000000000 does not exist'],
    ];
    for (const [body, status, code, message] of cases) {
      const res = await s.call('POST', '/billing/invoices:transferToPayments', body);
      expect([res.statusCode, res.json().errorCode, res.json().message]).toEqual([status, code, message]);
      expect(Object.keys(res.json()).sort()).toEqual(['errorCode', 'errorType', 'message', 'title']);
    }
    const notActive = await s.call('POST', '/billing/invoices:transferToPayments', { invoiceIds: [id, draft] });
    expect([notActive.statusCode, notActive.json().errorCode]).toEqual([409, 'INVOICE_NOT_ACTIVE']);
    expect(await counts(s.f.tenant.id)).toEqual(before);
    expect(await s.invoice(id!)).toMatchObject({ paymentStatus: 'NotTransferred', balance: 29.7 });
  });
});

describe('convert-payment-status', () => {
  it('billing and admin set a status with a reason (recorded); self-service gets 403 before any write', async () => {
    const s = await setup();
    await s.ok('PATCH', '/tenant', { settings: { autoCollect: false } });
    const [id] = await s.run('2023-06-22', await s.customer('pm_card_visa'));
    const selfService = withKey((await s.ok('POST', '/apiKeys', { name: 'store', role: 'self-service' })).apiKey);
    const billingKey = withKey((await s.ok('POST', '/apiKeys', { name: 'finance', role: 'billing' })).apiKey);
    const body = { convertPaymentStatuses: [{ id, paymentStatus: 'TransferError', paymentDetails: 'The bank returned the transfer' }] };
    const before = await counts(s.f.tenant.id);
    const refused = await s.call('POST', '/billing/invoices:convert-payment-status', body, selfService);
    expect(refused.statusCode).toBe(403);
    expect(Object.keys(refused.json()).sort()).toEqual(['errorCode', 'errorType', 'message', 'title']);
    expect(await counts(s.f.tenant.id)).toEqual(before);
    const res = await s.call('POST', '/billing/invoices:convert-payment-status', body, billingKey);
    expect(res.statusCode).toBe(200);
    expect(res.json().invoices).toEqual([{ id, invoiceNumber: expect.any(String), previousPaymentStatus: 'NotTransferred', paymentStatus: 'TransferError', reason: 'The bank returned the transfer' }]);
    expect(await s.invoice(id!)).toMatchObject({ paymentStatus: 'TransferError', balance: 29.7 });
    const log = await s.ok('GET', `/billing/invoices/${id}/payment-status-changes`);
    expect(log.changes.map((c: Record<string, unknown>) => [c.fromStatus, c.toStatus, c.reason])).toEqual([['NotTransferred', 'TransferError', 'The bank returned the transfer']]);
  });

  it('bad input: 400 naming the field, nothing written', async () => {
    const s = await setup();
    await s.ok('PATCH', '/tenant', { settings: { autoCollect: false } });
    const [id] = await s.run('2023-06-22', await s.customer('pm_card_visa'));
    const before = await counts(s.f.tenant.id);
    const cases: [unknown, number, string][] = [
      // the body schema answers the shape (required, enum, uuid) before the service reads the lines
      [{}, 400, 'body/convertPaymentStatuses is required'],
      [{ convertPaymentStatuses: [{ id, paymentStatus: 'Bogus', reason: 'x' }] }, 400, 'body/convertPaymentStatuses/0/paymentStatus must be equal to one of the allowed values: NotTransferred, Transferred, TransferError, Paid, PartialPaid, Canceled, Refunded, PartialRefunded, CreditBack, Applied, PartiallyApplied, Failed, WrittenOff'],
      [{ convertPaymentStatuses: [{ id, paymentStatus: 'Paid' }] }, 400, 'body/convertPaymentStatuses/0/reason (or paymentDetails) is required: say why the status changes'],
      [{ convertPaymentStatuses: [{ id, paymentStatus: 'Paid', reason: 'ok' }, { id: 'x', paymentStatus: 'Paid', reason: 'ok' }] }, 400, 'body/convertPaymentStatuses/1/id must match format "uuid"'],
      [{ convertPaymentStatuses: [{ id, paymentStatus: 'Paid', reason: 'ok' }, { id: '00000000-0000-4000-8000-000000000000', paymentStatus: 'Paid', reason: 'ok' }] }, 404, 'body/convertPaymentStatuses/1: invoice 00000000-0000-4000-8000-000000000000 does not exist'],
    ];
    for (const [body, status, message] of cases) {
      const res = await s.call('POST', '/billing/invoices:convert-payment-status', body);
      expect([res.statusCode, res.json().message]).toEqual([status, message]);
    }
    expect(await counts(s.f.tenant.id)).toEqual(before);
    expect(await s.invoice(id!)).toMatchObject({ paymentStatus: 'NotTransferred' });
  });
});

describe('credit memos: transferToPayments refunds to the original payment method', () => {
  it('a cancellation\'s credit for a card-paid period goes back to that card; a memo with no card payment behind it is refused', async () => {
    const s = await setup();
    const c = await s.customer('pm_card_visa');
    const [id] = await s.run('2023-06-22', c);
    const [paid] = await eventually(async () => { await settle(); return s.attempts(id!); }, ([a]) => a?.status === 'Succeeded' || a?.status === 'Failed'); // past Scheduled and Authorized: settled
    expect(paid).toMatchObject({ status: 'Succeeded', amount: 29.7 });
    await s.clock('2023-06-25');
    const sub = (await s.ok('GET', `/billing/invoices/${id}`)).items[0].assetNumber as string;
    const co = await s.ok('POST', '/orders/change-orders', { options: { activateInvoice: true }, assetChanges: [{ assetNumber: sub, changeType: 'Cancel', cancellationDate: '2023-06-26' }] });
    // June 26–30 of 99.00 a month under 30/360: 5/30 → 16.50, kept as credit (the invoice is paid)
    const memo = co.creditMemos[0];
    expect(memo).toMatchObject({ status: 'Active', amount: 16.5, balance: 16.5 });
    const goodwill = await s.ok('POST', '/billing/credit-memos', { customerId: await s.customer(null), amount: 5, status: 'Active', reason: 'Goodwill' });
    const before = await counts(s.f.tenant.id);
    const refused = await s.call('POST', '/billing/credit-memos:transferToPayments', { creditMemoIds: [memo.id, goodwill.id] });
    expect([refused.statusCode, refused.json().errorCode]).toEqual([409, 'NO_ORIGINAL_PAYMENT']);
    expect(refused.json().message).toMatch(/^body\/creditMemoIds\/1: credit memo CM-\d+ credits no invoice paid through a gateway/);
    const bad = await s.call('POST', '/billing/credit-memos:transferToPayments', { creditMemoIds: ['x'] });
    expect([bad.statusCode, bad.json().errorCode, bad.json().message]).toEqual([400, 'INVALID_FIELD', 'body/creditMemoIds/0 must match format "uuid"']);
    expect(await counts(s.f.tenant.id)).toEqual(before);

    const res = await s.ok('POST', '/billing/credit-memos:transferToPayments', { whereConditions: { id: { _in: [memo.id] } } });
    expect(res.creditMemos).toEqual([{ creditMemoId: memo.id, creditMemoNumber: memo.creditMemoNumber, refundedAmount: 16.5, originalPaymentId: paid!.paymentId,
      refundPaymentNumber: expect.stringMatching(/^PAY-/), status: 'Succeeded', balance: 0, paymentStatus: 'Refunded' }]);
    expect(await s.ok('GET', `/billing/credit-memos/${memo.id}`)).toMatchObject({ balance: 0, paymentStatus: 'Refunded' });
    // nothing left: a second call refunds nothing more
    const again = await s.call('POST', '/billing/credit-memos:transferToPayments', { creditMemoIds: [memo.id] });
    expect([again.statusCode, again.json().errorCode]).toEqual([409, 'NOTHING_TO_REFUND']);
    // the invoice stays settled
    expect(await s.invoice(id!)).toMatchObject({ balance: 0, paymentStatus: 'Paid' });
  });

  it('refundCorrections: Refund — a correction\'s credit left goes back to the card without being asked', async () => {
    const s = await setup();
    await s.ok('PATCH', '/tenant', { settings: { refundCorrections: 'Refund' } });
    const c = await s.customer('pm_card_visa');
    const [id] = await s.run('2023-06-22', c);
    await settle();
    await s.clock('2023-06-25');
    const sub = (await s.ok('GET', `/billing/invoices/${id}`)).items[0].assetNumber as string;
    const co = await s.ok('POST', '/orders/change-orders', { options: { activateInvoice: true }, assetChanges: [{ assetNumber: sub, changeType: 'Cancel', cancellationDate: '2023-06-26' }] });
    const memo = co.creditMemos[0];
    await settle();
    expect(await s.ok('GET', `/billing/credit-memos/${memo.id}`)).toMatchObject({ amount: 16.5, balance: 0, paymentStatus: 'Refunded' });
  });
});

describe('collection settings', () => {
  it('are validated, naming the setting', async () => {
    const s = await setup();
    const cases: [Record<string, unknown>, string][] = [
      [{ autoCollect: 'yes' }, 'body/settings/autoCollect must be true or false'],
      [{ collectionRetryDays: [5, 3] }, 'body/settings/collectionRetryDays must be increasing whole days from 1 to 365 (at most 10)'],
      [{ collectionRetryDays: 'x' }, 'body/settings/collectionRetryDays must be increasing whole days from 1 to 365 (at most 10)'],
      [{ refundCorrections: 'Maybe' }, 'body/settings/refundCorrections must be KeepAsCredit or Refund'],
    ];
    for (const [settings, message] of cases) {
      const res = await s.call('PATCH', '/tenant', { settings });
      expect([res.statusCode, res.json().message]).toEqual([400, message]);
    }
    const ok = await s.ok('PATCH', '/tenant', { settings: { collectionRetryDays: [1, 2] } });
    expect(ok.settings).toMatchObject({ autoCollect: true, collectionRetryDays: [1, 2], refundCorrections: 'KeepAsCredit' });
  });

  it('a tenant\'s own retry days', async () => {
    const s = await setup();
    await s.ok('PATCH', '/tenant', { settings: { collectionRetryDays: [1] } });
    const [id] = await s.run('2023-06-22', await s.customer('pm_card_chargeDeclined'));
    await settle();
    await s.clock('2023-06-23');
    await settle();
    await s.clock('2023-07-01');
    await settle();
    expect((await s.attempts(id!)).map((a) => [a.attemptNumber, a.status, a.dueDate])).toEqual([[1, 'Failed', '2023-06-22'], [2, 'Failed', '2023-06-23']]);
  });
});
