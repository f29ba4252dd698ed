import { compareDates, maxDate, minDate, type PlainDate } from '../../core/dates.js';
import { Dec, roundMoney } from '../../core/money.js';
import type { Charge, Segment } from './builder.js';

// Invoice tax follows the cumulative rule over the whole contract (DESIGN §4 Tax, issue 14 (g)):
// with A(d) what the contract bills from its start through day d (every version's windows), a
// window [x, y] of a version taxed at r bills round(r·A(y)) − round(r·A(x−1)). The windows
// telescope, so while one rate applies the invoices' tax adds up to round(r·T) — the tax of the
// contract's lines (change lines are taxed round(r·T_after) − round(r·T_before)). A version without
// a rate (older rows, Inclusive lines) spreads its own taxAmount over its months instead. Pure.

/** F(d): the contract's cumulative months through d (the caller's, so pieces can use their period's). */
export type MonthsAt = (d: PlainDate) => Dec;

/** A(d): Σ over the versions of round(P·F(b)) − round(P·F(a − 1)) for each version's window [a, b] up to d. */
export function amountThrough(c: Charge, segments: readonly Segment[], d: PlainDate, months: MonthsAt): Dec {
  let amount = new Dec(0);
  for (const s of segments) {
    const a = maxDate(s.from, c.terms.start);
    let b = s.to ? minDate(s.to, d) : d;
    if (c.terms.end) b = minDate(b, c.terms.end);
    if (compareDates(a, b) > 0) continue;
    amount = amount.plus(roundMoney(s.monthly.times(months(b)), c.currency)).minus(roundMoney(s.monthly.times(months(a.subtract({ days: 1 }))), c.currency));
  }
  return amount;
}

/** The tax of version `s`'s window [x, y]: cumulative at its rate, else its own tax spread over its months. */
export function windowTax(c: Charge, segments: readonly Segment[], s: Segment, x: PlainDate, y: PlainDate, months: MonthsAt): Dec {
  const before = x.subtract({ days: 1 });
  if (s.taxRate) {
    const taxThrough = (d: PlainDate) => roundMoney(s.taxRate!.times(amountThrough(c, segments, d, months)), c.currency);
    return taxThrough(y).minus(taxThrough(before));
  }
  if (!s.taxMonths || s.taxMonths.isZero()) return new Dec(0);
  const spread = (d: PlainDate) => roundMoney(s.taxAmount.times(months(d)).dividedBy(s.taxMonths!), c.currency);
  return spread(y).minus(spread(before));
}
