import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testApp, type TestApp } from '../support/app.js';
import { orderFixture } from '../orders/support.js';

let t: TestApp;
beforeAll(async () => { t = await testApp(); });
afterAll(() => t.close());

/** The text lines of an uncompressed pdfkit PDF: each TJ array's hex strings, joined and decoded. */
function pdfText(pdf: Buffer): string[] {
  const s = pdf.toString('latin1');
  return [...s.matchAll(/\[([^\]]*)\] TJ/g)].map((m) => [...m[1]!.matchAll(/<([0-9a-f]*)>/g)].map((h) => Buffer.from(h[1]!, 'hex').toString('latin1')).join(''));
}

describe('invoice PDF', () => {
  it('renders seller, customer, items with periods, tax, totals and balance', async () => {
    const f = await orderFixture(t, { today: '2023-06-22' });
    await f.post('/tax/rates', { country: 'United States', state: 'California', taxPercentage: '8.625' });
    const order = await f.post('/orders', {
      options: { activateInvoice: true }, customer: { name: 'Nue IO, Inc.', billingStreet: '1000 English Street', billingCity: 'San Jose', billingState: 'California', billingPostalCode: '95129', billingCountry: 'United States' },
      lines: [{ productId: f.ids.platform, quantity: 1, subscriptionTerm: 12, subscriptionStartDate: '2023-06-22' }],
    });
    const inv = order.invoices[0].invoice;
    const res = await t.call('GET', `/billing/invoices/${inv.id}/pdf:generate`, { headers: f.h });
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toBe('application/pdf');
    expect(res.rawPayload.subarray(0, 5).toString()).toBe('%PDF-');
    const text = pdfText(res.rawPayload);
    expect(text).toEqual(expect.arrayContaining([
      `Invoice ${inv.name}`, 'Invoice date: 2023-06-22', 'Due date: 2023-07-22', 'Nue IO, Inc.', '1000 English Street', 'San Jose California 95129',
      'Subtotal: 2.97 USD', 'Tax: 0.26 USD', 'Total: 3.23 USD', 'Balance due: 3.23 USD',
    ]));
    expect(text.some((l) => l.includes('2023-06-22 to 2023-06-30') && l.includes('2.97 USD') && l.includes('tax 0.26 USD'))).toBe(true);
    expect(text[0]).toBe(f.tenant.name);
  });

  it('Draft invoices have no PDF', async () => {
    const f = await orderFixture(t, { today: '2023-06-22' });
    const order = await f.post('/orders', { options: { generateInvoice: true }, customer: { name: 'Drafty' }, lines: [{ productId: f.ids.platform, quantity: 1, subscriptionTerm: 12 }] });
    const res = await t.call('GET', `/billing/invoices/${order.invoices[0].invoice.id}/pdf:generate`, { headers: f.h });
    expect([res.statusCode, res.json().errorCode]).toEqual([409, 'INVOICE_NOT_ACTIVE']);
  });
});
