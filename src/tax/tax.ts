import { Dec, roundMoney } from '../core/money.js';

// Tax arithmetic (DESIGN "Tax"). Pure.

export interface TaxRate { id: string; name: string | null; country: string; state: string | null; taxCode: string | null; rate: Dec }
export interface TaxAddress { country: string | null; state: string | null }

const same = (a: string | null, b: string | null) => (a ?? '').trim().toLowerCase() === (b ?? '').trim().toLowerCase();

/** The most specific rate for an address and tax code: state and code, then state, then code, then country. */
export function pickRate(rates: readonly TaxRate[], address: TaxAddress, taxCode: string | null): TaxRate | undefined {
  if (!address.country) return undefined;
  const inCountry = rates.filter((r) => same(r.country, address.country));
  const score = (r: TaxRate) => {
    if (r.state && !same(r.state, address.state)) return -1;
    if (r.taxCode && !same(r.taxCode, taxCode)) return -1;
    return (r.state ? 2 : 0) + (r.taxCode ? 1 : 0);
  };
  let best: TaxRate | undefined;
  for (const r of inCountry) if (score(r) >= 0 && (!best || score(r) > score(best))) best = r;
  return best;
}

/**
 * A line's tax at `rate` percent. Exclusive: tax = round(total × r / 100) on top of the total.
 * Inclusive: the total already holds the tax, tax = round(total × r / (100 + r)), and the line's
 * net total is total − tax.
 */
export function lineTax(total: Dec, rate: Dec, mode: 'Exclusive' | 'Inclusive', currency: string): { taxAmount: Dec; netTotal: Dec } {
  if (rate.isZero()) return { taxAmount: new Dec(0), netTotal: total };
  if (mode === 'Inclusive') {
    const taxAmount = roundMoney(total.times(rate).dividedBy(rate.plus(100)), currency);
    return { taxAmount, netTotal: total.minus(taxAmount) };
  }
  return { taxAmount: roundMoney(total.times(rate).dividedBy(100), currency), netTotal: total };
}
