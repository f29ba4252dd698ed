import { sql } from 'kysely';
import { describe, expect, it } from 'vitest';
import { orderSuite } from '../orders/support.js';

// Each change type on a 12-month 9.90/month subscription from 2023-06-22 (US30360, BCD 1, Month, in advance).
const s = orderSuite({ today: '2023-06-22' });
const { call } = s;
const clock = (today: string) => call('POST', '/test/clock', { today });
/** A new customer's subscription, its first invoice (2.97) Active. */
async function subscribe(name: string, quantity = 1) {
  await clock('2023-06-22');
  const o = (await call('POST', '/orders', { options: { activateInvoice: true }, customer: { name },
    lines: [{ productId: s.f.ids.platform, quantity, subscriptionTerm: 12, subscriptionStartDate: '2023-06-22' }] })).json();
  return { sub: o.subscriptions[0], customerId: o.order.customerId as string };
}
const change = async (assetChanges: Record<string, unknown>[], options: Record<string, unknown> = { activateInvoice: true }) => {
  const res = await call('POST', '/orders/change-orders', { options, assetChanges });
  expect(res.statusCode, res.body).toBe(200);
  return res.json();
};
const run = async (customerId: string, targetDate: string) => {
  await clock(targetDate);
  return (await call('POST', '/billing/schedules', { scheduleType: 'OneTime', targetDate, customerIds: [customerId], autoActivate: true })).json();
};
/** Everything billed for the customer, net of credit memos. */
const billedTotal = async (customerId: string) => (await sql<{ s: string }>`select coalesce(sum(amount_without_tax), 0) as s from invoice_items
  where tenant_id = ${s.f.tenant.id} and customer_id = ${customerId} and status <> 'Canceled'`.execute(s.t.rt.database.db)).rows[0]!.s;

