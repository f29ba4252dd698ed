import { randomUUID } from 'node:crypto';
import { sql } from 'kysely';
import { beforeAll, describe, expect, it } from 'vitest';
import type { OpenDatabase } from '../../src/db/connect.js';
import { inTransaction } from '../../src/db/transaction.js';
import { advance, daysCrossed, nextMidnight } from '../../src/jobs/cadence.js';
import { SYSTEM_TENANT } from '../../src/jobs/model.js';
import { createJobs } from '../../src/jobs/service.js';
import { manualClock } from '../support/clock.js';
import { engine, testDatabase } from '../support/db.js';

// The jobs runtime on the real database: claims by state, leases, fencing, retries with backoff,
// schedules with catch-up. Each test uses kinds of its own, so no other worker touches its rows.
let database: OpenDatabase;
beforeAll(async () => { database = await testDatabase(); });

const T0 = '2025-03-01T10:00:00.000Z';
const kind = () => `test.${randomUUID()}`;
const setup = (o: { leaseMs?: number; owner?: string; clock?: ReturnType<typeof manualClock> } = {}) => {
  const clock = o.clock ?? manualClock(T0);
  return { clock, jobs: createJobs({ db: database.db, clock, leaseMs: o.leaseMs ?? 30_000, owner: o.owner ?? 'test', batch: 8 }) };
};
const deferred = () => { let resolve!: () => void; const promise = new Promise<void>((r) => { resolve = r; }); return { promise, resolve }; };

