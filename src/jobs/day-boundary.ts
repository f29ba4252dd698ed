import type { Ctx } from '../context.js';
import type { Tx } from '../db/transaction.js';
import { daysCrossed } from './cadence.js';
import type { Jobs } from './service.js';

// The per-tenant day-boundary job (DESIGN §2): at midnight in the tenant's zone, and once for every
// day a sandbox tenant's test clock crosses. Its work through a day is idempotent and catches up:
// run for day D it does everything due by D (renewals of subscriptions that ended before D), so a
// rerun, a late run or a skipped earlier day changes nothing. Today that work is auto-renewal;
// expiries, overdue marks, versions taking effect and their events join it here. As a job it also
// makes the collection attempts due by then (a billing run's day-boundary work charges nothing).

export const DAY_BOUNDARY = 'tenant.day-boundary';

export interface DayBoundaryDeps {
  assets: { renewDue(ctx: Ctx, target: string): Promise<number> };
  /** Collection attempts due by the day (never after the tenant's today): the job's, not a billing run's. */
  collection?: { collectDue(ctx: Ctx, day: string): Promise<number> };
}

/** The tenant's day-boundary work through `day` (YYYY-MM-DD). Billing runs call it for their target date. */
export function createDayBoundary(deps: DayBoundaryDeps) {
  return async (ctx: Ctx, day: string): Promise<{ day: string; renewed: number; collected?: number }> => {
    const renewed = await deps.assets.renewDue(ctx, day);
    return deps.collection ? { day, renewed, collected: await deps.collection.collectDue(ctx, day) } : { day, renewed };
  };
}

/** One day-boundary job per day the test clock crossed (`from` excluded, `to` included), in the caller's transaction. */
export async function enqueueCrossedDays(jobs: Jobs, tx: Tx, tenantId: string, from: string, to: string): Promise<number> {
  const days = daysCrossed(from, to);
  await jobs.enqueueMany(tx, days.map((day) => ({ tenantId, kind: DAY_BOUNDARY, payload: { day } })));
  return days.length;
}
