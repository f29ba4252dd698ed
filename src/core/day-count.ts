import { Dec } from './money.js';
import { daysBetween, type PlainDate } from './dates.js';

// Day-count conventions for proration (DESIGN.md "Proration"); the tenant's `Term Basis` picks one.
export type TermBasis = 'US30360' | 'Actual';

const isLastOfFebruary = (d: PlainDate) => d.month === 2 && d.day === d.daysInMonth;

/**
 * Days between d1 and d2 under 30/360 US (SIA), applied in this order:
 * 1. if d1 and d2 are both the last day of February, D2 = 30;
 * 2. if d1 is the last day of February, D1 = 30;
 * 3. if D2 = 31 and D1 ≥ 30, D2 = 30;
 * 4. if D1 = 31, D1 = 30.
 * Result: 360·(Y2−Y1) + 30·(M2−M1) + (D2−D1).
 */
export function days360US(d1: PlainDate, d2: PlainDate): number {
  let D1 = d1.day;
  let D2 = d2.day;
  if (isLastOfFebruary(d1) && isLastOfFebruary(d2)) D2 = 30;
  if (isLastOfFebruary(d1)) D1 = 30;
  if (D2 === 31 && D1 >= 30) D2 = 30;
  if (D1 === 31) D1 = 30;
  return 360 * (d2.year - d1.year) + 30 * (d2.month - d1.month) + (D2 - D1);
}

/** Actual days from d1 (inclusive) to d2 (exclusive). */
export function actualDays(d1: PlainDate, d2: PlainDate): number {
  return daysBetween(d1, d2);
}

/**
 * Months covered by start..endInclusive under US30360: days360(start, endInclusive + 1) / 30.
 * 2023-06-22..2023-06-30 → 9/30; 2023-10-06..2023-10-31 → 25/30.
 */
export function partialMonths(start: PlainDate, endInclusive: PlainDate): { numerator: number; denominator: 30; months: Dec } {
  const numerator = days360US(start, endInclusive.add({ days: 1 }));
  return { numerator, denominator: 30, months: new Dec(numerator).dividedBy(30) };
}
