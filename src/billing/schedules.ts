import { randomUUID } from 'node:crypto';
import { sql } from 'kysely';
import type { Ctx } from '../context.js';
import { conflict, invalid, notFound } from '../core/errors.js';
import { isDateString, parseDate } from '../core/dates.js';
import type { Db } from '../db/connect.js';
import { inTransaction, type Tx } from '../db/transaction.js';
import { isUuid } from '../core/ids.js';
import type { BillingRuns } from './billing-run.js';
import { lastFiring, parseCron } from './cron.js';
import type { IdsMatching } from '../filters/model.js';

// Billing schedules (seed 002 part B §1.3): recurring billing jobs on a Quartz cron. The server's
// scheduler asks `runDue` for each tenant; a schedule that missed firings (the server was down,
// the test clock jumped) catches up with one run to its latest firing day — billing is due minus
// billed, so one run bills every period the missed ones would have.

type Row = Record<string, unknown> & { id: string };
const toView = (r: Row) => ({
  id: r.id, name: r.name ?? null, scheduleType: r.schedule_type, status: r.status, recurringSchedule: r.recurring_schedule,
  scheduleStartDate: r.schedule_start_date, autoActivate: r.auto_activate, targetDateIncrement: String(r.target_increment),
  targetDateIncrementSign: Number(r.target_increment) < 0 ? 'Minus' : 'Plus', targetDateIncrementTimeUnit: 'Days',
  customerIds: r.customer_ids ?? null, customerFilter: r.customer_filter ?? null, productFilter: r.product_filter ?? null,
  billCycleDayFilter: r.bill_cycle_day_filter ?? null, lastRunDate: r.last_run_date ?? null, recordType: 'BillingSchedule',
});

interface ScheduleInput {
  name: string | null; recurringSchedule: string; scheduleStartDate: string; autoActivate: boolean; targetIncrement: number; customerIds: string[] | null;
  customerFilter: string | null; productFilter: string | null; billCycleDayFilter: string | null;
}

const FILTERS = { customerFilter: 'Customer', productFilter: 'Product', billCycleDayFilter: 'Customer' } as const;

