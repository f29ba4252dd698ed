import { sql } from 'kysely';
import { describe, expect, it } from 'vitest';
import { eventually } from '../support/eventually.js';
import { orderSuite } from '../orders/support.js';

const s = orderSuite({ today: '2023-06-22' });
const { call } = s;
const subscribe = async (name: string) => (await call('POST', '/orders', { options: { activateOrder: true }, customer: { name },
  lines: [{ productId: s.f.ids.platform, quantity: 1, subscriptionTerm: 12, subscriptionStartDate: '2023-06-22' }] })).json();
async function finished(jobId: string) {
  const job = await eventually(async () => (await call('GET', `/cpq/change-order-in-bulk/jobs/${jobId}`)).json(), (j) => !['Queued', 'Processing'].includes(j.status));
  if (['Queued', 'Processing'].includes(job.status)) throw new Error('the job did not finish');
  return job;
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
  it('is a job: a worker that died mid-batch leaves it to the next attempt, which goes on from the customers it recorded', async () => {
    const subs = [];
    for (const n of ['Resume A', 'Resume B', 'Resume C']) subs.push((await subscribe(n)).subscriptions[0]);
    await call('POST', '/test/clock', { today: '2023-07-01' });
    const db = s.t.rt.database.db;
    const tenantId = s.f.tenant.id;
    // a finished bulk job names the actor its job acted for (the caller's principal and permissions)
    const first = await call('POST', '/cpq/change-order-in-bulk', { assetChanges: [{ changeType: 'AdjustPrice', assetNumber: subs[0].name, netSalesPrice: 9.5, startDate: '2023-07-01' }] });
    expect((await finished(first.json().jobId)).status).toBe('Completed');
    // the bulk job reads Completed a moment before its runtime job records its outcome: let the work this process started end
    await s.t.rt.jobs.runUntilIdle({ tenantId });
    const [queued] = (await s.t.rt.jobs.list(tenantId, 'change-orders.bulk')).filter((j) => j.payload.bulkJobId === first.json().jobId);
    expect([queued!.status, (queued!.payload.actor as { principal: { kind: string } }).principal.kind]).toEqual(['Completed', 'apiKey']);
    // a worker took a job over all three, made Resume A's change order, recorded it and died
    const bulkId = 'b0b0b0b0-0000-4000-8000-00000000dead';
    const request = { assetChanges: [{ changeType: 'AdjustPrice', graphqlQuery: '{customer: {name: {_like: "Resume%"}}}', netSalesPrice: 7.25, startDate: '2023-07-01' }] };
    const targets = subs.map((x) => ({ assetNumber: x.name, customerId: x.customerId, change: 0 }));
    const stage = { id: 'batch-1', startTime: '2023-07-01T00:00:00.000Z', endTime: null, status: 'Processing', processResult: { assetNumbers: subs.map((x) => x.name), orderIds: ['made-before-the-crash'], errors: [] }, done: [subs[0].customerId] };
    await sql`insert into change_jobs (tenant_id, id, status, request, batch_size, stages, targets, started_at)
      values (${tenantId}, ${bulkId}, 'Processing', ${JSON.stringify(request)}::jsonb, 20, ${JSON.stringify([stage])}::jsonb, ${JSON.stringify(targets)}::jsonb, now())`.execute(db);
    const claim = await s.t.rt.jobs.enqueue(db, tenantId, 'change-orders.bulk', { bulkJobId: bulkId, actor: queued!.payload.actor });
    await sql`update jobs set status = 'Processing', attempt = 1, lease_owner = 'dead-process', lease_until = '2000-01-01' where id = ${claim}`.execute(db);
    await s.t.rt.jobs.runUntilIdle({ tenantId });
    // the outcome first (on a shared database another process's loop may be the one that reclaims it), then how it came
    const job = await finished(bulkId);
    expect(job.status).toBe('Completed');
    expect((await eventually(() => s.t.rt.jobs.get(tenantId, claim), (j) => j?.status === 'Completed'))).toMatchObject({ status: 'Completed', attempt: 2 });
    expect(job.stages[0].processResult.orderIds).toHaveLength(3);
    expect(job.stages[0].processResult.orderIds[0]).toBe('made-before-the-crash');
    expect(job.stages[0]).not.toHaveProperty('done');
    // Resume A was not changed again (still its first bulk price); B and C got 7.25
    const prices = [];
    for (const x of subs) {
      const latest = (await call('GET', `/orders/subscriptions/${x.id}`)).json();
      prices.push((await call('GET', `/orders/subscriptions/${latest.latestVersionedSubscriptionId}`)).json().netSalesPrice);
    }
    expect(prices).toEqual([9.5, 7.25, 7.25]);
  });
});
