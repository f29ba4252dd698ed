import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testApp, type TestApp } from '../support/app.js';
import { orderFixture } from '../orders/support.js';

let t: TestApp;
beforeAll(async () => { t = await testApp(); });
afterAll(() => t.close());

async function setup() {
  const f = await orderFixture(t, { today: '2023-06-22' });
  await f.post('/tax/rates', { country: 'United States', taxPercentage: '8.625' });
  const order = await f.post('/orders', {
    options: { activateInvoice: true }, customer: { name: 'Subscriber', billingCountry: 'United States' },
    lines: [{ productId: f.ids.platform, quantity: 1, subscriptionTerm: 12, subscriptionStartDate: '2023-06-22' }],
  });
  const run = async (targetDate: string, autoActivate = false) => {
    await f.post('/test/clock', { today: targetDate });
    const res = await t.call('POST', '/billing/schedules', { body: { scheduleType: 'OneTime', targetDate, autoActivate }, headers: f.h });
    expect(res.statusCode, res.body).toBe(201);
    return res.json();
  };
  const totals = async () => {
    const r = await sql<{ amount: string; tax: string; n: string }>`select coalesce(sum(amount_without_tax), 0) as amount, coalesce(sum(tax_amount), 0) as tax, count(*) as n
      from invoice_items where tenant_id = ${f.tenant.id} and status <> 'Canceled'`.execute(t.rt.database.db);
    return r.rows[0]!;
  };
  return { f, order, run, totals };
}

describe('billing runs', () => {
  it('bill what is due minus what was billed; a rerun bills nothing; the whole term adds up to the contract', async () => {
    const { f, run, totals } = await setup();
    expect((await totals())).toMatchObject({ amount: '2.97', tax: '0.26' });
    const sept = await run('2023-09-01');
    expect(sept).toMatchObject({ status: 'Completed', targetDate: '2023-09-01', errors: [], creditMemoIds: [] });
    expect(sept.invoiceIds).toHaveLength(1);
    const inv = (await t.call('GET', `/billing/invoices/${sept.invoiceIds[0]}`, { headers: f.h })).json();
    expect(inv.invoice).toMatchObject({ status: 'Draft', startDate: '2023-07-01', endDate: '2023-09-30', amountWithoutTax: 29.7, invoiceDate: '2023-09-01', dueDate: '2023-10-01' });
    expect(inv.items.map((i: any) => [i.startDate, i.endDate, i.transactionAmount])).toEqual([['2023-07-01', '2023-07-31', 9.9], ['2023-08-01', '2023-08-31', 9.9], ['2023-09-01', '2023-09-30', 9.9]]);
    expect((await run('2023-09-01')).invoiceIds).toEqual([]);
    const job = (await t.call('GET', `/billing/jobs/${sept.id}`, { headers: f.h })).json();
    expect(job).toEqual(sept);
    const end = await run('2024-07-01', true);
    const last = (await t.call('GET', `/billing/invoices/${end.invoiceIds[0]}`, { headers: f.h })).json();
    expect(last.invoice.status).toBe('Active');
    expect(last.items.at(-1)).toMatchObject({ startDate: '2024-06-01', endDate: '2024-06-21', transactionAmount: 6.93 });
    expect(await totals()).toMatchObject({ amount: '118.80', tax: '10.25', n: '13' });
    expect((await run('2024-09-01')).invoiceIds).toEqual([]);
  });

  it('a canceled invoice\'s periods are billed again by the next run', async () => {
    const { f, run, totals } = await setup();
    const first = await run('2023-08-01');
    await t.call('POST', '/billing/invoices:async-cancel', { body: { invoiceIds: first.invoiceIds }, headers: f.h });
    expect(await totals()).toMatchObject({ amount: '2.97' });
    const again = await run('2023-08-01');
    expect(again.invoiceIds).toHaveLength(1);
    expect(await totals()).toMatchObject({ amount: '22.77' });
  });

  it('two runs racing never bill a period twice', async () => {
    const { f, totals } = await setup();
    await f.post('/test/clock', { today: '2023-12-01' });
    const body = { scheduleType: 'OneTime', targetDate: '2023-12-01' };
    const results = await Promise.all([1, 2, 3].map(() => t.call('POST', '/billing/schedules', { body, headers: f.h })));
    for (const r of results) expect(r.statusCode).toBe(201);
    const billed = results.flatMap((r) => r.json().invoiceIds);
    expect(billed).toHaveLength(1);
    expect(await totals()).toMatchObject({ amount: '62.37', n: '7' });
  });

  it('validates its request', async () => {
    const { f } = await setup();
    const bad = await t.call('POST', '/billing/schedules', { body: { scheduleType: 'Cron', targetDate: '2023-12-01' }, headers: f.h });
    expect(bad.statusCode).toBe(400);
    const date = await t.call('POST', '/billing/schedules', { body: { scheduleType: 'OneTime', targetDate: '2023-13-01' }, headers: f.h });
    expect(date.statusCode).toBe(400);
    expect((await t.call('GET', '/billing/jobs/00000000-0000-4000-8000-000000000000', { headers: f.h })).statusCode).toBe(404);
  });
});

