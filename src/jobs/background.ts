import type { Actor, Ctx } from '../context.js';
import type { Db } from '../db/connect.js';
import { inTransaction } from '../db/transaction.js';
import { DAY_BOUNDARY } from './day-boundary.js';
import { SYSTEM_TENANT } from './model.js';
import type { Jobs } from './service.js';

// Keel's recurring background work as job kinds and schedules (README.md). The runtime registers
// these in every process (any process may enqueue); only the background process claims them.

export interface BackgroundDeps {
  db: Db;
  jobs: Jobs;
  systemContext(tenantId: string, name: string): Promise<Ctx>;
  tenantZones(): Promise<{ id: string; timeZone: string }[]>;
  /** The tenant's day-boundary work through a day (day-boundary.ts). */
  dayBoundary(ctx: Ctx, day: string): Promise<unknown>;
  sweepIdempotency(db: Db): Promise<unknown>;
  /** Deletes raw usage rows rejected (partial ingest) before that instant. */
  purgeRejectedUsage(db: Db, before: Date): Promise<number>;
  analyze(db: Db): Promise<string[]>;
  billingTenants(db: Db): Promise<string[]>;
  runDueSchedules(ctx: Ctx): Promise<unknown>;
  paymentTenants(db: Db): Promise<string[]>;
  reconcilePending(ctx: Ctx, minAgeSeconds: number): Promise<number>;
  /** Makes an invoice's collection attempt that is due (src/workflows/invoice-collection.ts). */
  collectInvoice(ctx: Ctx, invoiceId: string): Promise<unknown>;
  /** Refunds a correction memo's credit left to the original payment method (`refundCorrections: Refund`). */
  refundCredit(ctx: Ctx, creditMemoId: string): Promise<unknown>;
  /** A context that acts for whoever enqueued the work: its principal, permissions and scope. */
  actorContext(tenantId: string, actor: Actor, name: string): Promise<Ctx>;
  /** A billing run requested over the API (payload: billing's RunJobPayload); `abandoned`: its job gave up, the run reads Interrupted. */
  billingRun: LongWork;
  /** A bulk change job (payload: change orders' BulkJobPayload); `abandoned`: its job gave up, it reads Failed. */
  bulkChange: LongWork;
}

/** Work a request accepted and a job does: its work, and what it leaves when the job gives up. */
export interface LongWork {
  work(ctx: Ctx, payload: Record<string, unknown>): Promise<unknown>;
  abandoned(ctx: Ctx, payload: Record<string, unknown>, lastError: string | null): Promise<unknown>;
}

export const KINDS = {
  sweep: 'idempotency.sweep',
  purgeJobs: 'jobs.purge',
  purgeRejectedUsage: 'usage.purge-rejected',
  analyze: 'db.analyze',
  tenantSchedules: 'jobs.tenant-schedules',
  billingTick: 'billing.scheduler',
  billingRunDue: 'billing.run-due',
  reconcileTick: 'payments.reconciler',
  reconcile: 'payments.reconcile',
  dayBoundary: DAY_BOUNDARY,
  collect: 'billing.collect',
  refundCredit: 'billing.refund-credit',
  billingRun: 'billing.run',
  bulkChange: 'change-orders.bulk',
} as const;

/** Days finished jobs (Completed, Canceled) are kept. */
const KEEP_FINISHED_DAYS = 7;
/** Days raw usage rows a partial ingest rejected are kept (usage.md "Validation"). */
const KEEP_REJECTED_USAGE_DAYS = 14;

