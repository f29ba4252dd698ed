import { describe, expect, it } from 'vitest';
import { orderSuite } from '../orders/support.js';

// The seed's TC-2 → TC-3: UpdateQuantity +1 on the TC-2 subscription from 2023-06-22 (seed 002 part B §1.8, §4).
const s = orderSuite({ today: '2023-06-22' });
const { call } = s;

describe('TC-3', () => {
  it('UpdateQuantity +1 from 2023-06-22 with activateInvoice: summary, change line, version 2; nothing billed yet, so no invoice until the run', async () => {
    const tc2 = (await call('POST', '/orders', { options: { calculateTax: false }, customer: { name: 'TC-2' },
      lines: [{ productId: s.f.ids.platform, quantity: 1, subscriptionTerm: 12, subscriptionStartDate: '2023-06-22' }] })).json();
    const sub = tc2.subscriptions[0];
    expect(sub).toMatchObject({ subscriptionVersion: 1, tcv: 118.8 });
    expect(tc2.invoices).toEqual([]);
    const res = await call('POST', '/orders/change-orders', {
      options: { activateOrder: true, generateInvoice: true, activateInvoice: true, calculateTax: true, previewInvoice: true },
      assetChanges: [{ assetNumber: sub.name, changeType: 'UpdateQuantity', quantity: 1, startDate: '2023-06-22' }],
    });
    expect(res.statusCode, res.body).toBe(200);
    const co = res.json();
    expect(co.order).toMatchObject({ orderType: 'Change', status: 'Activated', listTotal: 118.8, subtotal: 118.8, totalPrice: 118.8, totalAmount: 118.8, taxAmount: 0 });
    const [summary, change] = co.orderProducts;
    expect(summary).toMatchObject({
      sortOrder: 1, lineType: 'SummaryItem', isChange: false, quantity: 2, subscriptionTerm: 12, subscriptionStartDate: '2023-06-22', subscriptionEndDate: '2024-06-21',
      listPrice: 9.9, listTotalPrice: 237.6, subtotal: 237.6, totalPrice: 237.6, totalAmount: 237.6, salesPrice: null, netSalesPrice: null,
      deltaCMRR: null, deltaARR: null, deltaACV: null, deltaTCV: null,
    });
    expect(change).toMatchObject({
      sortOrder: 2, lineType: 'LineItem', isChange: true, summaryItemId: summary.id, changeType: 'UpdateQuantity', quantity: 1, subscriptionTerm: 12,
      subscriptionStartDate: '2023-06-22', subscriptionEndDate: '2024-06-21', listPrice: 9.9, listTotalPrice: 118.8, subtotal: 118.8, totalPrice: 118.8,
      totalAmount: 118.8, salesPrice: 9.9, netSalesPrice: 9.9, deltaCMRR: 9.9, deltaARR: 118.8, deltaACV: 118.8, deltaTCV: 118.8,
    });
    expect(co.subscriptions).toHaveLength(1);
    expect(co.subscriptions[0]).toMatchObject({
      name: sub.name, subscriptionVersion: 2, subscriptionCompositeId: `${sub.name}_2`, quantity: 2, salesPrice: 9.9, totalPrice: 237.6, totalAmount: 237.6,
      tcv: 237.6, totalTCV: 237.6, orderProductId: summary.id, lastVersionedSubscriptionId: sub.id, originalSubscriptionId: sub.id,
      subscriptionStartDate: '2023-06-22', subscriptionEndDate: '2024-06-21', renewalTerm: 12, isLatest: true,
    });
    expect(co.previewHash).toMatch(/^[0-9a-f]{64}$/);
    // DESIGN §4 Change orders (a deliberate deviation from the seed's 2.97 invoice): nothing of the
    // TC-2 subscription was billed, so the change order invoices nothing; the run bills the period
    // under the new version, both units from the start
    expect(co.invoices).toEqual([]);
    expect(co.creditMemos).toEqual([]);
    const job = (await call('POST', '/billing/schedules', { scheduleType: 'OneTime', targetDate: '2023-06-22', customerIds: [tc2.order.customerId] })).json();
    const run = (await call('GET', `/billing/invoices/${job.invoiceIds[0]}`)).json();
    expect(run.items.map((i: any) => [i.startDate, i.endDate, i.transactionQuantity, i.transactionAmount, i.chargeType, i.prorationNumerator, i.prorationDenominator]))
      .toEqual([['2023-06-22', '2023-06-30', 2, 5.94, 'Recurring', 9, 30]]);
  });

  it('the same change after TC-2 was invoiced: the billed June is corrected by a pair of Adjustment items naming the item they correct', async () => {
    const tc2 = (await call('POST', '/orders', { options: { calculateTax: false, activateInvoice: true }, customer: { name: 'TC-2 invoiced' },
      lines: [{ productId: s.f.ids.platform, quantity: 1, subscriptionTerm: 12, subscriptionStartDate: '2023-06-22' }] })).json();
    const billed = tc2.invoices[0].items[0];
    expect([billed.startDate, billed.endDate, billed.transactionQuantity, billed.transactionAmount]).toEqual(['2023-06-22', '2023-06-30', 1, 2.97]);
    const co = (await call('POST', '/orders/change-orders', {
      options: { activateInvoice: true }, assetChanges: [{ assetNumber: tc2.subscriptions[0].name, changeType: 'UpdateQuantity', quantity: 1, startDate: '2023-06-22' }],
    })).json();
    expect(co.invoices).toHaveLength(1);
    expect(co.invoices[0].invoice).toMatchObject({ status: 'Active', invoiceDate: '2023-06-22', startDate: '2023-06-22', endDate: '2023-06-30', amount: 2.97 });
    expect(co.invoices[0].items.map((i: any) => [i.startDate, i.endDate, i.transactionQuantity, i.netSalesPrice, i.prorationNumerator, i.prorationDenominator, i.transactionAmount, i.chargeType, i.correctsInvoiceItemId]))
      .toEqual([
        ['2023-06-22', '2023-06-30', -1, 9.9, 9, 30, -2.97, 'Adjustment', billed.id],
        ['2023-06-22', '2023-06-30', 2, 9.9, 9, 30, 5.94, 'Adjustment', billed.id],
      ]);
    // the run finds June billed as due: nothing more
    const job = (await call('POST', '/billing/schedules', { scheduleType: 'OneTime', targetDate: '2023-06-22', customerIds: [tc2.order.customerId] })).json();
    expect(job.invoiceIds).toEqual([]);
  });
});