describe('auto-renewal', () => {
  it('a billing run past the end date renews an auto-renew subscription as a new version and bills on', async () => {
    const f = await orderFixture(t, { today: '2023-06-22' });
    const order = await f.post('/orders', {
      options: { activateInvoice: true }, customer: { name: 'Renewer' },
      lines: [{ productId: f.ids.platform, quantity: 1, subscriptionTerm: 12, subscriptionStartDate: '2023-06-22', autoRenew: true, renewalTerm: 12 }],
    });
    await f.post('/test/clock', { today: '2024-07-01' });
    const job = (await t.call('POST', '/billing/schedules', { body: { scheduleType: 'OneTime', targetDate: '2024-07-01' }, headers: f.h })).json();
    expect(job.errors).toEqual([]);
    const after = (await t.call('GET', `/orders/${order.order.id}`, { headers: f.h })).json();
    const [v1, v2] = after.subscriptions;
    expect([v1.subscriptionVersion, v1.isLatest, v2.subscriptionVersion, v2.isLatest]).toEqual([1, false, 2, true]);
    expect(v2).toMatchObject({
      name: v1.name, subscriptionCompositeId: `${v1.name}_2`, lastVersionedSubscriptionId: v1.id, originalSubscriptionId: v1.id,
      subscriptionStartDate: '2023-06-22', subscriptionEndDate: '2025-06-21', subscriptionTerm: 24, effectiveFrom: '2024-06-22',
      totalPrice: 237.6, tcv: 237.6, totalTCV: 237.6,
    });
    const inv = (await t.call('GET', `/billing/invoices/${job.invoiceIds[0]}`, { headers: f.h })).json();
    // June 2024 is now a whole month: its first 21 days are the first term's, the rest the renewal's (one item per version), and July follows
    expect(inv.items.slice(-3).map((i: any) => [i.startDate, i.endDate, i.transactionAmount, i.prorationNumerator, i.prorationDenominator, i.assetId]))
      .toEqual([['2024-06-01', '2024-06-21', 6.93, 21, 30, v1.id], ['2024-06-22', '2024-06-30', 2.97, 9, 30, v2.id], ['2024-07-01', '2024-07-31', 9.9, 30, 30, v2.id]]);
    const r = await sql<{ amount: string }>`select sum(amount_without_tax) as amount from invoice_items where tenant_id = ${f.tenant.id} and status <> 'Canceled'`.execute(t.rt.database.db);
    expect(r.rows[0]!.amount).toBe('131.67'); // 9.9 × (0.3 + 13 months)
    // a rerun renews nothing more and bills nothing twice
    const again = (await t.call('POST', '/billing/schedules', { body: { scheduleType: 'OneTime', targetDate: '2024-07-01' }, headers: f.h })).json();
    expect(again.invoiceIds).toEqual([]);
  });
});

