import { Dec, roundMoney, type DecimalInput } from './money.js';

// Invoices add up to the contract (DESIGN.md "Money and rounding"): with P the line's monthly
// amount and F_k the months covered from the line's start through the end of period k, period k
// bills round(P·F_k) − round(P·F_{k−1}). The parts telescope, so their sum is round(P·F_last)
// whatever the start date; the same rule spreads the line's tax.

/** Period amounts for cumulative month counts F_1 < F_2 < … (F_0 = 0). */
export function cumulativeAmounts(monthly: DecimalInput, cumulativeMonths: readonly DecimalInput[], currency: string): Dec[] {
  const p = new Dec(monthly);
  let billed = new Dec(0);
  return cumulativeMonths.map((f) => {
    const due = roundMoney(p.times(f), currency);
    const part = due.minus(billed);
    billed = due;
    return part;
  });
}

/**
 * Splits a total (a line's totalPrice or taxAmount) over periods given the cumulative share of
 * the term each reaches (each in (0, 1], increasing, the last 1): parts sum to round(total).
 */
export function cumulativeSplit(total: DecimalInput, cumulativeShares: readonly DecimalInput[], currency: string): Dec[] {
  return cumulativeAmounts(total, cumulativeShares, currency);
}
