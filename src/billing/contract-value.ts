import { compareDates, maxDate, minDate } from '../core/dates.js';
import { Dec, roundMoney } from '../core/money.js';
import type { Charge } from './invoices/builder.js';
import { windowTax } from './invoices/cumulative-tax.js';
import { segmentsOf } from './invoices/pieces.js';
import { contractMonths, monthsThrough } from './periods.js';

// What a contract is worth over its whole life — the sum of everything billing will bill for it
// (DESIGN "Change orders": deltas are differences of this). Pure.
//
// A recurring charge is worth Σ over its segments of round(P_s·F(b_s)) − round(P_s·F(a_s − 1)), the
// same windows the invoice builder bills, so a contract's value and its invoices agree to the cent;
// its tax is the same windows' tax (invoices/cumulative-tax.ts).
// A one-time charge is worth its totalPrice. An evergreen contract has no end: its value is 0.

export interface ContractValue { amount: Dec; tax: Dec }

export function contractValue(c: Charge): ContractValue {
  if (c.kind === 'OneTime') return { amount: c.totalPrice, tax: c.taxAmount };
  const end = c.terms.end;
  if (!end) return { amount: new Dec(0), tax: new Dec(0) };
  const segments = segmentsOf(c);
  const months = (d: Parameters<typeof monthsThrough>[1]) => monthsThrough(c.terms, d);
  let amount = new Dec(0);
  let tax = new Dec(0);
  for (const s of segments) {
    const a = maxDate(s.from, c.terms.start);
    const b = s.to ? minDate(s.to, end) : end;
    if (compareDates(a, b) > 0) continue;
    const [fb, fa] = [months(b), months(a.subtract({ days: 1 }))];
    amount = amount.plus(roundMoney(s.monthly.times(fb), c.currency)).minus(roundMoney(s.monthly.times(fa), c.currency));
    tax = tax.plus(windowTax(c, segments, s, a, b, months));
  }
  return { amount, tax };
}

/** A version's own total: its monthly amount over its whole contract (recurring), or price × quantity. */
export function versionTotal(c: Charge): Dec {
  if (c.kind === 'OneTime') return roundMoney(c.netSalesPrice.times(c.quantity), c.currency);
  const months = contractMonths(c.terms);
  return months ? roundMoney(c.monthly.times(months), c.currency) : new Dec(0);
}

/** Months from `from` through the contract's end (the window a change covers), 0 when evergreen or past the end. */
export function monthsFrom(c: Charge, from: Charge['terms']['start']): Dec {
  if (!c.terms.end || compareDates(from, c.terms.end) > 0) return new Dec(0);
  return monthsThrough(c.terms, c.terms.end).minus(monthsThrough(c.terms, from.subtract({ days: 1 })));
}
