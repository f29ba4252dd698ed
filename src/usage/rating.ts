import { cumulativeParts } from '../core/cumulative-rounding.js';
import { Dec, roundMoney } from '../core/money.js';
import type { PlainDate } from '../core/dates.js';
import { Temporal } from 'temporal-polyfill';
import type { PricingTier, PricingUom } from '../pricing/model.js';
import { roundQuantity } from '../pricing/price-line.js';
import { tieredTotal, volumeTotal } from '../pricing/tiers.js';

// Usage rating (shared/design/usage.md "Rating"), pure: the caller hands it a version segment's
// terms and the period-to-date consumed quantities. A window is rated cumulatively,
// r_w = round(P(o(c_w))) − round(P(o(c_{w−1}))), so a segment's windows sum exactly to its charge
// whatever order the usage arrived in.

/** How a segment prices its overage o: per unit, or through a Tiered or Volume price tag. */
export type UsagePrice =
  | { model: 'PerUnit'; unitPrice: Dec }
  | { model: 'Tiered' | 'Volume'; tiers: readonly PricingTier[] };

/** One version segment's terms: its price, its discount (percent) and the allowance I_s through it. */
export interface UsageSegment {
  price: UsagePrice;
  discountPercentage: Dec;
  allowance: Dec;
}

/** o_s(c) = max(0, c − I_s). */
export const overageOf = (s: UsageSegment, consumed: Dec): Dec => Dec.max(0, consumed.minus(s.allowance));

/** P_s(o), unrounded: P(0) = 0; Volume picks its tier by the overage, not by what was consumed. */
export function priceOf(s: UsageSegment, overage: Dec): Dec {
  if (overage.lte(0)) return new Dec(0);
  const gross = s.price.model === 'PerUnit' ? overage.times(s.price.unitPrice)
    : s.price.model === 'Tiered' ? tieredTotal(s.price.tiers, overage) : volumeTotal(s.price.tiers, overage);
  return gross.times(new Dec(100).minus(s.discountPercentage)).dividedBy(100);
}

/** The rounded charge of the segment for consumption c (what windows up to c have rated in all). */
export const chargeAt = (s: UsageSegment, consumed: Dec, currency: string): Dec => roundMoney(priceOf(s, overageOf(s, consumed)), currency);

/**
 * The rated amounts of a segment's windows: `before` is c just before the segment's first window
 * (the period's consumption carries across segments), `ends` the period-to-date c at each window's
 * end. A Volume window may rate negative (into a cheaper band): expected.
 */
export function rateWindows(s: UsageSegment, before: Dec, ends: readonly Dec[], currency: string): { amount: Dec; overage: Dec }[] {
  const overages = ends.map((c) => overageOf(s, c));
  const amounts = cumulativeParts(overages.map((o) => priceOf(s, o)), currency, priceOf(s, overageOf(s, before)));
  return overages.map((o, i) => ({ amount: amounts[i]!, overage: o.minus(i === 0 ? overageOf(s, before) : overages[i - 1]!) }));
}

/**
 * The allowance I_s through each segment: Σ includedUnits_k × f_k over the segments so far (f_k its
 * fraction of the period under the term basis), rounded down to the UOM's scale; without proration
 * every period touched grants the full allowance.
 */
export function allowances(segments: readonly { includedUnits: Dec; fraction: Dec }[], uom: Pick<PricingUom, 'decimalScale'>, prorate = true): Dec[] {
  let granted = new Dec(0);
  return segments.map((s) => {
    granted = granted.plus(prorate ? s.includedUnits.times(s.fraction) : s.includedUnits);
    return prorate ? roundQuantity(granted, { decimalScale: uom.decimalScale, roundingMode: 'Down' }) : s.includedUnits;
  });
}

/** Units → credits through a credit conversion: k(o) = round(o × creditQuantity / uomQuantity) at the conversion's scale and mode. */
export function creditsOf(overage: Dec, conversion: { creditQuantity: Dec; uomQuantity: Dec; decimalScale: number; roundingMode: 'Up' | 'Down' }): Dec {
  return roundQuantity(overage.times(conversion.creditQuantity).dividedBy(conversion.uomQuantity), conversion);
}

/** A credit as burndown draws it: its validity (inclusive) and what is left of it. */
export interface CreditBalance { id: string; creditNumber: string; startDate: PlainDate; endDate: PlainDate; balance: Dec }

/** Burn order: earliest end date first, then earliest start date, then credit number. */
export function burnOrder<C extends CreditBalance>(credits: readonly C[]): C[] {
  return [...credits].sort((a, b) => Temporal.PlainDate.compare(a.endDate, b.endDate) || Temporal.PlainDate.compare(a.startDate, b.startDate)
    || (a.creditNumber < b.creditNumber ? -1 : a.creditNumber > b.creditNumber ? 1 : 0));
}

/**
 * Draws `needed` credits from those valid on `on`, in burn order, never past a balance: the draws,
 * and what no credit covered (the overage past c*, or OverLimit when the product blocks it). An
 * expired credit is never drawn, whatever date the usage is rated on.
 */
export function drawCredits<C extends CreditBalance>(credits: readonly C[], on: PlainDate, needed: Dec): { draws: { credit: C; amount: Dec }[]; uncovered: Dec } {
  const draws: { credit: C; amount: Dec }[] = [];
  let left = Dec.max(0, needed);
  for (const credit of burnOrder(credits)) {
    if (left.isZero()) break;
    if (Temporal.PlainDate.compare(credit.startDate, on) > 0 || Temporal.PlainDate.compare(credit.endDate, on) < 0 || credit.balance.lte(0)) continue;
    const amount = Dec.min(left, credit.balance);
    draws.push({ credit, amount });
    left = left.minus(amount);
  }
  return { draws, uncovered: left };
}
