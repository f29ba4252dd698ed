import { sql } from 'kysely';
import type { Db } from '../db/connect.js';
import type { Tx } from '../db/transaction.js';
import type { Row } from '../db/schema.js';
import type { Cadence, Job, JobSchedule, NewJob } from './model.js';

// All SQL of the jobs and job_schedules tables. Every write that records a job's outcome names
// the attempt that claimed it (fencing): a worker whose lease ran out and was re-claimed writes nothing.
type Q = Db | Tx;

type JobRow = Row<'jobs'>;

const toJob = (r: JobRow): Job => ({
  tenantId: r.tenant_id, id: r.id, kind: r.kind, payload: (r.payload ?? {}) as Record<string, unknown>, status: r.status, runAt: r.run_at, attempt: r.attempt, maxAttempts: r.max_attempts,
  leaseOwner: r.lease_owner, leaseUntil: r.lease_until, lastError: r.last_error, result: r.result, scheduleId: r.schedule_id,
  createdAt: r.created_at, updatedAt: r.updated_at, finishedAt: r.finished_at,
});

type ScheduleRow = Row<'job_schedules'>;

const toSchedule = (r: ScheduleRow): JobSchedule => ({
  tenantId: r.tenant_id, id: r.id, kind: r.kind, payload: (r.payload ?? {}) as Record<string, unknown>, nextRunAt: r.next_run_at, lastRunAt: r.last_run_at,
  cadence: r.every_seconds !== null ? { everySeconds: r.every_seconds } : { dailyAtMidnight: r.time_zone! },
});

/** Inserts jobs (one statement); with `unlessQueued`, skips a tenant's kind that already has a job waiting. Returns the ids written. */
export async function insertJobs(db: Q, jobs: readonly NewJob[], now: Date, opts: { unlessQueued?: boolean } = {}): Promise<string[]> {
  if (jobs.length === 0) return [];
  const values = jobs.map((j) => sql`(${j.tenantId}::uuid, ${j.kind}, ${JSON.stringify(j.payload ?? {})}::jsonb, ${j.runAt}::timestamptz, ${j.maxAttempts ?? 5}::int, ${j.scheduleId ?? null}::uuid)`);
  const guard = opts.unlessQueued
    ? sql`where not exists (select 1 from jobs q where q.tenant_id = v.tenant_id and q.kind = v.kind and q.status = 'Queued')` : sql``;
  const r = await sql<{ id: string }>`insert into jobs (tenant_id, kind, payload, run_at, max_attempts, schedule_id, created_at, updated_at)
    select v.tenant_id, v.kind, v.payload, v.run_at, v.max_attempts, v.schedule_id, ${now}::timestamptz, ${now}::timestamptz
    from (values ${sql.join(values)}) as v (tenant_id, kind, payload, run_at, max_attempts, schedule_id) ${guard}
    returning id`.execute(db);
  return r.rows.map((x) => x.id);
}

/** `and tenant_id = …` when a claim or a schedule firing works one tenant's queue only; nothing otherwise. */
const tenantOnly = (tenantId: string | undefined) => (tenantId === undefined ? sql`` : sql`and tenant_id = ${tenantId}::uuid`);

interface ClaimBy { owner: string; now: Date; leaseUntil: Date }

/** Claims the rows `which` selects (at most `limit`, locked rows skipped): Processing, attempt + 1, leased to `owner`. */
const takeClaims = async (tx: Tx, which: ReturnType<typeof sql>, limit: number, i: ClaimBy): Promise<Job[]> => (limit <= 0 ? [] : (await sql<JobRow>`with c as (${which} limit ${limit} for update skip locked)
    update jobs j set status = 'Processing', attempt = j.attempt + 1, lease_owner = ${i.owner}, lease_until = ${i.leaseUntil}::timestamptz, updated_at = ${i.now}::timestamptz
    from c where j.tenant_id = c.tenant_id and j.id = c.id returning j.*`.execute(tx)).rows.map(toJob));

/** Claims one job by id while it is still Queued (its time come, its kind one of these); undefined when another claimed it first or it is not ready. */
export async function claimOne(tx: Tx, i: ClaimBy & { tenantId: string; id: string; kinds: readonly string[] }): Promise<Job | undefined> {
  const [job] = await takeClaims(tx, sql`select tenant_id, id from jobs where tenant_id = ${i.tenantId}::uuid and id = ${i.id}::uuid and status = 'Queued'
    and run_at <= ${i.now}::timestamptz and kind = any(${[...i.kinds]}::text[])`, 1, i);
  return job;
}

