import { randomUUID } from 'node:crypto';
import { hostname } from 'node:os';
import type { Clock } from '../core/clock.js';
import type { Db } from '../db/connect.js';
import { inTransaction, type Tx } from '../db/transaction.js';
import { advance, backoffMs, firstRun } from './cadence.js';
import type { Cadence, HandlerOptions, Job, JobHandler, JobSchedule, JobStatus, WorkQueue } from './model.js';
import * as store from './store.js';

// The one background runtime (README.md): jobs enqueued in their caller's transaction, claimed by
// state in short transactions, worked outside any transaction, their outcome fenced by attempt.

export interface JobsOptions {
  db: Db;
  clock: Clock;
  /** Names this process's claims (lease_owner). */
  owner?: string;
  /** How long a claim is this worker's; a running job's lease is renewed every third of it. */
  leaseMs?: number;
  /** How long the loop sleeps when nothing was ready. */
  pollMs?: number;
  /** Jobs claimed at once, and how many of them run at a time (the embedded engine: 1). */
  batch?: number;
  concurrency?: number;
  log?: { warn(obj: object, msg: string): void; error(obj: object, msg: string): void };
}

export type Jobs = ReturnType<typeof createJobs>;

/**
 * Whose queue a tick works: every tenant's (the loop), or with `tenantId` one tenant's — its due
 * schedules and its jobs. A caller that must see its own tenant's work done (tests, above all)
 * names it: the queue is shared, and another tenant's backlog (a sandbox whose test clock moved
 * five years has 1,800 day-boundary jobs queued) is not its to work nor to wait for.
 */
export interface TickScope { tenantId?: string | undefined }

const FINAL = new Set<JobStatus>(['Completed', 'Failed', 'Interrupted', 'Canceled']);

/** Resolves after `ms` without keeping the process alive. */
const pause = (ms: number) => new Promise<void>((resolve) => { setTimeout(resolve, ms).unref?.(); });

const message = (e: unknown) => (e instanceof Error ? `${e.name}: ${e.message}` : String(e)).slice(0, 2000);