export function registerBackgroundWork(d: BackgroundDeps): void {
  const { jobs, db } = d;
  const fanOut = async (kind: string, tenantIds: string[]) => {
    const ids = await inTransaction(db, (tx) => jobs.enqueueMany(tx, tenantIds.map((tenantId) => ({ tenantId, kind })), { unlessQueued: true }));
    return { enqueued: ids.length };
  };
  // idempotency records live 24 hours: swept hourly
  jobs.register(KINDS.sweep, async () => ({ purged: await d.sweepIdempotency(db) }));
  jobs.register(KINDS.purgeJobs, async (job) => ({ purged: await jobs.purgeFinished(new Date(new Date(String(job.payload.scheduledAt ?? job.runAt.toISOString())).getTime() - KEEP_FINISHED_DAYS * 86_400_000)) }));
  // planner statistics of tables that outgrew them (db/maintenance.ts)
  jobs.register(KINDS.purgeRejectedUsage, async (job) => ({ purged: await d.purgeRejectedUsage(db, new Date(new Date(String(job.payload.scheduledAt ?? job.runAt.toISOString())).getTime() - KEEP_REJECTED_USAGE_DAYS * 86_400_000)) }));
  jobs.register(KINDS.analyze, async () => ({ analyzed: await d.analyze(db) }), { maxAttempts: 1 });
  // each tenant's day-boundary schedule follows its time zone; new tenants get one within a minute
  jobs.register(KINDS.tenantSchedules, async () => {
    const tenants = await d.tenantZones();
    await jobs.schedule(db, tenants.map((t) => ({ tenantId: t.id, kind: KINDS.dayBoundary, cadence: { dailyAtMidnight: t.timeZone } })));
    return { tenants: tenants.length };
  });
  // the billing scheduler: each tenant's Active schedules that fired since their last run
  jobs.register(KINDS.billingTick, async () => fanOut(KINDS.billingRunDue, await d.billingTenants(db)), { maxAttempts: 1 });
  jobs.register(KINDS.billingRunDue, async (job) => { await d.runDueSchedules(await d.systemContext(job.tenantId, 'scheduler')); return null; });
  // pending payments no webhook settled within two minutes: charge or poll them
  jobs.register(KINDS.reconcileTick, async () => fanOut(KINDS.reconcile, await d.paymentTenants(db)), { maxAttempts: 1 });
  jobs.register(KINDS.reconcile, async (job) => ({ settled: await d.reconcilePending(await d.systemContext(job.tenantId, 'reconciler'), 120) }));
  // an invoice's charge that is due now: planned at activation, by a retry or a transfer (the attempt itself is idempotent)
  jobs.register(KINDS.collect, async (job) => {
    const attempt = await d.collectInvoice(await d.systemContext(job.tenantId, 'collection'), String(job.payload.invoiceId));
    return { attempt: attempt && typeof attempt === 'object' && 'status' in attempt ? (attempt as { status: string }).status : null };
  });
  jobs.register(KINDS.refundCredit, async (job) => d.refundCredit(await d.systemContext(job.tenantId, 'collection'), String(job.payload.creditMemoId)));
  // long work a request accepted: it acts for the caller that asked for it
  const asActor = (job: { tenantId: string; payload: Record<string, unknown> }, name: string) => d.actorContext(job.tenantId, job.payload.actor as Actor, name);
  const long = (kind: string, name: string, w: LongWork) => jobs.register(kind, async (job) => w.work(await asActor(job, name), job.payload), {
    onAbandoned: async (job) => { await w.abandoned(await d.systemContext(job.tenantId, name), job.payload, job.lastError); },
  });
  long(KINDS.billingRun, 'billing-run', d.billingRun);
  long(KINDS.bulkChange, 'bulk-change', d.bulkChange);
  // at the tenant's midnight (the schedule) or for a day its test clock crossed (payload.day)
  jobs.register(KINDS.dayBoundary, async (job) => {
    const ctx = await d.systemContext(job.tenantId, 'day-boundary');
    const day = typeof job.payload.day === 'string' ? job.payload.day : ctx.clock.today(ctx.timeZone).toString();
    return d.dayBoundary(ctx, day);
  });
}

/** The system schedules (idempotent: an unchanged schedule keeps its next run), and a sweep now, as every start did. */
export async function scheduleBackgroundWork(jobs: Jobs, db: Db): Promise<void> {
  await jobs.enqueueMany(db, [{ tenantId: SYSTEM_TENANT, kind: KINDS.sweep }], { unlessQueued: true });
  const every = (kind: string, everySeconds: number) => ({ tenantId: SYSTEM_TENANT, kind, cadence: { everySeconds } });
  await jobs.schedule(db, [
    every(KINDS.sweep, 3600), every(KINDS.purgeJobs, 3600), every(KINDS.purgeRejectedUsage, 3600), every(KINDS.analyze, 5), every(KINDS.tenantSchedules, 60),
    every(KINDS.billingTick, 60), every(KINDS.reconcileTick, 60),
  ]);
}