/**
 * Ends every lease now (`Processing` rows become claimable again at once): for a process that alone
 * uses its database (the embedded engine locks its data directory), whose earlier claims are a dead
 * process's. Returns how many.
 */
export async function expireLeases(db: Q, now: Date): Promise<number> {
  const r = await sql`update jobs set lease_until = ${now}::timestamptz where status = 'Processing' and lease_until > ${now}::timestamptz`.execute(db);
  return Number(r.numAffectedRows ?? 0);
}

/**
 * Claims up to `limit` jobs of these kinds, in the caller's (short) transaction: leases that ran
 * out first, then queued jobs whose time has come, oldest first. Each claim increments `attempt`
 * and sets the lease. A lease that ran out on the job's last attempt ends it as Interrupted (returned
 * as `abandoned`, for the kind's `onAbandoned`).
 * With `tenantId`, only that tenant's jobs.
 */
export async function claim(tx: Tx, i: { kinds: readonly string[]; owner: string; now: Date; leaseUntil: Date; limit: number; tenantId?: string | undefined }): Promise<{ claimed: Job[]; abandoned: Job[] }> {
  const kinds = [...i.kinds];
  const ofTenant = tenantOnly(i.tenantId);
  const abandoned = await sql<JobRow>`with lapsed as (select tenant_id, id from jobs where status = 'Processing' and lease_until < ${i.now}::timestamptz
      and attempt >= max_attempts and kind = any(${kinds}::text[]) ${ofTenant} for update skip locked)
    update jobs j set status = 'Interrupted', lease_owner = null, lease_until = null, finished_at = ${i.now}::timestamptz, updated_at = ${i.now}::timestamptz,
      last_error = coalesce(j.last_error, 'the lease of its last attempt ran out')
    from lapsed where j.tenant_id = lapsed.tenant_id and j.id = lapsed.id returning j.*`.execute(tx);
  const take = (which: ReturnType<typeof sql>, limit: number) => takeClaims(tx, which, limit, i);
  const lapsed = await take(sql`select tenant_id, id from jobs where status = 'Processing' and lease_until < ${i.now}::timestamptz and attempt < max_attempts
    and kind = any(${kinds}::text[]) ${ofTenant} order by lease_until`, i.limit);
  const ready = await take(sql`select tenant_id, id from jobs where status = 'Queued' and run_at <= ${i.now}::timestamptz
    and kind = any(${kinds}::text[]) ${ofTenant} order by run_at`, i.limit - lapsed.length);
  return { claimed: [...lapsed, ...ready], abandoned: abandoned.rows.map(toJob) };
}

const fence = (job: Pick<Job, 'tenantId' | 'id' | 'attempt'>) =>
  sql`tenant_id = ${job.tenantId} and id = ${job.id} and attempt = ${job.attempt} and status = 'Processing'`;

/** Moves the lease of the attempt that holds it; false when the attempt lost it. */
export async function extendLease(db: Q, job: Pick<Job, 'tenantId' | 'id' | 'attempt'>, until: Date): Promise<boolean> {
  const r = await sql`update jobs set lease_until = ${until}::timestamptz where ${fence(job)}`.execute(db);
  return Number(r.numAffectedRows ?? 0) > 0;
}

/** Records the attempt's outcome (Completed with a result, Queued again for a retry, Failed); false when it lost the lease. */
export async function finish(db: Q, job: Pick<Job, 'tenantId' | 'id' | 'attempt'>, now: Date,
  o: { status: 'Completed'; result: unknown } | { status: 'Queued'; runAt: Date; error: string } | { status: 'Failed'; error: string }): Promise<boolean> {
  const set = o.status === 'Completed'
    ? sql`status = 'Completed', result = ${JSON.stringify(o.result ?? null)}::jsonb, finished_at = ${now}::timestamptz`
    : o.status === 'Queued'
      ? sql`status = 'Queued', run_at = ${o.runAt}::timestamptz, last_error = ${o.error}`
      : sql`status = 'Failed', last_error = ${o.error}, finished_at = ${now}::timestamptz`;
  const r = await sql`update jobs set ${set}, lease_owner = null, lease_until = null, updated_at = ${now}::timestamptz where ${fence(job)}`.execute(db);
  return Number(r.numAffectedRows ?? 0) > 0;
}

