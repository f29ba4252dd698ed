import { randomUUID } from 'node:crypto';
import type { Ctx } from '../../context.js';
import { conflict, invalid, notFound } from '../../core/errors.js';
import { BUSINESS_DATE_TEXT, isBusinessDate, parseDate } from '../../core/dates.js';
import type { Db } from '../../db/connect.js';
import { inTransaction, type Tx } from '../../db/transaction.js';
import { isUuid } from '../../core/ids.js';
import type { BillingRuns } from './billing-run.js';
import { lastFiring, parseCron } from './cron.js';
import * as store from '../store.js';
import type { BillingSchedule, ScheduleFields } from '../model.js';
import type { IdsMatching } from '../../filters/model.js';

// Billing schedules (seed 002 part B §1.3): recurring billing jobs on a Quartz cron. The server's
// scheduler asks `runDue` for each tenant; a schedule that missed firings (the server was down,
// the test clock jumped) catches up with one run to its latest firing day — billing is due minus
// billed, so one run bills every period the missed ones would have.

const toView = (r: BillingSchedule) => ({
  id: r.id, name: r.name, scheduleType: r.scheduleType, status: r.status, recurringSchedule: r.recurringSchedule,
  scheduleStartDate: r.scheduleStartDate, autoActivate: r.autoActivate, targetDateIncrement: String(r.targetIncrement),
  targetDateIncrementSign: r.targetIncrement < 0 ? 'Minus' : 'Plus', targetDateIncrementTimeUnit: 'Days',
  customerIds: r.customerIds, customerFilter: r.customerFilter, productFilter: r.productFilter,
  billCycleDayFilter: r.billCycleDayFilter, lastRunDate: r.lastRunDate, recordType: 'BillingSchedule',
});

const FILTERS = { customerFilter: 'Customer', productFilter: 'Product', billCycleDayFilter: 'Customer' } as const;

/** The schedule's filters as stored (strings in the where dialect), each checked by running it once. */
async function readFilters(idsMatching: IdsMatching, ctx: Ctx, b: Record<string, unknown>): Promise<Pick<ScheduleFields, 'customerFilter' | 'productFilter' | 'billCycleDayFilter'>> {
  if (b.orderFilter !== undefined && b.orderFilter !== null) throw invalid('UNSUPPORTED_FILTER', 'body/orderFilter: runs choose customers and products; select the customers of those orders with customerFilter');
  const out = { customerFilter: null as string | null, productFilter: null as string | null, billCycleDayFilter: null as string | null };
  for (const [k, entity] of Object.entries(FILTERS) as [keyof typeof FILTERS, string][]) {
    const v = b[k];
    if (v === undefined || v === null || v === '') continue;
    const text = typeof v === 'string' ? v : JSON.stringify(v);
    await idsMatching(ctx, entity, v, `body/${k}`);
    out[k] = text;
  }
  return out;
}

function readSchedule(b: Record<string, unknown>, today: string): Omit<ScheduleFields, 'customerFilter' | 'productFilter' | 'billCycleDayFilter'> {
  if (typeof b.recurringSchedule !== 'string') throw invalid('INVALID_FIELD', 'body/recurringSchedule is required (a Quartz cron, e.g. "0 0 3 * * ? *")');
  parseCron(b.recurringSchedule);
  const start = b.scheduleStartDate ?? today;
  if (typeof start !== 'string' || !isBusinessDate(start)) throw invalid('INVALID_FIELD', `body/scheduleStartDate must be ${BUSINESS_DATE_TEXT}`);
  const inc = b.targetDateIncrement === undefined ? 0 : Number(b.targetDateIncrement);
  if (!Number.isInteger(inc) || inc < 0 || inc > 366) throw invalid('INVALID_FIELD', 'body/targetDateIncrement must be a whole number of days from 0 to 366');
  if (b.targetDateIncrementTimeUnit !== undefined && b.targetDateIncrementTimeUnit !== 'Days') throw invalid('INVALID_FIELD', 'body/targetDateIncrementTimeUnit must be Days');
  const sign = b.targetDateIncrementSign === 'Minus' ? -1 : 1;
  const ids = b.customerIds;
  if (ids !== undefined && ids !== null && (!Array.isArray(ids) || ids.some((x) => !isUuid(x)))) throw invalid('INVALID_FIELD', 'body/customerIds must be an array of ids');
  return {
    name: typeof b.name === 'string' ? b.name : null, recurringSchedule: b.recurringSchedule, scheduleStartDate: start,
    autoActivate: b.autoActivate === true, targetIncrement: sign * inc, customerIds: (ids as string[] | null | undefined) ?? null,
  };
}

