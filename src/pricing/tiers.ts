import { Dec } from '../core/money.js';
import type { PricingTier } from './model.js';

// Tier arithmetic (DESIGN "Pricing"): tier i covers quantities in (end_{i−1}, end_i], the last is
// open. Volume: the tier containing the quantity prices all units. Tiered: each tier prices its
// own units. PerUnit tiers charge amount × units; a FlatFee tier charges its amount once.

const sorted = (tiers: readonly PricingTier[]) => [...tiers].sort((a, b) => a.startUnit.comparedTo(b.startUnit));

/** The tier a quantity falls in: the first whose end is at or above it (or the open last). */
export function tierContaining(tiers: readonly PricingTier[], q: Dec): PricingTier | undefined {
  const list = sorted(tiers);
  return list.find((t) => t.endUnit === null || q.lte(t.endUnit)) ?? list.at(-1);
}

/** Volume: the whole quantity at the containing tier's price. */
export function volumeTotal(tiers: readonly PricingTier[], q: Dec): Dec {
  const t = tierContaining(tiers, q);
  if (!t || q.isZero()) return new Dec(0);
  const amount = t.amount ?? new Dec(0);
  return t.chargeModel === 'FlatFee' ? amount : amount.times(q);
}

/** Units of q that fall in one tier. */
export function unitsInTier(t: PricingTier, q: Dec): Dec {
  const top = t.endUnit === null ? q : Dec.min(q, t.endUnit);
  return Dec.max(0, top.minus(t.startUnit));
}

/** Tiered (graduated): the sum over tiers of each tier's price for its own units. */
export function tieredTotal(tiers: readonly PricingTier[], q: Dec): Dec {
  let total = new Dec(0);
  for (const t of sorted(tiers)) {
    const units = unitsInTier(t, q);
    if (units.isZero()) continue;
    const amount = t.amount ?? new Dec(0);
    total = total.plus(t.chargeModel === 'FlatFee' ? amount : amount.times(units));
  }
  return total;
}