describe('a run its process left Running', () => {
  it('reads Interrupted after a restart, keeps what it recorded, and the next run finishes it', async () => {
    const { f, run } = await setup();
    // a run that died mid-way: Running, with the one invoice it had recorded
    const first = await run('2023-07-01');
    const dead = '5e1f6c7a-0000-4000-8000-00000000dead';
    await sql`insert into billing_jobs (tenant_id, id, status, target_date, auto_activate, invoice_ids, created_at, heartbeat_at) values
      (${f.tenant.id}, ${dead}, 'Running', '2023-08-01', false, ${JSON.stringify(first.invoiceIds)}::jsonb, now() - interval '1 hour', now() - interval '1 hour')`.execute(t.rt.database.db);
    // a process starting on the same database (on PostgreSQL, a run silent for 30 s is dead; the embedded engine's database is one process's)
    const restarted = await testApp({ database: t.rt.database });
    try {
      const job = (await restarted.call('GET', `/billing/jobs/${dead}`, { headers: f.h })).json();
      expect([job.status, job.invoiceIds, job.resumedByJobId]).toEqual(['Interrupted', first.invoiceIds, null]);
      const next = await run('2023-08-01');
      expect(next.status).toBe('Completed');
      expect((await t.call('GET', `/billing/jobs/${dead}`, { headers: f.h })).json().resumedByJobId).toBe(next.id);
    } finally {
      await restarted.close();
    }
  });
  it('a run asked for over the API is a job: a process that died holding it leaves it to the next, which finishes it', async () => {
    const { f, run } = await setup();
    const db = t.rt.database.db;
    const first = await run('2023-07-01');
    // the request enqueued a billing.run job and worked it here, acting as the caller
    const done = (await t.rt.jobs.list(f.tenant.id, 'billing.run')).filter((j) => (j.result as { billingJobId?: string } | null)?.billingJobId === first.id);
    expect(done.map((j) => [j.status, j.attempt, (j.payload.actor as { principal: { kind: string } }).principal.kind])).toEqual([['Completed', 1, 'apiKey']]);
    // bad input is refused before anything is queued
    const count = async () => (await sql<{ n: string }>`select (select count(*) from billing_jobs where tenant_id = ${f.tenant.id}) + (select count(*) from jobs where tenant_id = ${f.tenant.id}) as n`.execute(db)).rows[0]!.n;
    const before = await count();
    const bad = await t.call('POST', '/billing/schedules', { body: { scheduleType: 'OneTime', targetDate: '2023-02-30' }, headers: f.h });
    expect([bad.statusCode, bad.json().errorCode]).toEqual([400, 'INVALID_FIELD']);
    expect(await count()).toBe(before);
    // a process claimed a run to 2023-08-01, started it and died: its billing job Running, its claim's lease run out
    await f.post('/test/clock', { today: '2023-08-01' });
    const dead = '5e1f6c7a-0000-4000-8000-0000000dead2';
    await sql`insert into billing_jobs (tenant_id, id, status, target_date, auto_activate, heartbeat_at) values (${f.tenant.id}, ${dead}, 'Running', '2023-08-01', false, now())`.execute(db);
    const claim = await t.rt.jobs.enqueue(db, f.tenant.id, 'billing.run', { ...done[0]!.payload, targetDate: '2023-08-01', billingJobId: dead });
    await sql`update jobs set status = 'Processing', attempt = 1, lease_owner = 'dead-process', lease_until = '2000-01-01' where id = ${claim}`.execute(db);
    await t.rt.jobs.runUntilIdle({ tenantId: f.tenant.id });
    const retried = (await t.rt.jobs.get(f.tenant.id, claim))!;
    expect([retried.status, retried.attempt]).toEqual(['Completed', 2]);
    const resumedBy = (retried.result as { billingJobId: string }).billingJobId;
    const cut = (await t.call('GET', `/billing/jobs/${dead}`, { headers: f.h })).json();
    expect([cut.status, cut.resumedByJobId]).toEqual(['Interrupted', resumedBy]);
    const next = (await t.call('GET', `/billing/jobs/${resumedBy}`, { headers: f.h })).json();
    expect([next.status, next.targetDate, next.invoiceIds.length, next.errors]).toEqual(['Completed', '2023-08-01', 1, []]);
    // and a run to the same date now finds nothing left to bill
    expect((await run('2023-08-01')).invoiceIds).toEqual([]);
  });
});
