import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eventually } from '../support/eventually.js';
import { KINDS } from '../../src/jobs/background.js';
import { Temporal } from 'temporal-polyfill';
import { DAY_BOUNDARY } from '../../src/jobs/day-boundary.js';
import { SYSTEM_TENANT } from '../../src/jobs/model.js';
import { testApp, type TestApp } from '../support/app.js';
import { engine } from '../support/db.js';
import { orderFixture } from '../orders/support.js';

// The per-tenant day-boundary job: one per day a sandbox tenant's test clock crosses, and a daily
// schedule at the tenant's midnight. It renews auto-renew subscriptions without any billing run.
// This app runs no background loop: the test works its tenant's queue itself — only its tenant's.
// The worker's database is shared with the files that ran before (vitest.config.ts), and their
// runtimes leave work queued when they close: tenancy's test clock moves five years (1,788
// day-boundary jobs), and since a PGlite chain of statements lets the event loop turn
// (db/yielding.ts) a file's background loop no longer drains its backlog before the file's next
// request, so it passes on. Draining the whole queue, this test found 1,800–3,700 of them ahead of its
// own in full runs, and under load it timed out working them.
let t: TestApp;
beforeAll(async () => { t = await testApp({ config: { background: false } }); });
afterAll(() => t.close());

describe('day-boundary job', () => {
  it('the test clock moving forward enqueues one job per day crossed; the day after the end date renews', async () => {
    const f = await orderFixture(t, { today: '2023-06-22' });
    const order = await f.post('/orders', {
      options: { activateInvoice: true }, customer: { name: 'Renewer' },
      lines: [{ productId: f.ids.platform, quantity: 1, subscriptionTerm: 12, subscriptionStartDate: '2023-06-22', autoRenew: true, renewalTerm: 12 }],
    });
    const subscriptions = async () => (await t.call('GET', `/orders/${order.order.id}`, { headers: f.h })).json().subscriptions as { subscriptionVersion: number; subscriptionEndDate: string; isLatest: boolean }[];
    // another sandbox tenant's backlog, queued before this tenant's and never worked here
    const other = await orderFixture(t, { today: '2023-01-01' });
    await other.post('/test/clock', { today: '2023-03-01' });
    const otherJobs = () => t.rt.jobs.list(other.tenant.id, DAY_BOUNDARY);
    expect(await otherJobs()).toHaveLength(59);
    const dayJobs = async () => (await t.rt.jobs.list(f.tenant.id, DAY_BOUNDARY)).sort((a, b) => String(a.payload.day).localeCompare(String(b.payload.day)));
    // On a shared PostgreSQL another test process's background loop may have claimed some of these
    // jobs: nothing left to claim here is not yet everything done, so wait for them to finish too.
    const settled = () => eventually(async () => { await t.rt.jobs.runUntilIdle({ tenantId: f.tenant.id }); return dayJobs(); },
      (jobs) => jobs.every((j) => j.status !== 'Queued' && j.status !== 'Processing'), 30_000);
    expect(await dayJobs(), 'moving the clock back crosses no day').toEqual([]);

    await f.post('/test/clock', { today: '2024-06-21' });
    const year = await dayJobs();
    expect(year).toHaveLength(365);
    expect([year[0]!.payload, year.at(-1)!.payload]).toEqual([{ day: '2023-06-23' }, { day: '2024-06-21' }]);
    await settled();
    expect((await dayJobs()).filter((j) => j.status !== 'Completed' || (j.result as { renewed: number }).renewed !== 0)).toEqual([]);
    expect((await subscriptions()).map((s) => s.subscriptionVersion)).toEqual([1]);

    await f.post('/test/clock', { today: '2024-06-23' });
    await settled();
    const last = (await dayJobs()).slice(365);
    // both days' jobs may be claimed in one batch and run at once (PostgreSQL works 4 at a time): the
    // subscription, ended before either day, is renewed exactly once, by whichever runs first
    expect(last.map((j) => [j.payload.day, j.status, (j.result as { day: string }).day])).toEqual([
      ['2024-06-22', 'Completed', '2024-06-22'],
      ['2024-06-23', 'Completed', '2024-06-23'],
    ]);
    expect(last.map((j) => (j.result as { renewed: number }).renewed).sort()).toEqual([0, 1]);
    const subs = await subscriptions();
    expect(subs.map((s) => [s.subscriptionVersion, s.isLatest, s.subscriptionEndDate])).toEqual([[1, false, '2024-06-21'], [2, true, '2025-06-21']]);

    await f.post('/test/clock', { today: '2024-06-01' });
    expect(await dayJobs()).toHaveLength(367);

    // none of the other tenant's jobs was worked for this one (on a shared PostgreSQL another
    // process's loop may have); cancel them, so later files in this worker do not inherit them
    const left = (await otherJobs()).filter((j) => j.status === 'Queued');
    if (engine === 'pglite') expect(left).toHaveLength(59);
    for (const j of left) await t.rt.jobs.cancel(other.tenant.id, j.id);
  });

  it('every tenant gets a daily schedule at midnight in its time zone', async () => {
    const tenant = await t.newTenant({ timeZone: 'Asia/Tokyo' });
    await t.rt.jobs.enqueue(t.rt.database.db, SYSTEM_TENANT, KINDS.tenantSchedules);
    await t.rt.jobs.runUntilIdle({ tenantId: SYSTEM_TENANT });
    const s = await t.rt.jobs.getSchedule(tenant.id, DAY_BOUNDARY);
    expect(s?.cadence).toEqual({ dailyAtMidnight: 'Asia/Tokyo' });
    // the next midnight in Tokyo, within a day
    const at = Temporal.Instant.fromEpochMilliseconds(s!.nextRunAt.getTime()).toZonedDateTimeISO('Asia/Tokyo');
    expect([at.hour, at.minute, at.second]).toEqual([0, 0, 0]);
    expect(s!.nextRunAt.getTime() - Date.now()).toBeLessThanOrEqual(86_400_000);
  });
});
