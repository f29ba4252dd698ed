import { anchorFor, billingPeriodAt, periodContaining, periodMonths, proratedFraction, type BillingPeriod, type Period } from '../core/billing-periods.js';
import { compareDates, maxDate, minDate, parseDate, type PlainDate } from '../core/dates.js';
import type { TermBasis } from '../core/day-count.js';
import { Dec } from '../core/money.js';

// A recurring charge's billing schedule (DESIGN "Dates and terms", "Proration", "Money and
// rounding"): its periods from the anchor, each clipped to the charge's dates, with the months each
// covers under the term basis and the cumulative months F_k the cumulative rounding uses. Pure.

export interface ChargeTerms {
  start: PlainDate;
  end: PlainDate | null;         // inclusive; null = evergreen (bills until canceled)
  termMonths: Dec | null;        // the contract's months; the last period is capped so F_last = termMonths
  billingPeriod: BillingPeriod;
  billCycleDay: number;
  billingStartMonth: number | null;
  basis: TermBasis;
  prorationEnabled: boolean;
}

export interface ScheduledPeriod {
  index: number;                 // 0 = the first period of the charge
  periodStart: PlainDate;        // the whole billing period
  periodEnd: PlainDate;
  start: PlainDate;              // clipped to the charge's dates
  end: PlainDate;
  numerator: number;             // the share of the billing period covered: numerator / denominator
  denominator: number;
  months: Dec;                   // months covered (the share × the period's months)
  cumulativeMonths: Dec;         // F_k
  monthsBefore: Dec;             // F_{k−1}, kept rather than recomputed (a difference of decimals can lose the last digit)
}

/** The periods of a charge that start on or before `through` (all of them when the charge ends first). */
export function schedule(t: ChargeTerms, through: PlainDate): ScheduledPeriod[] {
  const months = periodMonths(t.billingPeriod);
  const anchor = anchorFor(t.start, t.billCycleDay, t.billingStartMonth ?? undefined);
  const first: Period = periodContaining(anchor, months, t.start);
  const out: ScheduledPeriod[] = [];
  let cumulative = new Dec(0);
  for (let n = first.n; ; n++) {
    const p = n === first.n ? first : billingPeriodAt(anchor, months, n);
    if (compareDates(p.start, through) > 0 && out.length > 0) break;
    if (t.end && compareDates(p.start, t.end) > 0) break;
    const start = maxDate(p.start, t.start);
    const end = t.end ? minDate(p.end, t.end) : p.end;
    const whole = start.equals(p.start) && end.equals(p.end);
    const f = whole || !t.prorationEnabled
      ? { numerator: 30 * months, denominator: 30 * months, fraction: new Dec(1) }
      : proratedFraction({ start, endInclusive: end, period: p, months, basis: t.basis });
    let covered = f.fraction.times(months);
    const isLast = t.end !== null && compareDates(end, t.end) >= 0;
    if (isLast && t.termMonths) covered = t.termMonths.minus(cumulative); // the last period reaches exactly the term
    const monthsBefore = cumulative;
    cumulative = cumulative.plus(covered);
    out.push({ index: out.length, periodStart: p.start, periodEnd: p.end, start, end, numerator: f.numerator, denominator: f.denominator, months: covered, cumulativeMonths: cumulative, monthsBefore });
    if (isLast) break;
  }
  return out;
}

/**
 * F(d): the contract's months from its start through `d` (inclusive) under the term basis — 0 before
 * the start, the contract's months from its end on. Within a period it is the months before the
 * period plus the prorated share to `d`; without proration a period counts once its end is reached
 * (a change inside a period then takes effect from the next one).
 */
export function monthsThrough(t: ChargeTerms, d: PlainDate): Dec {
  if (compareDates(d, t.start) < 0) return new Dec(0);
  const p = schedule(t, d).at(-1)!;
  if (compareDates(d, p.end) >= 0) return p.cumulativeMonths;
  const before = p.monthsBefore;
  if (!t.prorationEnabled) return before;
  const months = periodMonths(t.billingPeriod);
  const f = proratedFraction({ start: p.start, endInclusive: d, period: { n: 0, start: p.periodStart, end: p.periodEnd }, months, basis: t.basis });
  return before.plus(f.fraction.times(months));
}

/** The months a whole contract covers: its term's when it runs to the term's end, else F(end); null when evergreen. */
export function contractMonths(t: ChargeTerms): Dec | null {
  if (t.termMonths) return t.termMonths;
  return t.end ? monthsThrough(t, t.end) : null;
}

/** Due date = invoice date + the payment term's days ("Net 30"; "Due on Receipt" = 0). */
export function dueDate(invoiceDate: PlainDate, paymentTerm: string | null): PlainDate {
  const m = /^Net (\d{1,3})$/.exec(paymentTerm ?? 'Net 30');
  return invoiceDate.add({ days: m ? Number(m[1]) : 0 });
}

export const asDate = (s: string) => parseDate(s, 'date');
