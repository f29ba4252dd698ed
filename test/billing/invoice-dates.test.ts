import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testApp, type TestApp } from '../support/app.js';
import { orderFixture } from '../orders/support.js';

// DESIGN §4 Billing: an order-flow invoice is dated today — for a line that starts later it is a
// prepayment of that line's first period — and its due date is that date plus the payment term. A
// cart's invoice preview is dated the same way.
let t: TestApp;
beforeAll(async () => { t = await testApp(); });
afterAll(() => t.close());

describe('invoice dates', () => {
  it('an order whose line starts next month is invoiced today, for its first period, due in 30 days', async () => {
    const f = await orderFixture(t, { today: '2023-06-22' });
    const line = { productId: f.ids.platform, quantity: 1, subscriptionTerm: 12, subscriptionStartDate: '2023-08-01' };
    const cart = await f.post('/orders', { options: { activateOrder: false, previewInvoice: true }, customer: { name: 'Prepaying' }, lines: [line] });
    const preview = cart.previewInvoices[0];
    expect([preview.invoice.invoiceDate, preview.invoice.dueDate]).toEqual(['2023-06-22', '2023-07-22']);
    const placed = await f.post('/orders', { options: { activateInvoice: true }, customer: { name: 'Prepaying' }, lines: [line] });
    const { invoice, items } = placed.invoices[0];
    expect([invoice.invoiceDate, invoice.dueDate, invoice.startDate, invoice.endDate]).toEqual(['2023-06-22', '2023-07-22', '2023-08-01', '2023-08-31']);
    expect(items.map((i: { startDate: string; endDate: string }) => [i.startDate, i.endDate])).toEqual([['2023-08-01', '2023-08-31']]);
    expect([preview.invoice.amount, preview.invoice.startDate]).toEqual([invoice.amount, invoice.startDate]);
  });
});
