import { describe, expect, it } from 'vitest';
import { orderSuite } from '../orders/support.js';

// Filter strings elsewhere use the same where dialect: billing runs and schedules choose customers and products with it.
const s = orderSuite({ today: '2023-06-22' });
const { call } = s;

describe('billing runs with filters in the where dialect', () => {
  it('customerFilter, billCycleDayFilter and productFilter choose what a run bills; bad filters are 400s', async () => {
    const a = (await s.f.post('/orders', { options: { activateOrder: true }, customer: { name: 'Filtered A', billCycleDay: 1 },
      lines: [{ productId: s.f.ids.platform, quantity: 1, subscriptionTerm: 12 }, { productId: s.f.ids.key, quantity: 1 }] })).order.customerId;
    const b = (await s.f.post('/orders', { options: { activateOrder: true }, customer: { name: 'Filtered B' },
      lines: [{ productId: s.f.ids.platform, quantity: 1, subscriptionTerm: 12 }] })).order.customerId;
    const run = async (extra: Record<string, unknown>) => {
      const res = await call('POST', '/billing/schedules', { scheduleType: 'OneTime', targetDate: '2023-06-22', ...extra });
      expect(res.statusCode, res.body).toBe(201);
      const job = res.json();
      const invoices = await Promise.all(job.invoiceIds.map(async (id: string) => (await call('GET', `/billing/invoices/${id}`)).json()));
      return invoices.map((i: any) => [i.invoice.customerId, i.items.map((x: any) => x.assetType).sort()]);
    };
    expect(await run({ customerFilter: '{name: {_eq: "Filtered A"}}', productFilter: '{sku: {_eq: "KEY"}}' })).toEqual([[a, ['Asset']]]);
    expect(await run({ customerFilter: { id: { _in: [a, b] } } })).toEqual(expect.arrayContaining([[a, ['Subscription']], [b, ['Subscription']]]));
    expect(await run({ billCycleDayFilter: '{billCycleDay: {_eq: 1}}' })).toEqual([]); // everything due is billed already
    for (const [body, code] of [
      [{ customerFilter: '{nope: {_eq: 1}}' }, 'INVALID_FILTER'], [{ customerFilter: '{name: {_eq: "x"}' }, 'INVALID_FILTER'],
      [{ productFilter: '[1]' }, 'INVALID_FILTER'], [{ orderFilter: '{id: {_eq: "x"}}' }, 'UNSUPPORTED_FILTER'],
    ] as const) {
      const res = await call('POST', '/billing/schedules', { scheduleType: 'OneTime', targetDate: '2023-06-22', ...body });
      expect([res.statusCode, res.json().errorCode], JSON.stringify(body)).toEqual([400, code]);
    }
    const recurring = await call('POST', '/billing/schedules', { scheduleType: 'Recurring', recurringSchedule: '0 0 3 * * ? *', customerFilter: '{name: {_like: "Filtered%"}}' });
    expect(recurring.statusCode, recurring.body).toBe(201);
    expect(recurring.json()).toMatchObject({ status: 'Draft', customerFilter: '{name: {_like: "Filtered%"}}' });
    const bad = await call('POST', '/billing/schedules', { scheduleType: 'Recurring', recurringSchedule: '0 0 3 * * ? *', productFilter: '{priceModel: {_gt: 5}}' });
    expect([bad.statusCode, bad.json().errorCode]).toEqual([400, 'INVALID_FILTER']);
  });
});
