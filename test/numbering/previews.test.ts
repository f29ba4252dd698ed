import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testApp, type TestApp } from '../support/app.js';
import { orderFixture } from '../orders/support.js';

// Previews never consume document numbers: the order and invoice placed after any number of
// previews (a cart's invoice preview, an invoice preview, a change order preview) take the numbers
// right after those placed before them.
let t: TestApp;
beforeAll(async () => { t = await testApp(); });
afterAll(() => t.close());

const seq = (n: string) => Number(n.replace(/\D/g, ''));

describe('previews and document numbers', () => {
  it('leave no gap in order, invoice and item numbers', async () => {
    const f = await orderFixture(t, { today: '2023-06-22' });
    const line = { productId: f.ids.platform, quantity: 1, subscriptionTerm: 12 };
    const first = await f.post('/orders', { options: { activateInvoice: true }, customer: { name: 'Numbered' }, lines: [line] });
    const customerId = first.order.customerId;
    for (let i = 0; i < 3; i++) {
      await f.post('/orders/invoices:preview', { customerId, currencyIsoCode: 'USD', billingCycle: 'Month', targetDate: '2023-06-22', orderProducts: [{ productId: f.ids.platform, quantity: 2, startDate: '2023-06-22', endDate: '2024-06-21' }] });
      await f.post('/cpq/change-order:preview', { options: { activateInvoice: true }, assetChanges: [{ assetNumber: first.subscriptions[0].name, changeType: 'UpdateQuantity', quantity: 2, startDate: '2023-06-25' }] });
    }
    const second = await f.post('/orders', { options: { activateInvoice: true }, customerId, lines: [line] });
    expect(seq(second.order.orderNumber) - seq(first.order.orderNumber)).toBe(1);
    const [a, b] = [first.invoices[0], second.invoices[0]];
    expect(seq(b.invoice.invoiceNumber) - seq(a.invoice.invoiceNumber)).toBe(1);
    expect(seq(b.items[0].invoiceItemNumber ?? b.items[0].name) - seq(a.items.at(-1).invoiceItemNumber ?? a.items.at(-1).name)).toBe(1);
  });
});