export function createJobs(o: JobsOptions) {
  const { db, clock } = o;
  const owner = o.owner ?? `${hostname()}:${process.pid}:${randomUUID().slice(0, 8)}`;
  const leaseMs = o.leaseMs ?? 60_000;
  const pollMs = o.pollMs ?? 1000;
  const batch = Math.max(1, o.batch ?? 16);
  const concurrency = Math.max(1, o.concurrency ?? 1);
  const handlers = new Map<string, { handler: JobHandler; options: HandlerOptions }>();
  const inFlight = new Set<Promise<void>>();
  /** Work `workNow` started in the background (runUntilIdle and stop wait for it). */
  const started = new Set<Promise<void>>();
  let running = false;
  let wake: (() => void) | undefined;
  let loop: Promise<void> | undefined;

  const maxAttemptsOf = (kind: string) => handlers.get(kind)?.options.maxAttempts ?? 5;
  const now = () => clock.now();

  /** Fires the due schedules of registered kinds: one job each (unless one is still waiting), next run moved past now. */
  async function fireSchedules(scope: TickScope): Promise<number> {
    const kinds = [...handlers.keys()];
    if (kinds.length === 0) return 0;
    return inTransaction(db, async (tx) => {
      const at = now();
      const due = await store.dueSchedules(tx, kinds, at, 100, scope.tenantId);
      for (const s of due) {
        const { next, periods } = advance(s.cadence, s.nextRunAt, at);
        await store.insertJobs(tx, [{
          tenantId: s.tenantId, kind: s.kind, runAt: at, scheduleId: s.id, maxAttempts: maxAttemptsOf(s.kind),
          payload: { ...s.payload, scheduledAt: s.nextRunAt.toISOString(), periods },
        }], at, { unlessQueued: true });
        await store.advanceSchedule(tx, s, next, at);
      }
      return due.length;
    });
  }

  /** The kind's last word on a job that ended without completing (Failed, or Interrupted when its last lease ran out). */
  async function abandoned(job: Job): Promise<void> {
    const hook = handlers.get(job.kind)?.options.onAbandoned;
    if (hook) await hook(job).catch((err: unknown) => o.log?.error({ err, jobId: job.id, kind: job.kind }, 'onAbandoned failed'));
  }

  /** Keeps the leases of claimed jobs while they run or wait their turn in a batch; returns the stop. */
  function renewLeases(claimed: readonly Job[], pending: Set<Job>): () => void {
    const beat = setInterval(() => {
      for (const job of claimed) {
        if (!pending.has(job)) continue;
        store.extendLease(db, job, new Date(now().getTime() + leaseMs))
          .catch((err: unknown) => o.log?.warn({ err, jobId: job.id }, 'job lease renewal failed'));
      }
    }, Math.max(10, Math.floor(leaseMs / 3)));
    beat.unref?.();
    return () => clearInterval(beat);
  }

  async function runOne(job: Job): Promise<void> {
    const entry = handlers.get(job.kind)!;
    let outcome: Parameters<typeof store.finish>[3];
    try {
      outcome = { status: 'Completed', result: (await entry.handler(job)) ?? null };
    } catch (e) {
      const error = message(e);
      outcome = job.attempt >= job.maxAttempts
        ? { status: 'Failed', error }
        : { status: 'Queued', error, runAt: new Date(now().getTime() + (entry.options.backoff ?? backoffMs)(job.attempt)) };
      o.log?.warn({ err: e, jobId: job.id, kind: job.kind, attempt: job.attempt }, `job ${outcome.status === 'Failed' ? 'failed' : 'will retry'}`);
    }
    if (!await store.finish(db, job, now(), outcome)) o.log?.warn({ jobId: job.id, kind: job.kind, attempt: job.attempt }, 'job lease lost: its outcome was not recorded');
    else if (outcome.status === 'Failed') await abandoned({ ...job, status: 'Failed', lastError: outcome.error });
  }

  /** Works claimed jobs, `concurrency` at a time; every claim's lease is renewed until its job is done (waiting ones too). */
  async function workClaimed(claimed: readonly Job[]): Promise<void> {
    const pending = new Set(claimed);
    const stop = renewLeases(claimed, pending);
    let next = 0;
    try {
      await Promise.all(Array.from({ length: Math.min(concurrency, claimed.length) }, async () => {
        while (next < claimed.length) {
          const job = claimed[next++]!;
          await runOne(job).catch((err: unknown) => o.log?.error({ err, jobId: job.id }, 'job outcome not recorded'));
          pending.delete(job);
        }
      }));
    } finally {
      stop();
    }
  }

  /** Claims one batch and works it; returns how many were claimed. */
  async function workBatch(scope: TickScope): Promise<number> {
    const kinds = [...handlers.keys()];
    if (kinds.length === 0) return 0;
    const { claimed, abandoned: lapsed } = await inTransaction(db, (tx) => {
      const at = now();
      return store.claim(tx, { kinds, owner, now: at, leaseUntil: new Date(at.getTime() + leaseMs), limit: batch, tenantId: scope.tenantId });
    });
    for (const job of lapsed) await abandoned(job);
    await workClaimed(claimed);
    return claimed.length;
  }

  /** One round: fire due schedules, then claim and work a batch (of the scope's tenant only, when it names one). Returns the jobs worked. */
  async function tick(scope: TickScope = {}): Promise<number> {
    await fireSchedules(scope);
    return workBatch(scope);
  }

  /**
   * Works a job now, in this process, while it is still Queued (claimed by id, with the loop's lease
   * and fence), or lets whoever claimed it first work it; waits at most `waitMs` and returns the job
   * as it then stands. A request that enqueued long work answers with the outcome when the work is
   * quick, and with the job still running (in the background, here) when it is not. A process that
   * dies leaves the claim to expire, and the loop's next claim works it again.
   */
  async function workNow(tenantId: string, id: string, waitMs: number): Promise<Job | undefined> {
    const asked = performance.now(); // elapsed time, not a business clock
    const claimed = await inTransaction(db, (tx) => {
      const at = now();
      return store.claimOne(tx, { tenantId, id, kinds: [...handlers.keys()], owner, now: at, leaseUntil: new Date(at.getTime() + leaseMs) });
    });
    if (claimed) {
      const work = workClaimed([claimed]);
      started.add(work);
      void work.finally(() => started.delete(work));
      await Promise.race([work, pause(waitMs)]);
    } else {
      for (;;) {
        const job = await store.getJob(db, tenantId, id);
        const left = waitMs - (performance.now() - asked);
        if (!job || FINAL.has(job.status) || left <= 0) return job;
        await pause(Math.min(50, left));
      }
    }
    return store.getJob(db, tenantId, id);
  }

  return {
    owner,

    /** Registers the work of a kind. A process claims only kinds it registered. */
    register(kind: string, handler: JobHandler, options: HandlerOptions = {}): void {
      handlers.set(kind, { handler, options });
    },

    /** Enqueues a job in the caller's transaction: it exists only if that transaction commits. */
    async enqueue(tx: Tx | Db, tenantId: string, kind: string, payload: Record<string, unknown> = {}, runAt: Date = now()): Promise<string> {
      const [id] = await store.insertJobs(tx, [{ tenantId, kind, payload, runAt, maxAttempts: maxAttemptsOf(kind) }], now());
      return id!;
    },

    /** Enqueues many jobs in one statement (the test clock's day boundaries, fan-outs); `unlessQueued` skips a tenant's kind already waiting. */
    async enqueueMany(tx: Tx | Db, jobs: readonly { tenantId: string; kind: string; payload?: Record<string, unknown>; runAt?: Date }[], opts: { unlessQueued?: boolean } = {}): Promise<string[]> {
      const at = now();
      return store.insertJobs(tx, jobs.map((j) => ({ ...j, runAt: j.runAt ?? at, maxAttempts: maxAttemptsOf(j.kind) })), at, opts);
    },

    /** Creates or updates recurring schedules by (tenant, kind); an unchanged cadence keeps its next run. */
    async schedule(q: Tx | Db, rows: readonly { tenantId: string; kind: string; cadence: Cadence; payload?: Record<string, unknown> }[]): Promise<void> {
      const at = now();
      await store.upsertSchedules(q, rows.map((r) => ({ ...r, payload: r.payload ?? {}, firstRunAt: firstRun(r.cadence, at) })), at);
    },

    unschedule: (q: Tx | Db, tenantId: string, kind: string) => store.deleteSchedule(q, tenantId, kind),
    getSchedule: (tenantId: string, kind: string): Promise<JobSchedule | undefined> => store.getSchedule(db, tenantId, kind),
    get: (tenantId: string, id: string) => store.getJob(db, tenantId, id),
    list: (tenantId: string, kind: string) => store.listJobs(db, tenantId, kind),
    cancel: (tenantId: string, id: string) => store.cancel(db, tenantId, id, now()),
    purgeFinished: (before: Date) => store.purgeFinished(db, before),

    tick,

    workNow,

    /** The queue of one kind, for a domain that enqueues long work a request accepted (`WorkQueue`). */
    queueOf<P extends object>(kind: string): WorkQueue<P> {
      return {
        enqueue: async (tx, tenantId, payload) => (await store.insertJobs(tx, [{ tenantId, kind, payload: { ...payload } as Record<string, unknown>, runAt: now(), maxAttempts: maxAttemptsOf(kind) }], now()))[0]!,
        workNow,
      };
    },

    /** At the start of a process that alone uses its database: the claims left by the process before it (dead) are claimable at once. */
    expireLeases: () => store.expireLeases(db, now()),

    /** Ticks until a round claims nothing (tests, and callers that must see queued work done); with `tenantId`, that tenant's queue only. */
    async runUntilIdle(opts: TickScope & { maxRounds?: number } = {}): Promise<number> {
      const maxRounds = opts.maxRounds ?? 1000;
      const scope = { tenantId: opts.tenantId };
      // the work requests started here comes first (never call this from a handler: it would wait for itself)
      await Promise.all(started);
      let total = 0;
      for (let i = 0; i < maxRounds; i++) {
        const n = await tick(scope);
        total += n;
        if (n === 0) return total;
      }
      return total;
    },

    /** Starts the polling loop (the process that runs background work). */
    start(): void {
      if (running) return;
      running = true;
      loop = (async () => {
        while (running) {
          let worked = 0;
          const round = tick().then((n) => { worked = n; }, (err: unknown) => o.log?.error({ err }, 'jobs round failed'));
          inFlight.add(round);
          await round;
          inFlight.delete(round);
          if (!running) break;
          if (worked < batch) await new Promise<void>((resolve) => { const t = setTimeout(resolve, pollMs); t.unref?.(); wake = () => { clearTimeout(t); resolve(); }; });
          wake = undefined;
        }
      })();
    },

    /** Stops the loop and waits for the round in flight (its jobs finish and record their outcome). */
    async stop(): Promise<void> {
      running = false;
      wake?.();
      await loop;
      await Promise.all([...inFlight, ...started]);
    },
  };
}
