import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testApp, type TestApp } from '../support/app.js';
import { orderFixture } from '../orders/support.js';

// Free trials (DESIGN "Provisioning and billing kind"): a trial bills 0 until it ends, then the paid
// term starts the day after and bills as any subscription; its invoices still add up to totalPrice.
let t: TestApp;
let f: Awaited<ReturnType<typeof orderFixture>>;
const products: Record<string, string> = {};
beforeAll(async () => {
  t = await testApp();
  f = await orderFixture(t, { today: '2023-06-22' });
  const entry = { priceBookId: f.book.id, uomId: f.uom.id, currencyIsoCode: 'USD', listPrice: '9.90' };
  const made = await f.post('/objects/composite/ProductList', { persistentObjects: [
    { referenceId: 'days', content: { name: 'Trial 14 days', sku: 'TRIAL-D', status: 'Active', uomId: f.uom.id, defaultSubscriptionTerm: 12, freeTrialUnit: 14, freeTrialType: 'Days', priceBookEntries: [entry] } },
    { referenceId: 'month', content: { name: 'Trial 1 month', sku: 'TRIAL-M', status: 'Active', uomId: f.uom.id, defaultSubscriptionTerm: 12, freeTrialUnit: 1, freeTrialType: 'Months', priceBookEntries: [entry] } },
  ] });
  for (const p of made) products[p.referenceId] = p.id;
});
afterAll(() => t.close());

const call = (method: 'POST' | 'GET', url: string, body?: unknown) => t.call(method, url, { body, headers: f.h });
const run = async (customerId: string, targetDate: string) => {
  await call('POST', '/test/clock', { today: targetDate });
  return (await call('POST', '/billing/schedules', { scheduleType: 'OneTime', targetDate, customerIds: [customerId], autoActivate: true })).json();
};

describe('free trials', () => {
  it('14 days free: nothing at checkout, billing from the conversion date, the term adds up to totalPrice', async () => {
    await call('POST', '/test/clock', { today: '2023-06-22' });
    const res = await call('POST', '/orders', { options: { activateInvoice: true, previewInvoice: true }, customer: { name: 'Trialist' },
      lines: [{ productId: products.days, quantity: 1, subscriptionStartDate: '2023-06-22' }] });
    expect(res.statusCode, res.body).toBe(200);
    const order = res.json();
    expect(order.orderProducts[0]).toMatchObject({ subscriptionStartDate: '2023-06-22', freeTrialEndDate: '2023-07-05', freeTrialConversionDate: '2023-07-06', subscriptionEndDate: '2024-07-05', totalPrice: 118.8 });
    expect(order.invoices).toEqual([]);
    expect(order.subscriptions[0]).toMatchObject({ subscriptionStartDate: '2023-06-22', subscriptionEndDate: '2024-07-05', freeTrialEndDate: '2023-07-05' });
    const customerId = order.order.customerId;
    expect((await run(customerId, '2023-07-05')).invoiceIds).toEqual([]);
    const first = await run(customerId, '2023-07-06');
    const inv = (await call('GET', `/billing/invoices/${first.invoiceIds[0]}`)).json();
    expect(inv.items.map((i: any) => [i.startDate, i.endDate, i.transactionAmount])).toEqual([['2023-07-06', '2023-07-31', 8.25]]);
    await run(customerId, '2024-07-06');
    const r = await sql<{ s: string }>`select sum(amount_without_tax) as s from invoice_items where tenant_id = ${f.tenant.id} and customer_id = ${customerId} and status <> 'Canceled'`.execute(t.rt.database.db);
    expect(r.rows[0]!.s).toBe('118.80');
  });

  it('a one-month trial ends the day before the same date next month; a trial that already ended bills at checkout (US30360: 16/30 of 9.90)', async () => {
    await call('POST', '/test/clock', { today: '2023-06-22' });
    const month = (await call('POST', '/orders', { options: { activateInvoice: true }, customer: { name: 'Monthly trialist' },
      lines: [{ productId: products.month, quantity: 1, subscriptionStartDate: '2023-06-22' }] })).json();
    expect(month.orderProducts[0]).toMatchObject({ freeTrialEndDate: '2023-07-21', freeTrialConversionDate: '2023-07-22', subscriptionEndDate: '2024-07-21' });
    expect(month.invoices).toEqual([]);
    const late = (await call('POST', '/orders', { options: { activateInvoice: true }, customer: { name: 'Backdated' },
      lines: [{ productId: products.days, quantity: 1, subscriptionStartDate: '2023-05-01' }] })).json();
    expect(late.orderProducts[0]).toMatchObject({ freeTrialEndDate: '2023-05-14' });
    expect(late.invoices[0].items.map((i: any) => [i.startDate, i.endDate, i.transactionAmount])).toEqual([['2023-05-15', '2023-05-31', 5.28]]);
  });
});
