import { Dec, roundMoney, type DecimalInput } from './money.js';

// Invoices add up to the contract (DESIGN.md "Money and rounding"): with P the line's monthly
// amount and F_k the months covered from the line's start through the end of period k, period k
// bills round(P·F_k) − round(P·F_{k−1}). The parts telescope, so their sum is round(P·F_last)
// whatever the start date; the same rule spreads the line's tax.

/**
 * The parts of a running total: given its unrounded values V_1, V_2, … (V_0 = `start`), part k is
 * round(V_k) − round(V_{k−1}), so the parts sum to round(V_last) − round(V_0) however it is cut.
 */
export function cumulativeParts(values: readonly Dec[], currency: string, start: DecimalInput = 0): Dec[] {
  let billed = roundMoney(new Dec(start), currency);
  return values.map((v) => {
    const due = roundMoney(v, currency);
    const part = due.minus(billed);
    billed = due;
    return part;
  });
}

/** Period amounts for cumulative month counts F_1 < F_2 < … (F_0 = 0). */
export function cumulativeAmounts(monthly: DecimalInput, cumulativeMonths: readonly DecimalInput[], currency: string): Dec[] {
  const p = new Dec(monthly);
  return cumulativeParts(cumulativeMonths.map((f) => p.times(f)), currency);
}

/**
 * Splits a total (a line's totalPrice or taxAmount) over periods given the cumulative share of
 * the term each reaches (each in (0, 1], increasing, the last 1): parts sum to round(total).
 */
export function cumulativeSplit(total: DecimalInput, cumulativeShares: readonly DecimalInput[], currency: string): Dec[] {
  return cumulativeAmounts(total, cumulativeShares, currency);
}
