import { describe, expect, it } from 'vitest';
import { orderSuite } from '../orders/support.js';

const s = orderSuite({ today: '2023-06-22' });
const { call } = s;
const subscribe = async (name: string) => (await call('POST', '/orders', { options: { activateOrder: true }, customer: { name },
  lines: [{ productId: s.f.ids.platform, quantity: 1, subscriptionTerm: 12, subscriptionStartDate: '2023-06-22' }] })).json();
async function finished(jobId: string) {
  for (let i = 0; i < 200; i++) {
    const job = (await call('GET', `/cpq/change-order-in-bulk/jobs/${jobId}`)).json();
    if (!['Queued', 'Processing'].includes(job.status)) return job;
    await new Promise((r) => setTimeout(r, 25));
  }
  throw new Error('the job did not finish');
}

describe('bulk AdjustPrice', () => {
  it('selects by a where filter string, runs in batches, one change order per customer per batch', async () => {
    const subs = [];
    for (const n of ['Bulk A', 'Bulk B', 'Bulk C']) subs.push((await subscribe(n)).subscriptions[0]);
    await subscribe('Other'); // not matched
    const canceled = (await subscribe('Bulk canceled')).subscriptions[0];
    await call('POST', '/orders/change-orders', { options: { activateOrder: true }, assetChanges: [{ assetNumber: canceled.name, changeType: 'Cancel', cancellationDate: '2023-06-30' }] });
    await call('POST', '/test/clock', { today: '2023-07-01' });
    const res = await call('POST', '/cpq/change-order-in-bulk', {
      options: { proceedOption: 'CreateOrder', batchSize: 20 },
      assetChanges: [{ changeType: 'AdjustPrice', graphqlQuery: '{customer: {name: {_like: "Bulk%"}}, assetType: {_eq: "Subscription"}}', netSalesPrice: 8.9, startDate: '2023-07-01' }],
    });
    expect(res.statusCode, res.body).toBe(202);
    const job = await finished(res.json().jobId);
    expect(job).toMatchObject({ status: 'PartialCompleted', jobType: 'BulkAdjustPrice', error: null });
    expect(job.stages).toHaveLength(1);
    expect(job.stages[0].processResult.assetNumbers.sort()).toEqual([...subs.map((s) => s.name), canceled.name].sort());
    expect(job.stages[0].processResult.orderIds).toHaveLength(3);
    expect(job.stages[0].processResult.errors.map((e: any) => e.errorCode)).toEqual(['ASSET_CANCELED']);
    for (const s of subs) {
      const latest = (await call('GET', `/orders/subscriptions/${s.id}`)).json();
      expect(latest.latestVersionedSubscriptionId).not.toBe(s.id);
      const v2 = (await call('GET', `/orders/subscriptions/${latest.latestVersionedSubscriptionId}`)).json();
      // the version's own total is 8.90 × 12; the contract is worth 9.90 × 0.3 + 8.90 × 11.7 = 2.97 + (106.80 − 2.67)
      expect(v2).toMatchObject({ subscriptionVersion: 2, netSalesPrice: 8.9, totalPrice: 106.8, totalTCV: 107.1 });
    }
  });

  it('bad requests are 400s and start nothing; filter values and names cannot inject SQL', async () => {
    const bad: [unknown, string][] = [
      [{ options: { batchSize: 5 }, assetChanges: [{ changeType: 'AdjustPrice', assetNumber: 'SUB-000001', netSalesPrice: 1 }] }, 'INVALID_FIELD'],
      [{ assetChanges: [{ changeType: 'UpdateQuantity', assetNumber: 'SUB-000001', quantity: 1 }] }, 'INVALID_FIELD'],
      [{ assetChanges: [{ changeType: 'AdjustPrice', graphqlQuery: '{nope: {_eq: 1}}', netSalesPrice: 1 }] }, 'INVALID_FILTER'],
      [{ assetChanges: [{ changeType: 'AdjustPrice', graphqlQuery: '{quantity: {_gt: "x; drop table orders"}}', netSalesPrice: 1 }] }, 'INVALID_FILTER'],
      [{ assetChanges: [{ changeType: 'AdjustPrice', graphqlQuery: '{name: {_eq: "a"}', netSalesPrice: 1 }] }, 'INVALID_FILTER'],
      [{ assetChanges: [{ changeType: 'AdjustPrice', graphqlQuery: '{"name; drop table orders": {_eq: "a"}}', netSalesPrice: 1 }] }, 'INVALID_FILTER'],
      [{ assetChanges: [{ changeType: 'AdjustPrice', assetNumber: 'SUB-999999', netSalesPrice: 1 }] }, 'UNKNOWN_ASSET'],
      [{ assetChanges: [{ changeType: 'AdjustPrice', assetNumber: 'SUB-000001' }] }, 'INVALID_FIELD'],
    ];
    for (const [body, code] of bad) {
      const res = await call('POST', '/cpq/change-order-in-bulk', body);
      expect([res.statusCode, res.json().errorCode], JSON.stringify(body)).toEqual([400, code]);
    }
    const inert = await call('POST', '/cpq/change-order-in-bulk', { assetChanges: [{ changeType: 'AdjustPrice', graphqlQuery: { name: { _eq: "x' or '1'='1" } }, netSalesPrice: 1 }] });
    const job = await finished(inert.json().jobId);
    expect(job).toMatchObject({ status: 'Completed', stages: [] });
    expect((await call('GET', '/cpq/change-order-in-bulk/jobs/nope')).statusCode).toBe(404);
  });
});
