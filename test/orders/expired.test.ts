import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testApp, type TestApp } from '../support/app.js';
import { orderFixture } from './support.js';

// A subscription past its end date that was not renewed reads Expired, over REST and GraphQL alike
// (assets/model.ts statusOn; the GraphQL entity computes the same in SQL). Nothing is rewritten.
let t: TestApp;
beforeAll(async () => { t = await testApp(); });
afterAll(() => t.close());

describe('Expired subscriptions', () => {
  it('read Expired the day after their end, Active through it, on both read paths', async () => {
    const f = await orderFixture(t, { today: '2023-06-22' });
    const placed = await f.post('/orders', {
      options: { activateInvoice: true }, customer: { name: 'Expiring' },
      lines: [{ productId: f.ids.platform, quantity: 1, subscriptionTerm: 12, subscriptionStartDate: '2023-06-22', autoRenew: false }],
    });
    const sub = placed.subscriptions[0];
    expect(sub.subscriptionEndDate).toBe('2024-06-21');
    const read = async () => {
      const rest = (await t.call('GET', `/orders/subscriptions/${sub.id}`, { headers: f.h })).json().status;
      const gql = (await t.call('POST', '/async/graphql', { headers: f.h, body: { query: `{ Subscription(where: {id: {_eq: "${sub.id}"}}) { status } }` } })).json().data.Subscription[0].status;
      const expiredOnes = (await t.call('POST', '/async/graphql', { headers: f.h, body: { query: '{ Subscription(where: {status: {_eq: "Expired"}}) { id } }' } })).json().data.Subscription.map((s: { id: string }) => s.id);
      return [rest, gql, expiredOnes];
    };
    expect(await read()).toEqual(['Active', 'Active', []]);
    await f.post('/test/clock', { today: '2024-06-21' });
    expect(await read()).toEqual(['Active', 'Active', []]);
    await f.post('/test/clock', { today: '2024-06-22' });
    expect(await read()).toEqual(['Expired', 'Expired', [sub.id]]);
    const order = (await t.call('GET', `/orders/${placed.order.id}`, { headers: f.h })).json();
    expect(order.subscriptions.map((s: { status: string }) => s.status)).toEqual(['Expired']);
  });
});