export function createSchedules(runs: BillingRuns, idsMatching: IdsMatching) {
  const get = async (q: Db | Tx, ctx: Ctx, id: string, lock = false): Promise<BillingSchedule> => {
    const r = isUuid(id) ? await store.getSchedule(q, ctx.tenantId, id, { forUpdate: lock }) : undefined;
    if (!r) throw notFound('SCHEDULE_NOT_FOUND', `Billing schedule ${id} does not exist`);
    return r;
  };
  const insert = async (ctx: Ctx, s: ScheduleFields) => {
    const id = randomUUID();
    await store.insertSchedule(ctx.db, ctx.tenantId, id, s);
    return toView(await get(ctx.db, ctx, id));
  };
  const setStatus = async (ctx: Ctx, body: { scheduleIds?: unknown }, to: 'Active' | 'Canceled') => {
    const ids = body.scheduleIds;
    if (!Array.isArray(ids) || ids.length === 0) throw invalid('INVALID_FIELD', 'body/scheduleIds must be a non-empty array');
    return inTransaction(ctx.db, async (tx) => {
      const out = [];
      for (const id of ids) {
        const s = await get(tx, ctx, String(id), true);
        if (s.status === 'Canceled') throw conflict('SCHEDULE_CANCELED', `Billing schedule ${s.id} is canceled`);
        await store.setScheduleStatus(tx, ctx.tenantId, s.id, to);
        out.push(s.id);
      }
      return out;
    });
  };

  return {
    create: async (ctx: Ctx, body: Record<string, unknown>) => insert(ctx, { ...readSchedule(body, ctx.clock.today(ctx.timeZone).toString()), ...await readFilters(idsMatching, ctx, body) }),
    readFilters,
    get: async (ctx: Ctx, id: string) => toView(await get(ctx.db, ctx, id)),
    /** Only Draft schedules change. */
    async patch(ctx: Ctx, id: string, body: Record<string, unknown>) {
      const s = await get(ctx.db, ctx, id);
      if (s.status !== 'Draft') throw conflict('SCHEDULE_NOT_DRAFT', `Billing schedule ${s.id} is ${s.status}; only Draft schedules can be updated`);
      const all = { ...toView(s), ...body };
      const merged = { ...readSchedule(all, s.scheduleStartDate), ...await readFilters(idsMatching, ctx, all) };
      await store.updateSchedule(ctx.db, ctx.tenantId, s.id, merged);
      return toView(await get(ctx.db, ctx, s.id));
    },
    async duplicate(ctx: Ctx, id: string) {
      const s = toView(await get(ctx.db, ctx, id));
      const copy = { ...s, name: s.name ? `${s.name} (Copy)` : null };
      return insert(ctx, { ...readSchedule(copy, s.scheduleStartDate), ...await readFilters(idsMatching, ctx, copy) });
    },
    activate: (ctx: Ctx, body: { scheduleIds?: unknown }) => setStatus(ctx, body, 'Active'),
    cancel: (ctx: Ctx, body: { scheduleIds?: unknown }) => setStatus(ctx, body, 'Canceled'),
    async remove(ctx: Ctx, id: string) {
      const s = await get(ctx.db, ctx, id);
      if (s.status === 'Active') throw conflict('SCHEDULE_ACTIVE', 'Cancel an Active schedule before deleting it');
      await store.deleteSchedule(ctx.db, ctx.tenantId, s.id);
    },

    /** Tenants with Active schedules: the scheduler visits only these. */
    tenantsWithActiveSchedules: (db: Db): Promise<string[]> => store.tenantsWithActiveSchedules(db),

    /** Runs every Active schedule of the tenant that fired since its last run (catch-up: once, to the latest firing). */
    async runDue(ctx: Ctx) {
      const today = ctx.clock.today(ctx.timeZone);
      const due = await store.dueSchedules(ctx.db, ctx.tenantId, today.toString());
      const jobs = [];
      for (const s of due) {
        const start = parseDate(s.scheduleStartDate, 'start');
        const after = s.lastRunDate ? parseDate(s.lastRunDate, 'last') : start.subtract({ days: 1 });
        const fired = lastFiring(parseCron(s.recurringSchedule), after, today);
        // claim the run first, so two schedulers never both run it
        const claimed = await store.claimScheduleRun(ctx.db, ctx.tenantId, s.id, today.toString(), s.lastRunDate);
        if (!claimed || !fired) continue;
        const target = fired.add({ days: s.targetIncrement });
        jobs.push(await runs.run(ctx, {
          targetDate: target.toString(), autoActivate: s.autoActivate, customerIds: s.customerIds ?? undefined, scheduleId: s.id,
          filters: { customerFilter: s.customerFilter, productFilter: s.productFilter, billCycleDayFilter: s.billCycleDayFilter },
        }));
      }
      return jobs;
    },
  };
}

export type Schedules = ReturnType<typeof createSchedules>;
