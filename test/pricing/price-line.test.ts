import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { Dec } from '../../src/core/money.js';
import type { PriceLineInput, PricingTag, PricingTier } from '../../src/pricing/model.js';
import { priceLine, roundQuantity } from '../../src/pricing/price-line.js';
import { tierContaining, tieredTotal, volumeTotal } from '../../src/pricing/tiers.js';

const d = (x: string | number) => new Dec(String(x));
const month = { termDimension: 'Month' as const, decimalScale: 0, roundingMode: 'Up' as const };
const base = (o: Partial<PriceLineInput> = {}): PriceLineInput => ({
  currency: 'USD', priceModel: 'Recurring', listPrice: d('9.9'), uom: month, quantity: d(1), term: 12, tags: [],
  pricingTime: '2023-06-22T00:00:00Z', ...o,
});
const tier = (start: number, end: number | null, amount: string | null, o: Partial<PricingTier> = {}): PricingTier =>
  ({ startUnit: d(start), endUnit: end === null ? null : d(end), amount: amount === null ? null : d(amount), discountPercentage: null, chargeModel: 'PerUnit', ...o });
const tag = (o: Partial<PricingTag>): PricingTag => ({ code: 'T', recordType: 'PriceDimension', priceTagType: 'Quantity', priceType: 'Volume', active: true, startTime: null, endTime: null, tiers: [], ...o });
const storage = [tier(0, 100, '0.50'), tier(100, 1000, '0.40'), tier(1000, null, '0.25')];
const money = (p: ReturnType<typeof priceLine>) => ({
  listTotalPrice: p.listTotalPrice.toFixed(2), subtotal: p.subtotal.toFixed(2), totalPrice: p.totalPrice.toFixed(2),
  netSalesPrice: p.netSalesPrice.toString(), deltaCMRR: p.deltaCMRR.toFixed(2), deltaARR: p.deltaARR.toFixed(2), deltaTCV: p.deltaTCV.toFixed(2), deltaACV: p.deltaACV.toFixed(2),
});

describe('pricing a line', () => {
  it('TC-1: 9.9 × 1 × 12', () => {
    expect(money(priceLine(base()))).toEqual({ listTotalPrice: '118.80', subtotal: '118.80', totalPrice: '118.80', netSalesPrice: '9.9', deltaCMRR: '9.90', deltaARR: '118.80', deltaTCV: '118.80', deltaACV: '118.80' });
  });

  it('a 6-month line has TCV = ACV = 59.4; a 24-month line has ACV 118.8', () => {
    expect(money(priceLine(base({ term: 6 })))).toMatchObject({ deltaTCV: '59.40', deltaACV: '59.40', deltaCMRR: '9.90' });
    expect(money(priceLine(base({ term: 24 })))).toMatchObject({ deltaTCV: '237.60', deltaACV: '118.80' });
  });

  it('a tiered price tag prices each tier\'s units; net is total / (qty × term) to 6 decimals', () => {
    const p = priceLine(base({ listPrice: d('0.5'), quantity: d(150), tags: [tag({ priceType: 'Tiered', tiers: storage })] }));
    // 100 × 0.50 + 50 × 0.40 = 70 a month, × 12
    expect(money(p)).toMatchObject({ listTotalPrice: '900.00', subtotal: '840.00', totalPrice: '840.00', netSalesPrice: '0.466667', deltaCMRR: '70.00', deltaACV: '840.00' });
    expect([p.systemDiscountAmount.toFixed(2), p.appliedTags]).toEqual(['60.00', ['T']]);
  });

  it('a volume price tag prices all units at the containing tier', () => {
    expect(priceLine(base({ listPrice: d('0.5'), quantity: d(150), tags: [tag({ tiers: storage })] })).totalPrice.toFixed(2)).toBe('720.00');
    expect(priceLine(base({ listPrice: d('0.5'), quantity: d(100), tags: [tag({ tiers: storage })] })).totalPrice.toFixed(2)).toBe('600.00');
    const flat = [tier(0, 10, '50', { chargeModel: 'FlatFee' }), tier(10, null, '4')];
    expect(priceLine(base({ listPrice: d(5), quantity: d(7), term: 1, tags: [tag({ tiers: flat })] })).totalPrice.toFixed(2)).toBe('50.00');
    expect(priceLine(base({ listPrice: d(5), quantity: d(12), term: 1, tags: [tag({ tiers: flat })] })).totalPrice.toFixed(2)).toBe('48.00');
  });

  it('a term price tag looks its tier up by the term', () => {
    const byTerm = tag({ priceTagType: 'Term', tiers: [tier(0, 11, '9.9'), tier(11, 23, '8.9'), tier(23, null, '7.9')] });
    expect(priceLine(base({ tags: [byTerm] })).totalPrice.toFixed(2)).toBe('106.80');
    expect(priceLine(base({ term: 6, tags: [byTerm] })).totalPrice.toFixed(2)).toBe('59.40');
  });

  it('discount tags apply in order on the running price, then the manual discount', () => {
    const ten = tag({ code: 'D10', recordType: 'DiscountDimension', tiers: [tier(0, null, null, { discountPercentage: d(10) })] });
    const five = tag({ code: 'D5', recordType: 'DiscountDimension', tiers: [tier(0, null, null, { discountPercentage: d(5) })] });
    const p = priceLine(base({ tags: [ten, five] }));
    // 9.9 × 0.9 × 0.95 = 8.4645
    expect([p.salesPrice.toString(), p.subtotal.toFixed(2), p.totalPrice.toFixed(2), p.systemDiscount.toString(), p.appliedTags]).toEqual(['8.4645', '101.57', '101.57', '14.5', ['D10', 'D5']]);
    const manual = priceLine(base({ tags: [ten], discountPercent: d(30) }));
    // 9.9 × 0.9 = 8.91; × 0.7 = 6.237; × 12 = 74.844
    expect([manual.netSalesPrice.toString(), manual.subtotal.toFixed(2), manual.totalPrice.toFixed(2), manual.discountAmount.toFixed(2), manual.discount.toString()]).toEqual(['6.237', '106.92', '74.84', '32.08', '30']);
  });

  it('a manual discount amount comes off the line total', () => {
    const p = priceLine(base({ discountAmount: d(10) }));
    expect([p.totalPrice.toFixed(2), p.netSalesPrice.toString(), p.discountAmount.toFixed(2), p.discount.toString()]).toEqual(['108.80', '9.066667', '10.00', '8.417508']);
  });

  it('tags outside their window or inactive are skipped', () => {
    const later = tag({ tiers: storage, startTime: '2024-01-01T00:00:00Z' });
    const off = tag({ tiers: storage, active: false });
    expect(priceLine(base({ tags: [later, off] })).totalPrice.toFixed(2)).toBe('118.80');
  });

  it('rounds quantities by the UOM', () => {
    expect(roundQuantity(d('2.1'), month).toString()).toBe('3');
    expect(roundQuantity(d('2.9'), { ...month, roundingMode: 'Down' }).toString()).toBe('2');
    expect(roundQuantity(d('2.125'), { ...month, decimalScale: 2 }).toString()).toBe('2.13');
    expect(priceLine(base({ quantity: d('1.2') })).totalPrice.toFixed(2)).toBe('237.60');
  });

  it('prices yearly, one-time, usage, included and free units', () => {
    const yearly = priceLine(base({ listPrice: d(120), term: 2, uom: { ...month, termDimension: 'Year' } }));
    expect(money(yearly)).toMatchObject({ totalPrice: '240.00', deltaCMRR: '10.00', deltaARR: '120.00', deltaACV: '120.00' });
    const once = priceLine(base({ priceModel: 'One-Time', listPrice: d(49), quantity: d(2), uom: { ...month, termDimension: null } }));
    expect([once.term, once.totalPrice.toFixed(2), once.deltaCMRR.toFixed(2), once.deltaTCV.toFixed(2)]).toEqual([1, '98.00', '0.00', '98.00']);
    const usage = priceLine(base({ priceModel: 'Usage', listPrice: d('0.01'), quantity: d(1000) }));
    expect([usage.totalPrice.toFixed(2), usage.deltaCMRR.toFixed(2)]).toEqual(['0.00', '0.00']);
    const included = priceLine(base({ included: true, quantity: d(4) }));
    expect([included.totalPrice.toFixed(2), included.listTotalPrice.toFixed(2)]).toEqual(['0.00', '475.20']);
    const free = priceLine(base({ quantity: d(6), includedQuantity: d(4) }));
    expect([free.chargeableQuantity.toString(), free.totalPrice.toFixed(2)]).toEqual(['2', '237.60']);
  });
});

