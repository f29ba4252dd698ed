import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { cumulativeAmounts, cumulativeSplit } from '../../src/core/cumulative-rounding.js';
import { Dec, roundMoney, sumMoney } from '../../src/core/money.js';

const money = (xs: Dec[]) => xs.map((x) => x.toFixed(2));

describe('cumulative rounding', () => {
  it('TC-1: 12 months of 9.9 from June 22 — first item 2.97, tax 0.26, invoice 3.23; totals exact', () => {
    // F_k: 0.3 months through June 30, then one more month per period, capped at the 12-month term.
    const F = [new Dec('0.3'), ...Array.from({ length: 11 }, (_, k) => new Dec('1.3').plus(k)), new Dec(12)];
    const items = cumulativeAmounts('9.9', F, 'USD');
    expect(money(items.slice(0, 3))).toEqual(['2.97', '9.90', '9.90']);
    expect(items.at(-1)!.toFixed(2)).toBe('6.93');
    expect(sumMoney(items).toFixed(2)).toBe('118.80');
    const tax = cumulativeSplit('10.25', F.map((f) => f.dividedBy(12)), 'USD');
    expect(tax[0]!.toFixed(2)).toBe('0.26');
    expect(sumMoney(tax).toFixed(2)).toBe('10.25');
    expect(items[0]!.plus(tax[0]!).toFixed(2)).toBe('3.23');
  });

  it('parts always add up to the rounded total, and each part is rounded', () => {
    const total = fc.tuple(fc.bigInt({ min: -(10n ** 10n), max: 10n ** 10n }), fc.integer({ min: 0, max: 6 }))
      .map(([u, s]) => new Dec(u.toString()).dividedBy(new Dec(10).pow(s)));
    const shares = fc.uniqueArray(fc.integer({ min: 1, max: 9999 }), { minLength: 0, maxLength: 40 })
      .map((xs) => [...xs.sort((a, b) => a - b).map((x) => new Dec(x).dividedBy(10_000)), new Dec(1)]);
    fc.assert(fc.property(total, shares, fc.constantFrom('USD', 'JPY', 'BHD'), (t, s, cur) => {
      const parts = cumulativeSplit(t, s, cur);
      expect(parts).toHaveLength(s.length);
      expect(sumMoney(parts).equals(roundMoney(t, cur))).toBe(true);
      for (const p of parts) expect(roundMoney(p, cur).equals(p)).toBe(true);
    }));
  });

  it('whatever the start day, a year of monthly invoices adds up to 12 × the price', () => {
    fc.assert(fc.property(fc.integer({ min: 0, max: 29 }), fc.integer({ min: 1, max: 99_999 }), (startDay, cents) => {
      const price = new Dec(cents).dividedBy(100);
      const first = new Dec(30 - startDay).dividedBy(30); // a partial first month under 30/360
      const F = [first, ...Array.from({ length: 11 }, (_, k) => first.plus(k + 1)), new Dec(12)].filter((f, i, a) => i === 0 || f.gt(a[i - 1]!));
      const items = cumulativeAmounts(price, F.map((f) => (f.gt(12) ? new Dec(12) : f)), 'USD');
      expect(sumMoney(items).equals(roundMoney(price.times(12), 'USD'))).toBe(true);
    }));
  });
});
