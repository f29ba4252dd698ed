import { Temporal } from 'temporal-polyfill';
import { Dec } from './money.js';
import { actualDays, days360US, type TermBasis } from './day-count.js';
import { compareDates, daysInMonth, type PlainDate } from './dates.js';

// Billing periods are computed from an anchor, never chained from the previous end
// (DESIGN.md "Dates and terms"): period n starts on
//   date(y, m_n, min(billCycleDay, daysInMonth(y, m_n))),  m_n = anchor month + n × period months.
export type BillingPeriod = 'Month' | 'Quarter' | 'Semi-Annual' | 'Annual';

export const PERIOD_MONTHS: Record<BillingPeriod, number> = { Month: 1, Quarter: 3, 'Semi-Annual': 6, Annual: 12 };

export function periodMonths(p: BillingPeriod): number {
  return PERIOD_MONTHS[p];
}

/** Period 0 starts in (year, month) on the bill cycle day (clamped to the month's length). */
export interface PeriodAnchor {
  billCycleDay: number; // 1..31
  year: number;
  month: number; // 1..12, the billing start month
}

export interface Period {
  n: number;
  start: PlainDate;
  end: PlainDate; // inclusive
}

export function periodStart(anchor: PeriodAnchor, months: number, n: number): PlainDate {
  const index = anchor.year * 12 + (anchor.month - 1) + n * months;
  const year = Math.floor(index / 12);
  const month = index - year * 12 + 1;
  // the constructor, not from({…}): the day is already in range, and reading a bag costs several times more
  return new Temporal.PlainDate(year, month, Math.min(anchor.billCycleDay, daysInMonth(year, month)));
}

export function billingPeriodAt(anchor: PeriodAnchor, months: number, n: number): Period {
  return { n, start: periodStart(anchor, months, n), end: periodStart(anchor, months, n + 1).subtract({ days: 1 }) };
}

/** The period that contains `date` (n is negative before the anchor's first period). */
export function periodContaining(anchor: PeriodAnchor, months: number, date: PlainDate): Period {
  const monthsFromAnchor = (date.year - anchor.year) * 12 + (date.month - anchor.month);
  let n = Math.floor(monthsFromAnchor / months);
  while (compareDates(periodStart(anchor, months, n), date) > 0) n--;
  while (compareDates(periodStart(anchor, months, n + 1), date) <= 0) n++;
  return billingPeriodAt(anchor, months, n);
}

/** The anchor of a line: its bill cycle day, in its billing start month (default: the line start's month). */
export function anchorFor(lineStart: PlainDate, billCycleDay: number, billingStartMonth?: number): PeriodAnchor {
  return { billCycleDay, year: lineStart.year, month: billingStartMonth ?? lineStart.month };
}

/**
 * The first invoice of a line covers its start to the day before the next period start. It is
 * partial unless the line starts on a period start.
 */
export function firstPeriod(lineStart: PlainDate, anchor: PeriodAnchor, months: number): Period & { partial: boolean } {
  const p = periodContaining(anchor, months, lineStart);
  return { ...p, start: lineStart, partial: !p.start.equals(lineStart) };
}

/**
 * The share of a billing period that start..endInclusive covers, as numerator / denominator
 * (stored on every prorated invoice item). A whole period is exactly 1 under either basis.
 * - US30360: days360(start, end + 1) over 30 × the period's months (a month counts 30 days).
 * - Actual: actual days covered over the actual days of the period.
 */
export function proratedFraction(i: {
  start: PlainDate; endInclusive: PlainDate; period: Period; months: number; basis: TermBasis;
}): { numerator: number; denominator: number; fraction: Dec } {
  const whole = i.start.equals(i.period.start) && i.endInclusive.equals(i.period.end);
  const after = i.endInclusive.add({ days: 1 });
  const periodAfter = i.period.end.add({ days: 1 });
  const [numerator, denominator] = i.basis === 'US30360'
    ? [whole ? 30 * i.months : days360US(i.start, after), 30 * i.months]
    : [actualDays(i.start, after), actualDays(i.period.start, periodAfter)];
  return { numerator, denominator, fraction: new Dec(numerator).dividedBy(denominator) };
}
