import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testApp, withKey, type TestApp } from '../support/app.js';

let t: TestApp;
let h: Record<string, string>;
let customerId: string;
beforeAll(async () => {
  t = await testApp();
  h = withKey((await t.newTenant({ sandbox: true })).apiKey);
  await t.call('POST', '/test/clock', { body: { today: '2023-08-03' }, headers: h });
  customerId = (await t.call('POST', '/orders/customers', { body: [{ name: 'Late payer' }], headers: h })).json()[0].id;
});
afterAll(() => t.close());

const call = (method: 'POST' | 'GET', url: string, body?: unknown) => t.call(method, url, { body, headers: h });
const lateFee = (extra: Record<string, unknown> = {}) => ({ debitMemo: {
  customerId, amount: '100', taxAmount: '0', startDate: '2023-02-02', endDate: '2023-08-03', chargeReason: 'LateFee', currencyCode: 'USD', description: 'Late Fee', ...extra,
} });

describe('debit memos', () => {
  it('the seed\'s late fee: string amounts, Draft → Active, update, cancel', async () => {
    const created = await call('POST', '/billing/debit-memos', lateFee());
    expect(created.statusCode).toBe(201);
    const m = created.json();
    expect(m).toMatchObject({ status: 'Draft', amount: 100, taxAmount: 0, balance: 100, chargeReason: 'LateFee', debitMemoDate: '2023-08-03', debitMemoNumber: expect.stringMatching(/^DM-\d{8}$/) });
    const updated = (await call('POST', '/billing/debit-memos:update', lateFee({ id: m.id, amount: 120 }))).json();
    expect(updated).toMatchObject({ id: m.id, amount: 120, balance: 120 });
    const activated = await call('POST', '/billing/debit-memos:activate', { debitMemoIds: [m.id] });
    expect(activated.statusCode).toBe(200);
    expect(activated.json().map((x: { id: string; status: string }) => [x.id, x.status])).toEqual([[m.id, 'Active']]);
    expect((await call('GET', `/billing/debit-memos/${m.id}`)).json().status).toBe('Active');
    const frozen = await call('POST', '/billing/debit-memos:update', lateFee({ id: m.id, amount: 130 }));
    expect([frozen.statusCode, frozen.json().errorCode]).toEqual([409, 'DEBIT_MEMO_FIELD_FROZEN']);
    expect((await call('POST', '/billing/debit-memos:activate', { debitMemoIds: [m.id] })).statusCode).toBe(409);
    expect((await call('POST', '/billing/debit-memos/cancel', { debitMemoIds: [m.id] })).statusCode).toBe(200);
    expect((await call('GET', `/billing/debit-memos/${m.id}`)).json().status).toBe('Canceled');
    const active = (await call('POST', '/billing/debit-memos', lateFee({ status: 'Active' }))).json();
    expect(active.status).toBe('Active');
  });

  it('takes the flat body credit memos take, and keeps its reason', async () => {
    const created = await call('POST', '/billing/debit-memos', { customerId, amount: 12.5, reason: 'Courier surcharge', status: 'Active' });
    expect(created.statusCode).toBe(201);
    expect(created.json()).toMatchObject({ status: 'Active', amount: 12.5, balance: 12.5, reason: 'Courier surcharge', chargeReason: 'Courier surcharge', debitMemoDate: '2023-08-03' });
    expect((await call('GET', `/billing/debit-memos/${created.json().id}`)).json().reason).toBe('Courier surcharge');
    const bad = await call('POST', '/billing/debit-memos', { customerId, amount: 0 });
    expect([bad.statusCode, bad.json().message]).toEqual([400, 'body/amount must be > 0']);
    const notObject = await call('POST', '/billing/debit-memos', [1]);
    expect([notObject.statusCode, notObject.json().message]).toEqual([400, 'body must be object']);
  });

  it('bad input is a 400 naming the field', async () => {
    for (const [extra, message] of [
      [{ amount: 'lots' }, 'body/debitMemo/amount must be a decimal number'],
      [{ amount: '-5' }, 'body/debitMemo/amount must be > 0'],
      [{ endDate: '2023-01-01' }, 'body/debitMemo/endDate must not be before startDate'],
      [{ status: 'Paid' }, 'body/debitMemo/status must be equal to one of the allowed values: Draft, Active'],
      [{ customerId: 'x' }, 'body/debitMemo/customerId must match format "uuid"'],
    ] as const) {
      const res = await call('POST', '/billing/debit-memos', lateFee(extra));
      expect([res.statusCode, res.json().message]).toEqual([400, message]);
    }
    expect((await call('POST', '/billing/debit-memos', lateFee({ customerId: '00000000-0000-4000-8000-000000000000', currencyCode: undefined }))).statusCode).toBe(404);
    expect((await call('POST', '/billing/debit-memos', lateFee({ customerId: '00000000-0000-4000-8000-000000000000' }))).statusCode).toBe(404);
  });
});
