import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testApp, type TestApp } from '../support/app.js';
import { orderFixture } from './support.js';

interface Vector {
  name: string; source: string; catalog: { listPrice: string; defaultSubscriptionTerm: number }; taxRate: { country: string; state: string; taxPercentage: string };
  today: string; line: Record<string, unknown>; expect: Record<'order' | 'line' | 'subscription' | 'customer' | 'invoice' | 'invoiceItem', Record<string, unknown>>;
}
const vectors: Vector[] = JSON.parse(readFileSync(new URL('../vectors/orders.json', import.meta.url), 'utf8'));

let t: TestApp;
beforeAll(async () => { t = await testApp(); });
afterAll(() => t.close());

describe('order conformance vectors', () => {
  it.each(vectors)('$name', async (v) => {
    const f = await orderFixture(t, { today: v.today, listPrice: v.catalog.listPrice, defaultSubscriptionTerm: v.catalog.defaultSubscriptionTerm });
    await f.post('/tax/rates', { country: v.taxRate.country, state: v.taxRate.state, taxPercentage: v.taxRate.taxPercentage });
    const res = await f.post('/orders', {
      options: { generateInvoice: true },
      customer: { name: 'Nue IO, Inc.', email: 'william.chase@nue.io' },
      billToContact: { firstName: 'William', lastName: 'Chase', email: 'william.chase@nue.io', billingCountry: v.taxRate.country, billingState: v.taxRate.state, billingZipCode: '95129' },
      effectiveDate: v.today, priceBookId: f.book.id, billingCycle: 'Month', name: 'MY ORDER',
      lines: [{ lineType: 'LineItem', productId: f.ids.platform, ...v.line, refId: 'line-1' }],
    });
    expect(res.order).toMatchObject(v.expect.order);
    expect(res.order.orderNumber).toBe('ORD-00000001');
    expect(res.orderProducts).toHaveLength(1);
    const line = res.orderProducts[0];
    expect(line).toMatchObject(v.expect.line);
    expect(line.rootId).toBe(line.id);
    expect(res.subscriptions).toHaveLength(1);
    const sub = res.subscriptions[0];
    expect(sub).toMatchObject({ ...v.expect.subscription, name: 'SUB-000001', subscriptionCompositeId: 'SUB-000001_1', orderProductId: line.id, customerId: res.order.customerId });
    expect(sub.rootId).toBe(sub.id);
    expect(sub.originalSubscriptionId).toBe(sub.id);
    expect([res.assets, res.entitlements, res.previewInvoices]).toEqual([[], [], null]);
    expect(res.invoices).toHaveLength(1);
    const { invoice, items } = res.invoices[0];
    expect(invoice).toMatchObject({ ...v.expect.invoice, name: 'INV-00000001', customerId: res.order.customerId, orderId: res.order.id });
    expect(items).toHaveLength(1);
    expect(items[0]).toMatchObject({ ...v.expect.invoiceItem, name: 'II-00000001', assetNumber: 'SUB-000001', assetId: sub.id, invoiceId: invoice.id });
    expect(items[0].details.map((d: Record<string, unknown>) => [d.detailType, d.orderProductId, d.billedAmount, d.taxAmount])).toEqual([['Committed', line.id, 2.97, 0.26]]);
    const stored = (await t.call('GET', `/billing/invoices/${invoice.id}`, { headers: f.h })).json();
    expect(stored).toEqual(res.invoices[0]);
    const customer = (await t.call('GET', `/orders/customers/${res.order.customerId}`, { headers: f.h })).json();
    expect(customer).toMatchObject({ ...v.expect.customer, name: 'Nue IO, Inc.', currencyIsoCode: 'USD', latestOrderDate: v.today });
    expect(customer.contacts.map((c: { name: string; id: string }) => [c.name, c.id])).toEqual([['William Chase', res.order.billToContactId]]);
    // GET returns the same order
    const again = (await t.call('GET', `/orders/${res.order.id}`, { headers: f.h })).json();
    expect(again.order).toEqual(res.order);
    expect(again.subscriptions).toEqual(res.subscriptions);
  });
});
