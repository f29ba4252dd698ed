import { Dec } from '../core/money.js';

// A price tag's tiers must tile the units with no gap or overlap (DESIGN.md "Pricing"):
// tier i covers (end_{i−1}, end_i]; the first starts at 0, each next starts where the previous
// ends, only the last may be open (no endUnit).

export interface TierRange {
  id: string;
  startUnit: string;
  endUnit: string | null;
  amount: string | null;
  discountPercentage: string | null;
}

/** The problem with a tag's tiers, or undefined when they are well formed. */
export function tierProblem(tiers: readonly TierRange[], isDiscount: boolean): string | undefined {
  if (tiers.length === 0) return undefined;
  const sorted = [...tiers].sort((a, b) => new Dec(a.startUnit).comparedTo(b.startUnit));
  if (!new Dec(sorted[0]!.startUnit).isZero()) return `the first tier must start at 0, not ${sorted[0]!.startUnit}`;
  for (let i = 0; i < sorted.length; i++) {
    const t = sorted[i]!;
    const next = sorted[i + 1];
    if (isDiscount ? t.discountPercentage === null : t.amount === null) {
      return `tier ${i + 1} needs ${isDiscount ? 'a discountPercentage (a discount tag)' : 'an amount (a price tag)'}`;
    }
    if (!next) break;
    if (t.endUnit === null) return `only the last tier may be open-ended; tier ${i + 1} (from ${t.startUnit}) has no endUnit`;
    const cmp = new Dec(next.startUnit).comparedTo(t.endUnit);
    if (cmp < 0) return `tiers overlap: a tier starts at ${next.startUnit} before the previous ends at ${t.endUnit}`;
    if (cmp > 0) return `tiers leave a gap between ${t.endUnit} and ${next.startUnit}`;
  }
  return undefined;
}
