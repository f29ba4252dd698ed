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
    cumulative = cumulative.plus(covered);
    out.push({ index: out.length, periodStart: p.start, periodEnd: p.end, start, end, numerator: f.numerator, denominator: f.denominator, months: covered, cumulativeMonths: cumulative });
    if (isLast) break;
  }
  return out;
}

/** Due date = invoice date + the payment term's days ("Net 30"; "Due on Receipt" = 0). */
export function dueDate(invoiceDate: PlainDate, paymentTerm: string | null): PlainDate {
  const m = /^Net (\d{1,3})$/.exec(paymentTerm ?? 'Net 30');
  return invoiceDate.add({ days: m ? Number(m[1]) : 0 });
}

export const asDate = (s: string) => parseDate(s, 'date');
