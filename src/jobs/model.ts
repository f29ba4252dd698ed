import type { Tx } from '../db/transaction.js';

// Types of the background runtime (README.md). One status enum for every job.
export const JOB_STATUSES = ['Queued', 'Processing', 'Completed', 'Failed', 'Interrupted', 'Canceled'] as const;
export type JobStatus = typeof JOB_STATUSES[number];

/** Keel's own work that belongs to no tenant (the sweeper, the statistics upkeep, fan-outs). */
export const SYSTEM_TENANT = '00000000-0000-0000-0000-000000000000';

export interface Job {
  tenantId: string;
  id: string;
  kind: string;
  payload: Record<string, unknown>;
  status: JobStatus;
  runAt: Date;
  /** How many times it was claimed; the claim that set it owns the row until its lease runs out. */
  attempt: number;
  maxAttempts: number;
  leaseOwner: string | null;
  leaseUntil: Date | null;
  lastError: string | null;
  result: unknown;
  scheduleId: string | null;
  createdAt: Date;
  updatedAt: Date;
  finishedAt: Date | null;
}

/** Every `everySeconds`, or daily at midnight in `timeZone`. */
export type Cadence = { everySeconds: number } | { dailyAtMidnight: string };

export interface JobSchedule {
  tenantId: string;
  id: string;
  kind: string;
  payload: Record<string, unknown>;
  cadence: Cadence;
  nextRunAt: Date;
  lastRunAt: Date | null;
}

export interface NewJob {
  tenantId: string;
  kind: string;
  payload?: Record<string, unknown>;
  runAt: Date;
  maxAttempts?: number;
  scheduleId?: string | null;
}

/** The work of one kind. What it returns is stored as the job's result (JSON). Runs outside any transaction. */
export type JobHandler = (job: Job) => Promise<unknown>;

export interface HandlerOptions {
  /** Claims before the job is Failed (default 5). */
  maxAttempts?: number;
  /** Delay before attempt `attempt + 1` after attempt `attempt` failed (default: backoffMs). */
  backoff?: (attempt: number) => number;
  /**
   * Called once when a job of the kind ends without completing: Failed (its last attempt threw) or
   * Interrupted (its last attempt's lease ran out: a process died holding it, as many times as it
   * had attempts). The kind marks what it owns as cut off, so nothing reads "in progress" forever.
   */
  onAbandoned?: (job: Job) => Promise<void>;
}

/**
 * Long work a request accepted, as a domain sees it: enqueued in the domain's transaction as a job
 * of one kind, then worked at once by the process that took the request (`jobs.queueOf(kind)`).
 */
export interface WorkQueue<P> {
  enqueue(tx: Tx, tenantId: string, payload: P): Promise<string>;
  /** Works the job now if still Queued, waits at most `waitMs` (jobs.workNow). */
  workNow(tenantId: string, jobId: string, waitMs: number): Promise<unknown>;
}
