import { invalid } from '../core/errors.js';
import { Dec } from '../core/money.js';

// Usage aggregation (shared/design/usage.md "Vocabulary"), pure: for one usage subscription and one
// billing period, the period-to-date consumption c at the end of each rating window, from the
// period's raw events in any order. Rating (rating.ts) takes these c_w.
//
// Exactness: running totals (Sum, WeightedSum's level and integral) are kept in `Exact`, a clone of
// Dec whose precision never rounds an addition, a subtraction or a product, so the result does not
// depend on how the period is cut into windows. Each consumed value is then rounded once to Dec's
// precision (WeightedSum divides once per window), and each window's quantity is the exact
// difference of two consumed values: summed in window order, the quantities telescope to
// consumed[last] with no rounding. `Exact` never divides (it would compute 10^9 digits).

export type Aggregation = 'Sum' | 'Count' | 'Max' | 'UniqueCount' | 'Latest' | 'WeightedSum';
export const AGGREGATIONS: readonly Aggregation[] = ['Sum', 'Count', 'Max', 'UniqueCount', 'Latest', 'WeightedSum'];

/** One raw usage row as aggregation sees it. `at` is epoch milliseconds (integer); `id` breaks ties of `at` for Latest; `property` is the value UniqueCount counts (null: row has none). */
export interface UsageEvent { id: string; at: number; quantity: Dec; property: string | null }

/** What carries from the previous period into this one: WeightedSum's level at the period's end, Latest's last value. */
export interface Carry { level: Dec; latest: Dec | null }
export const NO_CARRY: Carry = Object.freeze({ level: new Dec(0), latest: null });

/** consumed[i]: c at the end of window i (period-to-date); quantity[i]: window i's own part; carry: what the next period starts from. */
export interface PeriodAggregate { consumed: Dec[]; quantity: Dec[]; carry: Carry }

const MS_PER_DAY = 86_400_000;
const Exact = Dec.clone({ precision: 1e9 });
type Exact = InstanceType<typeof Exact>;

/** Rounds a value to Dec's precision, as a Dec (so later arithmetic rounds at 40 digits again). */
const toDec = (x: Exact | Dec): Dec => new Dec(x).toSignificantDigits(Dec.precision);

/** The processing order: (at, id), then quantity, so equal keys cannot make the result depend on the input's order. */
function compareEvents(a: UsageEvent, b: UsageEvent): number {
  return a.at - b.at || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0) || a.quantity.comparedTo(b.quantity);
}

function checkInputs(events: readonly UsageEvent[], periodStart: number, windowEnds: readonly number[], periodDays: number): void {
  if (!Number.isSafeInteger(periodStart)) throw invalid('INVALID_PERIOD', `period start ${periodStart} is not a whole number of milliseconds`);
  let previous = periodStart;
  for (const end of windowEnds) {
    if (!Number.isSafeInteger(end) || end <= previous) throw invalid('INVALID_WINDOWS', `window end ${end} must be a whole number of milliseconds after ${previous}`);
    previous = end;
  }
  if (!Number.isSafeInteger(periodDays) || periodDays <= 0) throw invalid('INVALID_PERIOD', `period days ${periodDays} must be a positive whole number`);
  for (const e of events) {
    if (!Number.isSafeInteger(e.at)) throw invalid('INVALID_USAGE', `usage ${e.id} has a timestamp ${e.at} that is not a whole number of milliseconds`);
  }
}

/**
 * The period's consumption at each window end. `windowEnds`: the ends (epoch ms, exclusive,
 * increasing) of the period's windows, the first window starting at `periodStart`, the last end
 * being the period's end. `periodDays`: the days of the FULL billing period (WeightedSum divides by
 * it, so a stub period is prorated by itself). Events outside [periodStart, last end) are ignored.
 *
 * - Sum: Σ quantity (negative rows are corrections). Count: the number of rows.
 * - Max: the greatest quantity so far; 0 before the period's first row. Once a row is seen, c is
 *   its max even when negative (no clamp at 0: o(c) = max(0, c − I) clamps where it prices).
 * - UniqueCount: distinct non-null properties so far (exact); rows without one do not count.
 * - Latest: the quantity of the last row by (at, id); before the period's first row, the carry's
 *   latest (the previous period's last value), or 0 without one.
 * - WeightedSum: rows are signed deltas of a level that starts at carry.level;
 *   c_w = ∫ level dt over [periodStart, end_w] ÷ (periodDays × 86,400,000 ms).
 *
 * quantity[i] = consumed[i] − consumed[i−1] (consumed[−1] = 0), exactly: summed in window order the
 * quantities equal consumed[last]. The output carry is computed the same way for every kind: level =
 * carry.level + Σ the period's quantities, latest = the period's last row's quantity, or the
 * incoming latest when the period has no rows. Without windows the period is empty: no values.
 */
export function aggregatePeriod(kind: Aggregation, events: readonly UsageEvent[], periodStart: number, windowEnds: readonly number[], periodDays: number, carry: Carry): PeriodAggregate {
  checkInputs(events, periodStart, windowEnds, periodDays);
  const periodEnd = windowEnds.length === 0 ? periodStart : windowEnds[windowEnds.length - 1]!;
  const rows = events.filter((e) => e.at >= periodStart && e.at < periodEnd).sort(compareEvents);

  const consumed: Dec[] = [];
  let level: Exact = new Exact(carry.level);
  let next = 0;
  // per kind running state; only the kind's own is read
  let total: Exact = new Exact(0);
  let max: Dec | null = null;
  const distinct = new Set<string>();
  let latest: Dec = carry.latest ?? new Dec(0);
  let integral: Exact = new Exact(0);
  let t = periodStart;
  const fullPeriodMs = new Dec(periodDays).times(MS_PER_DAY);

  for (const end of windowEnds) {
    for (; next < rows.length && rows[next]!.at < end; next++) {
      const e = rows[next]!;
      if (kind === 'Sum') total = total.plus(e.quantity);
      else if (kind === 'Max') max = max === null || e.quantity.gt(max) ? e.quantity : max;
      else if (kind === 'UniqueCount') { if (e.property !== null) distinct.add(e.property); }
      else if (kind === 'Latest') latest = e.quantity;
      else if (kind === 'WeightedSum' && e.at > t) { integral = integral.plus(level.times(e.at - t)); t = e.at; }
      level = level.plus(e.quantity);
    }
    switch (kind) {
      case 'Sum': consumed.push(toDec(total)); break;
      case 'Count': consumed.push(new Dec(next)); break;
      case 'Max': consumed.push(max === null ? new Dec(0) : toDec(max)); break;
      case 'UniqueCount': consumed.push(new Dec(distinct.size)); break;
      case 'Latest': consumed.push(toDec(latest)); break;
      case 'WeightedSum':
        integral = integral.plus(level.times(end - t));
        t = end;
        consumed.push(new Dec(integral).dividedBy(fullPeriodMs));
        break;
    }
  }

  let before: Exact = new Exact(0);
  const quantity = consumed.map((c) => {
    const part = new Dec(new Exact(c).minus(before));
    before = new Exact(c);
    return part;
  });
  const last = rows[rows.length - 1];
  return { consumed, quantity, carry: { level: new Dec(level), latest: last ? last.quantity : carry.latest } };
}
