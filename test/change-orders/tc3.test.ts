import { describe, expect, it } from 'vitest';
import { orderSuite } from '../orders/support.js';

// The seed's TC-2 → TC-3: UpdateQuantity +1 on the TC-2 subscription from 2023-06-22 (seed 002 part B §1.8, §4).
const s = orderSuite({ today: '2023-06-22' });
const { call } = s;

describe('TC-3', () => {
  it('UpdateQuantity +1 from 2023-06-22 with activateInvoice: summary, change line, version 2, an Active invoice of 2.97', async () => {
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
    expect(co.invoices).toHaveLength(1);
    const { invoice, items } = co.invoices[0];
    expect(invoice).toMatchObject({
      name: expect.stringMatching(/^INV-\d{8}$/), status: 'Active', startDate: '2023-06-22', endDate: '2023-06-30', invoiceDate: '2023-06-22', dueDate: '2023-07-22',
      amount: 2.97, amountWithoutTax: 2.97, balance: 2.97, taxAmount: 0, taxStatus: 'Calculated', paymentStatus: 'NotTransferred',
    });
    expect(invoice.activatedTime).toMatch(/^2\d{3}-/);
    expect(items).toHaveLength(1);
    expect(items[0]).toMatchObject({ name: expect.stringMatching(/^II-\d{8}$/), assetNumber: sub.name, transactionQuantity: 1, transactionAmount: 2.97, billingTiming: 'InAdvance', startDate: '2023-06-22', endDate: '2023-06-30' });
    expect(co.previewHash).toMatch(/^[0-9a-f]{64}$/);
    // the rest of June is the first version's, billed by the next run as due minus billed: 5.94 − 2.97
    const job = (await call('POST', '/billing/schedules', { scheduleType: 'OneTime', targetDate: '2023-06-22', customerIds: [tc2.order.customerId] })).json();
    const run = (await call('GET', `/billing/invoices/${job.invoiceIds[0]}`)).json();
    expect(run.items.map((i: any) => [i.startDate, i.endDate, i.transactionQuantity, i.transactionAmount])).toEqual([['2023-06-22', '2023-06-30', 1, 2.97]]);
  });
});
