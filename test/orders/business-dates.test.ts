import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testApp, type TestApp } from '../support/app.js';
import { orderFixture } from './support.js';

// Business dates follow the tenant's clock: in a sandbox whose test clock says 2023-06-22, an order
// placed now is placed and activated on 2023-06-22 (at today's time of day), and so are its invoice's
// activation and a cancellation; credentials keep the real clock.
let t: TestApp;
beforeAll(async () => { t = await testApp(); });
afterAll(() => t.close());

describe('business dates on a test clock', () => {
  it('an order placed, activated, invoiced and canceled on the test date', async () => {
    const f = await orderFixture(t, { today: '2023-06-22' });
    const placed = await f.post('/orders', {
      options: { activateInvoice: true }, customer: { name: 'Dated' },
      lines: [{ productId: f.ids.platform, quantity: 1, subscriptionTerm: 12 }],
    });
    expect([placed.order.orderPlacedDate.slice(0, 10), placed.order.activatedDate.slice(0, 10)]).toEqual(['2023-06-22', '2023-06-22']);
    expect(placed.invoices[0].invoice.activatedTime.slice(0, 10)).toBe('2023-06-22');
    await f.post('/test/clock', { today: '2023-07-03' });
    const cart = await f.post('/orders', { options: { activateOrder: false }, customer: { name: 'Dated cart' }, lines: [{ productId: f.ids.platform, quantity: 1, subscriptionTerm: 12 }] });
    const canceled = await f.post(`/orders/${cart.order.id}:cancel`, {});
    expect(canceled.order.canceledDate.slice(0, 10)).toBe('2023-07-03');
    // the API key still works: credentials are not on the test clock
    expect((await t.call('GET', '/tenant', { headers: f.h })).statusCode).toBe(200);
  });
});