const tierSets = fc.array(fc.tuple(fc.integer({ min: 1, max: 50 }), fc.integer({ min: 0, max: 2000 }).map((c) => d(c).dividedBy(100))), { minLength: 1, maxLength: 5 })
  .map((steps) => {
    let start = 0;
    return steps.map(([width, amount], i): PricingTier => {
      const t = tier(start, i === steps.length - 1 ? null : start + width, amount.toString());
      start += width;
      return t;
    });
  });

describe('tier laws', () => {
  it('Tiered equals the sum of its tiers, unit by unit', () => {
    fc.assert(fc.property(tierSets, fc.integer({ min: 0, max: 300 }), (tiers, q) => {
      let oracle = d(0);
      for (let u = 1; u <= q; u++) oracle = oracle.plus(tierContaining(tiers, d(u))!.amount!);
      expect(tieredTotal(tiers, d(q)).equals(oracle)).toBe(true);
    }));
  });

  it('Volume is monotone within a tier; Tiered is monotone everywhere', () => {
    fc.assert(fc.property(tierSets, fc.integer({ min: 1, max: 300 }), fc.integer({ min: 1, max: 300 }), (tiers, a, b) => {
      const [lo, hi] = a <= b ? [d(a), d(b)] : [d(b), d(a)];
      if (tierContaining(tiers, lo) === tierContaining(tiers, hi)) expect(volumeTotal(tiers, lo).lte(volumeTotal(tiers, hi))).toBe(true);
      expect(tieredTotal(tiers, lo).lte(tieredTotal(tiers, hi))).toBe(true);
    }));
  });

  it('a priced line is consistent: totals rounded, total = subtotal − discount, net × qty × term ≈ total', () => {
    fc.assert(fc.property(fc.integer({ min: 0, max: 100_000 }), fc.integer({ min: 1, max: 500 }), fc.integer({ min: 1, max: 36 }), fc.integer({ min: 0, max: 100 }),
      (cents, q, term, pct) => {
        const p = priceLine(base({ listPrice: d(cents).dividedBy(100), quantity: d(q), term, discountPercent: d(pct) }));
        for (const x of [p.listTotalPrice, p.subtotal, p.totalPrice, p.discountAmount]) expect(x.decimalPlaces()).toBeLessThanOrEqual(2);
        expect(p.subtotal.minus(p.discountAmount).equals(p.totalPrice)).toBe(true);
        expect(p.netSalesPrice.times(q).times(term).minus(p.totalPrice).abs().lte('0.005')).toBe(true);
        expect(p.deltaARR.equals(p.deltaCMRR.times(12))).toBe(true);
      }));
  });
});