describe(`jobs on ${engine}`, () => {
  it('enqueue joins the caller\'s transaction: a rolled-back enqueue leaves no job', async () => {
    const { jobs } = setup();
    const k = kind();
    await expect(inTransaction(database.db, async (tx) => { await jobs.enqueue(tx, SYSTEM_TENANT, k, { n: 1 }); throw new Error('roll back'); })).rejects.toThrow('roll back');
    expect(await jobs.list(SYSTEM_TENANT, k)).toEqual([]);
    const id = await inTransaction(database.db, (tx) => jobs.enqueue(tx, SYSTEM_TENANT, k, { n: 2 }));
    expect(await jobs.get(SYSTEM_TENANT, id)).toMatchObject({ status: 'Queued', attempt: 0, payload: { n: 2 }, leaseOwner: null });
  });

  it('claims by state: what is due, each job by one worker, in batches; the handler works outside the claim transaction', async () => {
    const clock = manualClock(T0);
    const a = setup({ clock, owner: 'a' }).jobs;
    const b = setup({ clock, owner: 'b' }).jobs;
    const k = kind();
    const seen: { id: string; by: string; attempt: number }[] = [];
    for (const [w, name] of [[a, 'a'], [b, 'b']] as const) {
      // the handler reads the database: on the embedded engine's one connection that only works
      // because the claim's transaction has already committed
      w.register(k, async (job) => { await sql`select 1`.execute(database.db); seen.push({ id: job.id, by: name, attempt: job.attempt }); return { by: name }; });
    }
    const tenant = randomUUID();
    await a.enqueueMany(database.db, Array.from({ length: 20 }, (_, n) => ({ tenantId: tenant, kind: k, payload: { n } })));
    const later = await a.enqueue(database.db, tenant, k, {}, new Date(new Date(T0).getTime() + 60_000));
    const [na, nb] = await Promise.all([a.tick(), b.tick()]);
    expect(na).toBeLessThanOrEqual(8);
    expect(nb).toBeLessThanOrEqual(8);
    await Promise.all([a.runUntilIdle(), b.runUntilIdle()]);
    expect(seen).toHaveLength(20);
    expect(new Set(seen.map((s) => s.id)).size).toBe(20);
    expect(seen.every((s) => s.attempt === 1)).toBe(true);
    const all = await a.list(tenant, k);
    expect(all.filter((j) => j.status === 'Completed')).toHaveLength(20);
    expect(all.find((j) => j.id === later)).toMatchObject({ status: 'Queued', attempt: 0 });
    clock.advance(60_000);
    expect(await a.runUntilIdle()).toBe(1);
    expect(await a.get(tenant, later)).toMatchObject({ status: 'Completed', attempt: 1, result: { by: 'a' } });
  });

  it('an expired lease is claimable again; the old holder\'s outcome is fenced off by attempt', async () => {
    const clock = manualClock(T0);
    const a = setup({ clock, owner: 'a', leaseMs: 10_000 }).jobs;
    const b = setup({ clock, owner: 'b', leaseMs: 10_000 }).jobs;
    const k = kind();
    const stuck = deferred();
    const started = deferred();
    a.register(k, async () => { started.resolve(); await stuck.promise; return { by: 'a' }; });
    b.register(k, async (job) => ({ by: 'b', attempt: job.attempt }));
    const id = await a.enqueue(database.db, SYSTEM_TENANT, k);
    const first = a.tick();
    await started.promise;
    expect(await a.get(SYSTEM_TENANT, id)).toMatchObject({ status: 'Processing', attempt: 1, leaseOwner: 'a' });
    expect(await b.tick(), 'a live lease is not claimable').toBe(0);
    clock.advance(10_001);
    expect(await b.tick()).toBe(1);
    expect(await a.get(SYSTEM_TENANT, id)).toMatchObject({ status: 'Completed', attempt: 2, result: { by: 'b', attempt: 2 } });
    stuck.resolve();
    await first;
    // a's late outcome (attempt 1) recorded nothing
    expect(await a.get(SYSTEM_TENANT, id)).toMatchObject({ status: 'Completed', attempt: 2, result: { by: 'b', attempt: 2 } });
  });

  it('a lease that runs out on the last attempt ends the job as Interrupted', async () => {
    const clock = manualClock(T0);
    const a = setup({ clock, owner: 'a', leaseMs: 5_000 }).jobs;
    const k = kind();
    const stuck = deferred();
    a.register(k, async () => { await stuck.promise; return null; }, { maxAttempts: 1 });
    const id = await a.enqueue(database.db, SYSTEM_TENANT, k);
    const first = a.tick();
    await new Promise((r) => setTimeout(r, 50));
    clock.advance(5_001);
    const b = setup({ clock, owner: 'b', leaseMs: 5_000 }).jobs;
    const gaveUp: string[] = [];
    b.register(k, async () => null, { maxAttempts: 1, onAbandoned: async (job) => { gaveUp.push(`${job.id}:${job.status}`); } });
    expect(await b.tick()).toBe(0);
    expect(await b.get(SYSTEM_TENANT, id)).toMatchObject({ status: 'Interrupted', attempt: 1, leaseOwner: null });
    // the kind is told once, so what it owns does not read "in progress" forever
    expect(gaveUp).toEqual([`${id}:Interrupted`]);
    expect(await b.tick()).toBe(0);
    expect(gaveUp).toHaveLength(1);
    stuck.resolve();
    await first;
    expect((await b.get(SYSTEM_TENANT, id))!.status).toBe('Interrupted');
  });

  it('jobs waiting their turn in a batch keep their leases: another worker never takes them over from a live one', async () => {
    const clock = manualClock(T0);
    const a = setup({ clock, owner: 'a', leaseMs: 3_000 }).jobs;
    const b = setup({ clock, owner: 'b', leaseMs: 3_000 }).jobs;
    const k = kind();
    const first = deferred();
    const ran: string[] = [];
    a.register(k, async (job) => { ran.push(`a:${String(job.payload.n)}`); if (job.payload.n === 1) await first.promise; return null; });
    b.register(k, async (job) => { ran.push(`b:${String(job.payload.n)}`); return null; });
    await a.enqueue(database.db, SYSTEM_TENANT, k, { n: 1 });
    await a.enqueue(database.db, SYSTEM_TENANT, k, { n: 2 });
    const tick = a.tick(); // claims both; works one at a time (concurrency 1), so job 2 waits its turn
    clock.advance(2_000);
    await new Promise((r) => setTimeout(r, 1_200)); // a renews its leases every second (a third of 3 s): to now + 3 s
    clock.advance(1_500); // past the leases of the claim, not past the renewed ones
    expect(await b.tick(), 'nothing lapsed').toBe(0);
    first.resolve();
    expect(await tick).toBe(2);
    expect(ran).toEqual(['a:1', 'a:2']);
  });

  it('workNow works a Queued job in this process and answers within its wait; one claimed elsewhere is waited for', async () => {
    const { jobs } = setup({ owner: 'now' });
    const k = kind();
    const slow = deferred();
    jobs.register(k, async (job) => { if (job.payload.slow) await slow.promise; return { n: job.payload.n }; });
    const quick = await jobs.enqueue(database.db, SYSTEM_TENANT, k, { n: 1 });
    expect(await jobs.workNow(SYSTEM_TENANT, quick, 5_000)).toMatchObject({ status: 'Completed', attempt: 1, leaseOwner: null, result: { n: 1 } });
    // past its wait the answer is the job still running here; it finishes in the background
    const long = await jobs.enqueue(database.db, SYSTEM_TENANT, k, { n: 2, slow: true });
    expect(await jobs.workNow(SYSTEM_TENANT, long, 50)).toMatchObject({ status: 'Processing', attempt: 1, leaseOwner: 'now' });
    // a second call finds it claimed, and waits for it (here: until its wait runs out)
    expect(await jobs.workNow(SYSTEM_TENANT, long, 50)).toMatchObject({ status: 'Processing', attempt: 1 });
    const waiting = jobs.workNow(SYSTEM_TENANT, long, 5_000);
    slow.resolve();
    expect(await waiting).toMatchObject({ status: 'Completed', attempt: 1, result: { n: 2 } });
    // stop() waits for work started by workNow
    const again = await jobs.enqueue(database.db, SYSTEM_TENANT, k, { n: 3 });
    await jobs.workNow(SYSTEM_TENANT, again, 0);
    await jobs.stop();
    expect(await jobs.get(SYSTEM_TENANT, again)).toMatchObject({ status: 'Completed', result: { n: 3 } });
  });

  it('a failing job retries with exponential backoff, then fails for good', async () => {
    const { clock, jobs } = setup();
    const k = kind();
    let calls = 0;
    const gaveUp: string[] = [];
    jobs.register(k, async (job) => { calls++; if (job.payload.succeedOn !== job.attempt) throw new Error(`attempt ${job.attempt} broke`); return { ok: job.attempt }; }, { maxAttempts: 3, onAbandoned: async (job) => { gaveUp.push(`${job.id}:${job.status}:${job.lastError}`); } });
    const ok = await jobs.enqueue(database.db, SYSTEM_TENANT, k, { succeedOn: 3 });
    expect(await jobs.tick()).toBe(1);
    expect(await jobs.get(SYSTEM_TENANT, ok)).toMatchObject({ status: 'Queued', attempt: 1, lastError: 'Error: attempt 1 broke', runAt: new Date(clock.now().getTime() + 1000) });
    expect(await jobs.tick(), 'not before its backoff').toBe(0);
    clock.advance(1000);
    expect(await jobs.tick()).toBe(1);
    expect(await jobs.get(SYSTEM_TENANT, ok)).toMatchObject({ status: 'Queued', attempt: 2, runAt: new Date(clock.now().getTime() + 2000) });
    clock.advance(1999);
    expect(await jobs.tick()).toBe(0);
    clock.advance(1);
    expect(await jobs.tick()).toBe(1);
    expect(await jobs.get(SYSTEM_TENANT, ok)).toMatchObject({ status: 'Completed', attempt: 3, result: { ok: 3 } });
    const bad = await jobs.enqueue(database.db, SYSTEM_TENANT, k, { succeedOn: 9 });
    for (let i = 0; i < 3; i++) { await jobs.tick(); clock.advance(60_000); }
    expect(await jobs.get(SYSTEM_TENANT, bad)).toMatchObject({ status: 'Failed', attempt: 3, lastError: 'Error: attempt 3 broke', leaseOwner: null });
    expect(gaveUp, 'told once, when it failed for good').toEqual([`${bad}:Failed:Error: attempt 3 broke`]);
    expect(await jobs.tick()).toBe(0);
    expect(calls).toBe(6);
  });

  it('a tick for one tenant fires and works that tenant\'s schedules and jobs only; another tenant\'s older backlog waits', async () => {
    const { jobs } = setup();
    const [k, scheduled] = [kind(), kind()];
    const [mine, theirs] = [randomUUID(), randomUUID()];
    const ran: string[] = [];
    for (const x of [k, scheduled]) jobs.register(x, async (job) => { ran.push(job.tenantId); return null; });
    await jobs.enqueueMany(database.db, Array.from({ length: 20 }, () => ({ tenantId: theirs, kind: k })));
    await jobs.enqueueMany(database.db, Array.from({ length: 3 }, () => ({ tenantId: mine, kind: k })));
    await jobs.schedule(database.db, [theirs, mine].map((tenantId) => ({ tenantId, kind: scheduled, cadence: { everySeconds: 60 } })));
    expect(await jobs.runUntilIdle({ tenantId: mine })).toBe(4);
    expect(ran).toEqual(Array(4).fill(mine));
    expect((await jobs.list(theirs, k)).map((j) => j.status)).toEqual(Array(20).fill('Queued'));
    expect((await jobs.getSchedule(theirs, scheduled))!.lastRunAt).toBeNull();
    expect(await jobs.runUntilIdle()).toBe(21);
  });

  it('a canceled job never runs', async () => {
    const { jobs } = setup();
    const k = kind();
    let ran = 0;
    jobs.register(k, async () => { ran++; return null; });
    const id = await jobs.enqueue(database.db, SYSTEM_TENANT, k);
    expect(await jobs.cancel(SYSTEM_TENANT, id)).toBe(true);
    expect(await jobs.runUntilIdle()).toBe(0);
    expect(ran).toBe(0);
    expect((await jobs.get(SYSTEM_TENANT, id))!.status).toBe('Canceled');
  });

  it('an interval schedule fires on its grid; missed periods catch up with one job that counts them', async () => {
    const { clock, jobs } = setup();
    const k = kind();
    const tenant = randomUUID();
    const runs: unknown[] = [];
    jobs.register(k, async (job) => { runs.push(job.payload); return null; });
    await jobs.schedule(database.db, [{ tenantId: tenant, kind: k, cadence: { everySeconds: 60 }, payload: { x: 1 } }]);
    await jobs.runUntilIdle();
    expect(runs).toEqual([{ x: 1, scheduledAt: T0, periods: 1 }]);
    clock.advance(30_000);
    await jobs.runUntilIdle();
    expect(runs).toHaveLength(1);
    clock.advance(30_000);
    await jobs.runUntilIdle();
    expect(runs.at(-1)).toEqual({ x: 1, scheduledAt: '2025-03-01T10:01:00.000Z', periods: 1 });
    // down for ten minutes and a bit: one job for the ten periods it missed, and the grid holds
    clock.set('2025-03-01T10:11:30.000Z');
    await jobs.runUntilIdle();
    expect(runs).toHaveLength(3);
    expect(runs.at(-1)).toEqual({ x: 1, scheduledAt: '2025-03-01T10:02:00.000Z', periods: 10 });
    expect((await jobs.getSchedule(tenant, k))!.nextRunAt).toEqual(new Date('2025-03-01T10:12:00.000Z'));
    // re-declaring the same schedule keeps its next run
    await jobs.schedule(database.db, [{ tenantId: tenant, kind: k, cadence: { everySeconds: 60 }, payload: { x: 1 } }]);
    expect((await jobs.getSchedule(tenant, k))!.nextRunAt).toEqual(new Date('2025-03-01T10:12:00.000Z'));
  });

  it('a schedule never piles up jobs behind one still waiting', async () => {
    const clock = manualClock(T0);
    const k = kind();
    const tenant = randomUUID();
    // a process that fires schedules for this kind but whose handler waits for its retry
    const { jobs } = setup({ clock });
    let fail = true;
    jobs.register(k, async () => { if (fail) throw new Error('down'); return null; }, { backoff: () => 3600_000 });
    await jobs.schedule(database.db, [{ tenantId: tenant, kind: k, cadence: { everySeconds: 60 } }]);
    await jobs.tick();
    for (let i = 0; i < 5; i++) { clock.advance(60_000); await jobs.tick(); }
    expect((await jobs.list(tenant, k)).map((j) => j.status)).toEqual(['Queued']);
    fail = false;
    clock.advance(3600_000);
    // the waiting job covers the firing that came due meanwhile
    await jobs.runUntilIdle();
    expect((await jobs.list(tenant, k)).map((j) => j.status)).toEqual(['Completed']);
    clock.advance(60_000);
    await jobs.runUntilIdle();
    expect((await jobs.list(tenant, k)).map((j) => j.status)).toEqual(['Completed', 'Completed']);
  });

  it('a daily schedule fires at midnight in its zone, across a DST change; days missed catch up as one job', async () => {
    const clock = manualClock('2024-03-09T12:00:00Z');
    const { jobs } = setup({ clock });
    const k = kind();
    const tenant = randomUUID();
    const runs: Record<string, unknown>[] = [];
    jobs.register(k, async (job) => { runs.push(job.payload); return null; });
    await jobs.schedule(database.db, [{ tenantId: tenant, kind: k, cadence: { dailyAtMidnight: 'America/New_York' } }]);
    expect((await jobs.getSchedule(tenant, k))!.nextRunAt).toEqual(new Date('2024-03-10T05:00:00Z'));
    await jobs.runUntilIdle();
    expect(runs).toEqual([]);
    clock.set('2024-03-10T05:00:01Z');
    await jobs.runUntilIdle();
    expect(runs).toEqual([{ scheduledAt: '2024-03-10T05:00:00.000Z', periods: 1 }]);
    // clocks went forward that night: the next midnight is 04:00 UTC
    expect((await jobs.getSchedule(tenant, k))!.nextRunAt).toEqual(new Date('2024-03-11T04:00:00Z'));
    clock.set('2024-03-13T09:00:00Z');
    await jobs.runUntilIdle();
    expect(runs.at(-1)).toEqual({ scheduledAt: '2024-03-11T04:00:00.000Z', periods: 3 });
    expect((await jobs.getSchedule(tenant, k))!.nextRunAt).toEqual(new Date('2024-03-14T04:00:00Z'));
  });
});

describe('cadence (pure)', () => {
  it('counts the periods passed and stays on the grid', () => {
    expect(advance({ everySeconds: 60 }, new Date(T0), new Date(T0))).toEqual({ next: new Date('2025-03-01T10:01:00.000Z'), periods: 1 });
    expect(advance({ everySeconds: 60 }, new Date(T0), new Date('2025-03-01T10:01:00.000Z'))).toEqual({ next: new Date('2025-03-01T10:02:00.000Z'), periods: 2 });
    expect(nextMidnight(new Date('2024-11-03T03:59:59Z'), 'America/New_York')).toEqual(new Date('2024-11-03T04:00:00Z'));
    expect(nextMidnight(new Date('2024-11-03T04:00:00Z'), 'America/New_York')).toEqual(new Date('2024-11-04T05:00:00Z'));
    expect(nextMidnight(new Date('2024-01-01T00:00:00Z'), 'Asia/Kolkata')).toEqual(new Date('2024-01-01T18:30:00Z'));
    expect(daysCrossed('2024-02-27', '2024-03-01')).toEqual(['2024-02-28', '2024-02-29', '2024-03-01']);
    expect(daysCrossed('2024-03-01', '2024-03-01')).toEqual([]);
  });
});
