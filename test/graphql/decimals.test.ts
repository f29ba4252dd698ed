import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testApp, type TestApp } from '../support/app.js';
import { orderFixture } from '../orders/support.js';

// Money and roll-ups are decimal in SQL as in decimal.js: 9.90 a month is 118.80 a year, never
// 118.80000000000001 (a binary float's), and REST and GraphQL answer the same figure.
let t: TestApp;
beforeAll(async () => { t = await testApp(); });
afterAll(() => t.close());

describe('decimal figures over GraphQL', () => {
  it('9.90 a month reads 118.8 a year on the subscription and the customer, and a customer owes the same, as REST reads them', async () => {
    const f = await orderFixture(t, { today: '2023-06-22', listPrice: '9.90' });
    const placed = await f.post('/orders', {
      options: { activateInvoice: true }, customer: { name: 'Decimal' },
      lines: [{ productId: f.ids.platform, quantity: 1, subscriptionTerm: 12 }],
    });
    const query = `{ Subscription(where: {id: {_eq: "${placed.subscriptions[0].id}"}}) { todayCMRR todayARR customer { todayCMRR todayARR } } }`;
    const res = await t.call('POST', '/async/graphql', { headers: f.h, body: { query } });
    expect(res.body).not.toMatch(/\d\.\d{10,}/);
    const [s] = res.json().data.Subscription;
    expect([s.todayCMRR, s.todayARR, s.customer.todayCMRR, s.customer.todayARR]).toEqual([9.9, 118.8, 9.9, 118.8]);
    const rest = (await t.call('GET', `/orders/customers/${placed.order.customerId}`, { headers: f.h })).json();
    expect([rest.todayCMRR, rest.todayARR]).toEqual([9.9, 118.8]);
    expect([placed.subscriptions[0].todayCMRR, placed.subscriptions[0].todayARR]).toEqual([9.9, 118.8]);
    // what the customer owes: its Active invoice, unpaid, on both read paths
    const owed = placed.invoices[0].invoice.balance;
    expect(owed).toBeGreaterThan(0);
    const gql = (await t.call('POST', '/async/graphql', { headers: f.h, body: { query: `{ Customer(where: {id: {_eq: "${placed.order.customerId}"}}) { invoiceBalance } }` } })).json();
    expect([rest.invoiceBalance, gql.data.Customer[0].invoiceBalance]).toEqual([owed, owed]);
  });

  it('a monthly figure rounds to the minor unit of its currency on both read paths (JPY has none)', async () => {
    const f = await orderFixture(t, { today: '2023-06-22' });
    await f.post('/objects/PriceBookEntry', { priceBookId: f.book.id, productId: f.ids.platform, uomId: f.uom.id, currencyIsoCode: 'JPY', listPrice: '1000.5' });
    const placed = await f.post('/orders', { currencyIsoCode: 'JPY', options: { calculateTax: false }, customer: { name: 'Yen' },
      lines: [{ productId: f.ids.platform, quantity: 1, subscriptionTerm: 12 }] });
    const rest = (await t.call('GET', `/orders/customers/${placed.order.customerId}`, { headers: f.h })).json();
    const query = `{ Customer(where: {id: {_eq: "${placed.order.customerId}"}}) { todayCMRR todayARR } Subscription(where: {id: {_eq: "${placed.subscriptions[0].id}"}}) { todayCMRR } }`;
    const gql = (await t.call('POST', '/async/graphql', { headers: f.h, body: { query } })).json().data;
    expect([rest.todayCMRR, rest.todayARR, placed.subscriptions[0].todayCMRR]).toEqual([1001, 12012, 1001]);
    expect([gql.Customer[0].todayCMRR, gql.Customer[0].todayARR, gql.Subscription[0].todayCMRR]).toEqual([1001, 12012, 1001]);
  });
});