describe('change types', () => {
  it('cancellation mid-period: a credit memo for what was billed past it, applied to the open invoice', async () => {
    const { sub, customerId } = await subscribe('Canceler', 2);
    await run(customerId, '2023-09-01'); // billed through September
    await clock('2023-09-10');
    const co = await change([{ assetNumber: sub.name, changeType: 'Cancel', cancellationDate: '2023-09-16' }]);
    expect(co.orderProducts[1]).toMatchObject({ changeType: 'Cancel', quantity: -2, subscriptionStartDate: '2023-09-16', subscriptionEndDate: '2024-06-21', deltaCMRR: -19.8 });
    expect(co.subscriptions[0]).toMatchObject({ subscriptionVersion: 2, subscriptionEndDate: '2023-09-15', cancellationDate: '2023-09-16', autoRenew: false });
    expect(co.invoices).toEqual([]);
    expect(co.creditMemos).toHaveLength(1);
    // September 16–30 of 19.80 a month under 30/360: 15/30 → 9.90
    expect(co.creditMemos[0]).toMatchObject({ source: 'Billing', status: 'Active', amount: 9.9, items: [{ transactionAmount: 9.9, startDate: '2023-09-16', endDate: '2023-09-30' }] });
    // the whole life: 2023-06-22..2023-09-15 at 19.80 = 5.94 + 19.80 + 19.80 + 9.90
    expect(await billedTotal(customerId)).toBe('55.44');
    expect((await run(customerId, '2024-07-01')).invoiceIds).toEqual([]);
    const again = await call('POST', '/orders/change-orders', { options: {}, assetChanges: [{ assetNumber: sub.name, changeType: 'Cancel', cancellationDate: '2023-09-20' }] });
    expect([again.statusCode, again.json().errorCode]).toEqual([409, 'ASSET_CANCELED']);
  });

  it('renewal at the end date bills the first renewal period; term reduction credits what was billed beyond the new end', async () => {
    const { sub, customerId } = await subscribe('Renewer');
    await run(customerId, '2024-06-01');
    const renewed = await change([{ assetNumber: sub.name, changeType: 'Renew', renewalTerm: 12 }]);
    expect(renewed.subscriptions[0]).toMatchObject({ subscriptionEndDate: '2025-06-21', subscriptionTerm: 24, totalPrice: 237.6 });
    expect(renewed.orderProducts[1]).toMatchObject({ changeType: 'Renew', subscriptionStartDate: '2024-06-22', subscriptionEndDate: '2025-06-21', deltaTCV: 118.8, deltaCMRR: 0 });
    // June 22–30 of the renewal: 9/30 of 9.90
    expect(renewed.invoices[0].items.map((i: any) => [i.startDate, i.endDate, i.transactionAmount])).toEqual([['2024-06-22', '2024-06-30', 2.97]]);
    const shorter = await change([{ assetNumber: sub.name, changeType: 'UpdateTerm', term: -6 }]);
    expect(shorter.subscriptions[0]).toMatchObject({ subscriptionEndDate: '2024-12-21', subscriptionTerm: 18 });
    expect(shorter.orderProducts[1]).toMatchObject({ deltaTCV: -59.4, subscriptionStartDate: '2024-12-22', subscriptionEndDate: '2025-06-21' });
    expect(shorter.invoices).toEqual([]);
    expect(shorter.creditMemos).toEqual([]); // nothing past 2024-12-21 was billed yet
    await run(customerId, '2025-07-01');
    expect(await billedTotal(customerId)).toBe('178.20'); // 18 months of 9.90
  });

  it('stacked Renew + UpdateQuantity apply in the fixed order, whatever order they are listed in', async () => {
    const a = await subscribe('Stack A');
    const b = await subscribe('Stack B');
    await clock('2023-07-01');
    const renew = (n: string) => ({ assetNumber: n, changeType: 'Renew', renewalTerm: 12 });
    const more = (n: string) => ({ assetNumber: n, changeType: 'UpdateQuantity', quantity: 2, startDate: '2023-07-01' });
    const x = await change([renew(a.sub.name), more(a.sub.name)], { activateOrder: true });
    const y = await change([more(b.sub.name), renew(b.sub.name)], { activateOrder: true });
    const shape = (co: any) => co.orderProducts.map((l: any) => [l.lineType, l.changeType, l.quantity, l.subscriptionStartDate, l.subscriptionEndDate, l.totalPrice, l.deltaTCV]);
    expect(shape(x)).toEqual(shape(y));
    expect(shape(x)).toEqual([
      ['SummaryItem', null, 3, '2023-06-22', '2025-06-21', 712.8, null],
      ['LineItem', 'Renew', 1, '2024-06-22', '2025-06-21', 118.8, 118.8],
      // 2 × 9.90 from 07-01 to the renewed end: F(end) − F(06-30) = 24 − 9/30 = 23.7 months
      ['LineItem', 'UpdateQuantity', 2, '2023-07-01', '2025-06-21', 469.26, 469.26],
    ]);
    expect(x.subscriptions).toHaveLength(1);
    expect(x.subscriptions[0]).toMatchObject({ subscriptionVersion: 2, quantity: 3, subscriptionTerm: 24 });
  });

  it('a temporary quantity change writes two versions and bills only its window', async () => {
    const { sub, customerId } = await subscribe('Temporary');
    await clock('2023-07-01');
    const co = await change([{ assetNumber: sub.name, changeType: 'UpdateQuantity', quantity: 5, startDate: '2023-07-01', endDate: '2023-09-30' }], { activateOrder: true });
    expect(co.orderProducts[1]).toMatchObject({ deltaTCV: 148.5, subscriptionStartDate: '2023-07-01', subscriptionEndDate: '2023-09-30' }); // 5 × 9.90 × 3
    const versions = (await sql<{ version: number; quantity: string; effective_from: string }>`select version, quantity, effective_from from asset_versions
      where tenant_id = ${s.f.tenant.id} and asset_number = ${sub.name} order by version`.execute(s.t.rt.database.db)).rows;
    expect(versions.map((v) => [v.version, v.quantity, v.effective_from])).toEqual([[1, '1', '2023-06-22'], [2, '6', '2023-07-01'], [3, '1', '2023-10-01']]);
    await run(customerId, '2024-07-01');
    expect(await billedTotal(customerId)).toBe('267.30'); // 118.80 + 148.50
  });

  it('AdjustPrice by discount from a date; a change and its exact reversal on the same date net to zero money', async () => {
    const { sub, customerId } = await subscribe('Discounted');
    await clock('2023-07-01');
    const off = await change([{ assetNumber: sub.name, changeType: 'AdjustPrice', discount: { discountPercentage: 30 }, startDate: '2023-07-01' }]);
    expect(off.subscriptions[0]).toMatchObject({ netSalesPrice: 6.93 });
    // 6.93 instead of 9.90 for the 11.7 months from 07-01: (round(6.93 × 12) − round(6.93 × 0.3)) − (118.80 − 2.97)
    expect(off.orderProducts[1]).toMatchObject({ deltaCMRR: -2.97, deltaTCV: -34.75 });
    const { sub: s2, customerId: c2 } = await subscribe('Reversed');
    await run(c2, '2023-08-01');
    await clock('2023-08-10');
    await change([{ assetNumber: s2.name, changeType: 'UpdateQuantity', quantity: 3, startDate: '2023-08-10' }]);
    await change([{ assetNumber: s2.name, changeType: 'UpdateQuantity', quantity: -3, startDate: '2023-08-10' }]);
    await run(c2, '2024-07-01');
    expect(await billedTotal(c2)).toBe('118.80');
    void customerId;
  });

  it('ConvertFreeTrial with overrideTrialEnd: the paid term starts at once; nothing was billed, so the next run bills its first period', async () => {
    await clock('2023-06-22');
    const entry = { priceBookId: s.f.book.id, uomId: s.f.uom.id, currencyIsoCode: 'USD', listPrice: '9.90' };
    const [trial] = await s.f.post('/objects/composite/ProductList', { persistentObjects: [{ referenceId: 'trial', content: {
      name: 'Trial', sku: 'TRIAL-CO', status: 'Active', uomId: s.f.uom.id, defaultSubscriptionTerm: 12, freeTrialUnit: 14, freeTrialType: 'Days', priceBookEntries: [entry] } }] });
    const o = (await call('POST', '/orders', { options: { activateInvoice: true }, customer: { name: 'Converter' }, lines: [{ productId: trial.id, quantity: 1, subscriptionStartDate: '2023-06-22' }] })).json();
    expect(o.invoices).toEqual([]);
    await clock('2023-06-25');
    const co = await change([{ assetNumber: o.subscriptions[0].name, changeType: 'ConvertFreeTrial', startDate: '2023-06-25', overrideTrialEnd: true }]);
    expect(co.subscriptions[0]).toMatchObject({ freeTrialEndDate: '2023-06-24', subscriptionEndDate: '2024-06-24', subscriptionVersion: 2 });
    expect(co.invoices).toEqual([]);
    const job = await run(o.order.customerId, '2023-06-25');
    const inv = (await call('GET', `/billing/invoices/${job.invoiceIds[0]}`)).json();
    expect(inv.items.map((i: any) => [i.startDate, i.endDate, i.transactionQuantity, i.prorationNumerator, i.prorationDenominator, i.transactionAmount])).toEqual([['2023-06-25', '2023-06-30', 1, 6, 30, 1.98]]);
    const again = await call('POST', '/orders/change-orders', { options: {}, assetChanges: [{ assetNumber: o.subscriptions[0].name, changeType: 'ConvertFreeTrial', startDate: '2023-06-26', overrideTrialEnd: true }] });
    expect([again.statusCode, again.json().errorCode]).toEqual([409, 'NOT_IN_TRIAL']);
  });

  it('Reconfigure records its date as a new version with no money', async () => {
    const { sub } = await subscribe('Reconfigured');
    await clock('2023-07-01');
    const co = await change([{ assetNumber: sub.name, changeType: 'Reconfigure', startDate: '2023-07-01' }]);
    expect(co.orderProducts[1]).toMatchObject({ changeType: 'Reconfigure', deltaTCV: 0, deltaCMRR: 0, subscriptionStartDate: '2023-07-01' });
    expect(co.subscriptions[0]).toMatchObject({ subscriptionVersion: 2, effectiveFrom: '2023-07-01', quantity: 1 });
    expect(co.invoices).toEqual([]);
  });
});