/** The schedule's filters as stored (strings in the where dialect), each checked by running it once. */
async function readFilters(idsMatching: IdsMatching, ctx: Ctx, b: Record<string, unknown>): Promise<Pick<ScheduleInput, 'customerFilter' | 'productFilter' | 'billCycleDayFilter'>> {
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

function readSchedule(b: Record<string, unknown>, today: string): Omit<ScheduleInput, 'customerFilter' | 'productFilter' | 'billCycleDayFilter'> {
  if (typeof b.recurringSchedule !== 'string') throw invalid('INVALID_FIELD', 'body/recurringSchedule is required (a Quartz cron, e.g. "0 0 3 * * ? *")');
  parseCron(b.recurringSchedule);
  const start = b.scheduleStartDate ?? today;
  if (typeof start !== 'string' || !isDateString(start)) throw invalid('INVALID_FIELD', 'body/scheduleStartDate must be a date YYYY-MM-DD');
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
  const get = async (q: Db | Tx, ctx: Ctx, id: string, lock = false): Promise<Row> => {
    const r = isUuid(id) ? await sql<Row>`select * from billing_schedules where tenant_id = ${ctx.tenantId} and id = ${id}${lock ? sql` for update` : sql``}`.execute(q) : undefined;
    if (!r?.rows[0]) throw notFound('SCHEDULE_NOT_FOUND', `Billing schedule ${id} does not exist`);
    return r.rows[0];
  };
  const insert = async (ctx: Ctx, s: ScheduleInput) => {
    const id = randomUUID();
    await sql`insert into billing_schedules (tenant_id, id, name, schedule_type, status, recurring_schedule, schedule_start_date, auto_activate, target_increment, customer_ids,
        customer_filter, product_filter, bill_cycle_day_filter)
      values (${ctx.tenantId}, ${id}, ${s.name}, 'Recurring', 'Draft', ${s.recurringSchedule}, ${s.scheduleStartDate}, ${s.autoActivate}, ${s.targetIncrement},
        ${s.customerIds ? JSON.stringify(s.customerIds) : null}, ${s.customerFilter}, ${s.productFilter}, ${s.billCycleDayFilter})`.execute(ctx.db);
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
        await sql`update billing_schedules set status = ${to}, updated_at = now() where tenant_id = ${ctx.tenantId} and id = ${s.id}`.execute(tx);
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
      if (s.status !== 'Draft') throw conflict('SCHEDULE_NOT_DRAFT', `Billing schedule ${s.id} is ${String(s.status)}; only Draft schedules can be updated`);
      const all = { ...toView(s), ...body };
      const merged = { ...readSchedule(all, String(s.schedule_start_date)), ...await readFilters(idsMatching, ctx, all) };
      await sql`update billing_schedules set name = ${merged.name}, recurring_schedule = ${merged.recurringSchedule}, schedule_start_date = ${merged.scheduleStartDate},
        auto_activate = ${merged.autoActivate}, target_increment = ${merged.targetIncrement}, customer_ids = ${merged.customerIds ? JSON.stringify(merged.customerIds) : null},
        customer_filter = ${merged.customerFilter}, product_filter = ${merged.productFilter}, bill_cycle_day_filter = ${merged.billCycleDayFilter},
        updated_at = now() where tenant_id = ${ctx.tenantId} and id = ${s.id}`.execute(ctx.db);
      return toView(await get(ctx.db, ctx, s.id));
    },
    async duplicate(ctx: Ctx, id: string) {
      const s = toView(await get(ctx.db, ctx, id));
      const copy = { ...s, name: s.name ? `${String(s.name)} (Copy)` : null };
      return insert(ctx, { ...readSchedule(copy, String(s.scheduleStartDate)), ...await readFilters(idsMatching, ctx, copy) });
    },
    activate: (ctx: Ctx, body: { scheduleIds?: unknown }) => setStatus(ctx, body, 'Active'),
    cancel: (ctx: Ctx, body: { scheduleIds?: unknown }) => setStatus(ctx, body, 'Canceled'),
    async remove(ctx: Ctx, id: string) {
      const s = await get(ctx.db, ctx, id);
      if (s.status === 'Active') throw conflict('SCHEDULE_ACTIVE', 'Cancel an Active schedule before deleting it');
      await sql`delete from billing_schedules where tenant_id = ${ctx.tenantId} and id = ${s.id}`.execute(ctx.db);
    },

    /** Tenants with Active schedules: the scheduler visits only these. */
    async tenantsWithActiveSchedules(db: Db): Promise<string[]> {
      const r = await sql<{ tenant_id: string }>`select distinct tenant_id from billing_schedules where status = 'Active'`.execute(db);
      return r.rows.map((x) => x.tenant_id);
    },

    /** Runs every Active schedule of the tenant that fired since its last run (catch-up: once, to the latest firing). */
    async runDue(ctx: Ctx) {
      const today = ctx.clock.today(ctx.timeZone);
      const due = await sql<Row>`select * from billing_schedules where tenant_id = ${ctx.tenantId} and status = 'Active' and schedule_start_date <= ${today.toString()}::date
        and (last_run_date is null or last_run_date < ${today.toString()}::date)`.execute(ctx.db);
      const jobs = [];
      for (const s of due.rows) {
        const start = parseDate(String(s.schedule_start_date), 'start');
        const after = s.last_run_date ? parseDate(String(s.last_run_date), 'last') : start.subtract({ days: 1 });
        const fired = lastFiring(parseCron(String(s.recurring_schedule)), after, today);
        // claim the run first, so two schedulers never both run it
        const claimed = await sql`update billing_schedules set last_run_date = ${today.toString()} where tenant_id = ${ctx.tenantId} and id = ${s.id}
          and (last_run_date is not distinct from ${s.last_run_date ?? null}::date)`.execute(ctx.db);
        if (Number(claimed.numAffectedRows ?? 0) !== 1 || !fired) continue;
        const target = fired.add({ days: Number(s.target_increment) });
        jobs.push(await runs.run(ctx, {
          targetDate: target.toString(), autoActivate: Boolean(s.auto_activate), customerIds: (s.customer_ids as string[] | null) ?? undefined, scheduleId: s.id,
          filters: { customerFilter: s.customer_filter, productFilter: s.product_filter, billCycleDayFilter: s.bill_cycle_day_filter },
        }));
      }
      return jobs;
    },
  };
}

export type Schedules = ReturnType<typeof createSchedules>;
