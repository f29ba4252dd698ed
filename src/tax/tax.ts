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

/**
 * How a tax came about (DESIGN "Tax"), so a tax of 0 is never silent: `Calculated` (a rate applied,
 * or none was due: an exempt customer, a tenant without rates, a `taxRates` override),
 * `NotCalculated` (`calculateTax: false`), `AddressMissing` (the tenant has rates but no address
 * resolved), `NoRate` (an address resolved but no rate matches it).
 */
export type TaxStatus = 'Calculated' | 'NotCalculated' | 'AddressMissing' | 'NoRate';

const SEVERITY: Record<string, number> = { Calculated: 0, NotCalculated: 1, NoRate: 2, AddressMissing: 3 };

/** The status of several taxed lines (an order, an invoice): the most telling one. None: Calculated. */
export function combinedTaxStatus(statuses: Iterable<string>): TaxStatus {
  let worst: TaxStatus = 'Calculated';
  for (const s of statuses) if ((SEVERITY[s] ?? 0) > SEVERITY[worst]!) worst = s as TaxStatus;
  return worst;
}

/** An address resolves when it names a country (rates are keyed by country). */
export const isTaxAddress = (a: TaxAddress | null | undefined): a is TaxAddress => !!a?.country?.trim();

/**
 * The tax address from its fallbacks, first that resolves (DESIGN "Tax"): the order's bill-to
 * contact, the customer's primary bill-to contact, the contact its first activated order used, the
 * customer's own billing address. Null when none does.
 */
export function resolveTaxAddress(candidates: readonly (TaxAddress | null | undefined)[]): TaxAddress | null {
  return candidates.find(isTaxAddress) ?? null;
}

/** A line's rate and status. `override`: a request's `taxRates` percent for the line's SKU. */
export function taxRateFor(i: { enabled: boolean; exempt: boolean; rates: readonly TaxRate[]; address: TaxAddress | null; taxCode: string | null; override?: Dec | undefined }): { rate: Dec; status: TaxStatus } {
  const none = new Dec(0);
  if (!i.enabled) return { rate: none, status: 'NotCalculated' };
  if (i.exempt) return { rate: none, status: 'Calculated' };
  if (i.override) return { rate: i.override, status: 'Calculated' };
  if (i.rates.length === 0) return { rate: none, status: 'Calculated' };
  if (!isTaxAddress(i.address)) return { rate: none, status: 'AddressMissing' };
  const r = pickRate(i.rates, i.address, i.taxCode);
  return r ? { rate: r.rate, status: 'Calculated' } : { rate: none, status: 'NoRate' };
}