/** Cancels a job that has not started (Queued); false otherwise. */
export async function cancel(db: Q, tenantId: string, id: string, now: Date): Promise<boolean> {
  const r = await sql`update jobs set status = 'Canceled', finished_at = ${now}::timestamptz, updated_at = ${now}::timestamptz
    where tenant_id = ${tenantId} and id = ${id} and status = 'Queued'`.execute(db);
  return Number(r.numAffectedRows ?? 0) > 0;
}

export async function getJob(db: Q, tenantId: string, id: string): Promise<Job | undefined> {
  const r = await sql<JobRow>`select * from jobs where tenant_id = ${tenantId} and id = ${id}`.execute(db);
  return r.rows[0] && toJob(r.rows[0]);
}

export async function listJobs(db: Q, tenantId: string, kind: string): Promise<Job[]> {
  const r = await sql<JobRow>`select * from jobs where tenant_id = ${tenantId} and kind = ${kind} order by created_at, run_at, id`.execute(db);
  return r.rows.map(toJob);
}

/** Deletes finished jobs (Completed, Canceled) last touched before `before`; Failed and Interrupted stay for inspection. */
export async function purgeFinished(db: Q, before: Date): Promise<number> {
  const r = await sql`delete from jobs where status in ('Completed', 'Canceled') and updated_at < ${before}::timestamptz`.execute(db);
  return Number(r.numAffectedRows ?? 0);
}

/**
 * Creates or updates schedules by (tenant, kind). A schedule whose cadence is unchanged keeps its
 * next run; a new or changed one starts at `firstRunAt`.
 */
export async function upsertSchedules(db: Q, rows: readonly { tenantId: string; kind: string; payload: Record<string, unknown>; cadence: Cadence; firstRunAt: Date }[], now: Date): Promise<void> {
  if (rows.length === 0) return;
  const values = rows.map((s) => sql`(${s.tenantId}::uuid, ${s.kind}, ${JSON.stringify(s.payload)}::jsonb,
    ${'everySeconds' in s.cadence ? s.cadence.everySeconds : null}::int, ${'dailyAtMidnight' in s.cadence ? s.cadence.dailyAtMidnight : null}::text, ${s.firstRunAt}::timestamptz)`);
  await sql`insert into job_schedules as s (tenant_id, kind, payload, every_seconds, time_zone, next_run_at, created_at)
    select v.tenant_id, v.kind, v.payload, v.every_seconds, v.time_zone, v.next_run_at, ${now}::timestamptz
    from (values ${sql.join(values)}) as v (tenant_id, kind, payload, every_seconds, time_zone, next_run_at)
    on conflict (tenant_id, kind) do update set payload = excluded.payload, every_seconds = excluded.every_seconds, time_zone = excluded.time_zone,
      next_run_at = case when s.every_seconds is not distinct from excluded.every_seconds and s.time_zone is not distinct from excluded.time_zone
        then s.next_run_at else excluded.next_run_at end
    where s.payload <> excluded.payload or s.every_seconds is distinct from excluded.every_seconds or s.time_zone is distinct from excluded.time_zone`.execute(db);
}

export async function deleteSchedule(db: Q, tenantId: string, kind: string): Promise<void> {
  await sql`delete from job_schedules where tenant_id = ${tenantId} and kind = ${kind}`.execute(db);
}

export async function getSchedule(db: Q, tenantId: string, kind: string): Promise<JobSchedule | undefined> {
  const r = await sql<ScheduleRow>`select * from job_schedules where tenant_id = ${tenantId} and kind = ${kind}`.execute(db);
  return r.rows[0] && toSchedule(r.rows[0]);
}

/** Schedules of these kinds whose next run has come (with `tenantId`, that tenant's only), locked for the caller's transaction (others skip them). */
export async function dueSchedules(tx: Tx, kinds: readonly string[], now: Date, limit: number, tenantId?: string): Promise<JobSchedule[]> {
  const r = await sql<ScheduleRow>`select * from job_schedules where next_run_at <= ${now}::timestamptz and kind = any(${[...kinds]}::text[])
    ${tenantOnly(tenantId)} order by next_run_at limit ${limit} for update skip locked`.execute(tx);
  return r.rows.map(toSchedule);
}

export async function advanceSchedule(tx: Tx, s: Pick<JobSchedule, 'tenantId' | 'id'>, next: Date, now: Date): Promise<void> {
  await sql`update job_schedules set next_run_at = ${next}::timestamptz, last_run_at = ${now}::timestamptz where tenant_id = ${s.tenantId} and id = ${s.id}`.execute(tx);
}
