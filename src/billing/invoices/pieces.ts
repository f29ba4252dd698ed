import { periodMonths, proratedFraction } from '../../core/billing-periods.js';
import { compareDates, maxDate, minDate, type PlainDate } from '../../core/dates.js';
import { Dec, roundMoney } from '../../core/money.js';
import { monthsThrough, type ScheduledPeriod } from '../periods.js';
import type { Charge, Segment } from './builder.js';
import { windowTax, type MonthsAt } from './cumulative-tax.js';

// What a recurring charge makes due in one billing period, piece by piece (DESIGN §4 Billing: an
// invoice item describes exactly what it bills). A piece is one version's window [x, y] of the
// period, billed as round(P·F(y)) − round(P·F(x−1)) with F the contract's cumulative months, so a
// version's windows add up exactly and the pieces of a period sum to what the period owes. Each
// piece carries its units, price and fraction of the period: they reproduce its amount. Its tax is
// cumulative over the contract at the version's rate (cumulative-tax.ts). Pure.

export interface Piece {
  segment: Segment;
  from: PlainDate;
  to: PlainDate;
  amount: Dec;
  taxAmount: Dec;
  numerator: number;
  denominator: number;
}

/** The asset's versions as segments; a charge without them is one segment over its whole contract. */
export function segmentsOf(c: Charge): Segment[] {
  return c.segments ?? [{
    from: c.terms.start, to: null, monthly: c.monthly, taxRate: c.taxRate, taxAmount: c.taxAmount, taxMonths: c.terms.termMonths, quantity: c.quantity,
    netSalesPrice: c.netSalesPrice, orderProductId: c.orderProductId, assetId: c.assetId,
  }];
}

/** F(d) inside period p: F(p.start − 1) is the months before it, F(p.end) its cumulative months. */
function monthsAt(c: Charge, p: ScheduledPeriod, d: PlainDate): Dec {
  if (compareDates(d, p.start) < 0) return p.monthsBefore;
  if (compareDates(d, p.end) >= 0) return p.cumulativeMonths;
  if (!c.terms.prorationEnabled) return p.monthsBefore;
  const months = periodMonths(c.terms.billingPeriod);
  return p.monthsBefore.plus(proratedFraction({ start: p.start, endInclusive: d, period: { n: 0, start: p.periodStart, end: p.periodEnd }, months, basis: c.terms.basis }).fraction.times(months));
}

/** The share of the billing period a window covers (the whole clipped period keeps the schedule's). */
function fractionOf(c: Charge, p: ScheduledPeriod, x: PlainDate, y: PlainDate): { numerator: number; denominator: number } {
  if (x.equals(p.start) && y.equals(p.end)) return { numerator: p.numerator, denominator: p.denominator };
  const months = periodMonths(c.terms.billingPeriod);
  if (!c.terms.prorationEnabled) return { numerator: 30 * months, denominator: 30 * months };
  const f = proratedFraction({ start: x, endInclusive: y, period: { n: 0, start: p.periodStart, end: p.periodEnd }, months, basis: c.terms.basis });
  return { numerator: f.numerator, denominator: f.denominator };
}

/** F(d) for any day: the period's own figures inside it (and the day before it), the schedule's elsewhere (memoized). */
function monthsFor(c: Charge, p: ScheduledPeriod): MonthsAt {
  const before = p.start.subtract({ days: 1 });
  const known = new Map<string, Dec>();
  return (d) => {
    if (compareDates(d, before) >= 0 && compareDates(d, p.end) <= 0) return monthsAt(c, p, d);
    const k = d.toString();
    let m = known.get(k);
    if (!m) { m = monthsThrough(c.terms, d); known.set(k, m); }
    return m;
  };
}

/** The pieces of period p from `from` on (the whole period without it); pieces that bill nothing are left out. */
export function piecesOf(c: Charge, p: ScheduledPeriod, from?: PlainDate): Piece[] {
  const out: Piece[] = [];
  const segments = segmentsOf(c);
  const cumulative = monthsFor(c, p);
  for (const s of segments) {
    const x = maxDate(maxDate(p.start, s.from), from ?? p.start);
    const y = s.to ? minDate(p.end, s.to) : p.end;
    if (compareDates(x, y) > 0) continue;
    const [fy, fx] = [monthsAt(c, p, y), monthsAt(c, p, x.subtract({ days: 1 }))];
    const amount = roundMoney(s.monthly.times(fy), c.currency).minus(roundMoney(s.monthly.times(fx), c.currency));
    const taxAmount = windowTax(c, segments, s, x, y, cumulative);
    if (amount.isZero() && taxAmount.isZero()) continue;
    // the fraction the piece bills is the months it covers (a capped last period covers what reaches the term exactly)
    const f = fractionOf(c, p, x, y);
    const months = periodMonths(c.terms.billingPeriod);
    const numerator = c.terms.prorationEnabled ? fy.minus(fx).dividedBy(months).times(f.denominator).toDecimalPlaces(0).toNumber() : f.numerator;
    out.push({ segment: s, from: x, to: y, amount, taxAmount, numerator, denominator: f.denominator });
  }
  return out;
}

/** What a charge's version is on day d: its monthly amount, units and price; null outside the contract. */
export function stateOn(c: Charge, d: PlainDate): string | null {
  if (compareDates(d, c.terms.start) < 0 || (c.terms.end && compareDates(d, c.terms.end) > 0)) return null;
  const s = segmentsOf(c).find((x) => compareDates(x.from, d) <= 0 && (!x.to || compareDates(d, x.to) <= 0));
  return s ? `${s.monthly.toString()}|${s.quantity.toString()}|${s.netSalesPrice.toString()}` : null;
}

/** The first day of [start, end] on which two charges differ (the corrected window starts there), or null. */
export function firstDifference(a: Charge | null, b: Charge | null, start: PlainDate, end: PlainDate): PlainDate | null {
  const edges = [start];
  for (const c of [a, b]) {
    if (!c) continue;
    edges.push(c.terms.start);
    if (c.terms.end) edges.push(c.terms.end.add({ days: 1 }));
    for (const s of segmentsOf(c)) { edges.push(s.from); if (s.to) edges.push(s.to.add({ days: 1 })); }
  }
  const days = edges.filter((d) => compareDates(d, start) >= 0 && compareDates(d, end) <= 0).sort(compareDates);
  for (const d of days) if ((a ? stateOn(a, d) : null) !== (b ? stateOn(b, d) : null)) return d;
  return null;
}
