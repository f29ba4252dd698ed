import { readFileSync } from 'node:fs';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { anchorFor, billingPeriodAt, firstPeriod, periodContaining, periodMonths, periodStart, proratedFraction, type BillingPeriod, type PeriodAnchor } from '../../src/core/billing-periods.js';
import type { TermBasis } from '../../src/core/day-count.js';
import { compareDates, formatDate, parseDate } from '../../src/core/dates.js';
import { Dec, roundMoney } from '../../src/core/money.js';
import { day } from '../support/arbitraries.js';

interface Vector {
  name: string; source: string; basis: TermBasis; price: string; billCycleDay: number; period: BillingPeriod; billingStartMonth?: number;
  start: string; end: string; expect: { periodStart: string; periodEnd: string; numerator: number; denominator: number; amount: string };
}
const vectors: Vector[] = JSON.parse(readFileSync(new URL('../vectors/proration.json', import.meta.url), 'utf8'));

const anchor: fc.Arbitrary<PeriodAnchor> = fc.record({
  billCycleDay: fc.integer({ min: 1, max: 31 }), year: fc.integer({ min: 2000, max: 2040 }), month: fc.integer({ min: 1, max: 12 }),
});
const months = fc.constantFrom(1, 3, 6, 12);

describe('proration vectors', () => {
  it.each(vectors)('$name', (v) => {
    const start = parseDate(v.start, 'start');
    const m = periodMonths(v.period);
    const first = firstPeriod(start, anchorFor(start, v.billCycleDay, v.billingStartMonth), m);
    const full = billingPeriodAt(anchorFor(start, v.billCycleDay, v.billingStartMonth), m, first.n);
    expect([formatDate(full.start), formatDate(full.end)]).toEqual([v.expect.periodStart, v.expect.periodEnd]);
    expect(formatDate(first.end)).toBe(v.end);
    const f = proratedFraction({ start, endInclusive: parseDate(v.end, 'end'), period: full, months: m, basis: v.basis });
    expect([f.numerator, f.denominator]).toEqual([v.expect.numerator, v.expect.denominator]);
    expect(roundMoney(new Dec(v.price).times(f.fraction), 'USD').toFixed(2)).toBe(v.expect.amount);
  });
});

describe('billing periods', () => {
  it('start on the bill cycle day, clamped to short months, from the anchor', () => {
    const a = { billCycleDay: 31, year: 2024, month: 1 };
    expect([0, 1, 2, 3, 12].map((n) => formatDate(periodStart(a, 1, n)))).toEqual(['2024-01-31', '2024-02-29', '2024-03-31', '2024-04-30', '2025-01-31']);
    const q = { billCycleDay: 15, year: 2024, month: 1 };
    const p = periodContaining(q, 3, parseDate('2024-06-01', 'd'));
    expect([p.n, formatDate(p.start), formatDate(p.end)]).toEqual([1, '2024-04-15', '2024-07-14']);
    const before = periodContaining(q, 3, parseDate('2023-12-01', 'd'));
    expect([before.n, formatDate(before.start), formatDate(before.end)]).toEqual([-1, '2023-10-15', '2024-01-14']);
  });

  it('a line starting on a period start has a whole first period', () => {
    const start = parseDate('2023-07-01', 's');
    const first = firstPeriod(start, anchorFor(start, 1), 1);
    expect([first.partial, formatDate(first.start), formatDate(first.end)]).toEqual([false, '2023-07-01', '2023-07-31']);
  });

  it('tile time with no gap or overlap', () => {
    fc.assert(fc.property(anchor, months, fc.integer({ min: -24, max: 240 }), (a, m, n) => {
      const p = billingPeriodAt(a, m, n);
      const next = billingPeriodAt(a, m, n + 1);
      expect(p.end.add({ days: 1 }).equals(next.start)).toBe(true);
      expect(compareDates(p.start, p.end)).toBeLessThanOrEqual(0);
    }));
  });

  it('the period containing a date contains it', () => {
    fc.assert(fc.property(anchor, months, day, (a, m, d) => {
      const p = periodContaining(a, m, d);
      expect(compareDates(p.start, d)).toBeLessThanOrEqual(0);
      expect(compareDates(d, p.end)).toBeLessThanOrEqual(0);
      expect(billingPeriodAt(a, m, p.n)).toEqual(p);
    }));
  });

  it('a whole period is exactly 1 under both bases; a part is in (0, 1]', () => {
    fc.assert(fc.property(anchor, months, day, (a, m, d) => {
      const p = periodContaining(a, m, d);
      const whole = proratedFraction({ start: p.start, endInclusive: p.end, period: p, months: m, basis: 'US30360' });
      expect(whole.numerator).toBe(whole.denominator);
      const wholeActual = proratedFraction({ start: p.start, endInclusive: p.end, period: p, months: m, basis: 'Actual' });
      expect(wholeActual.numerator).toBe(wholeActual.denominator);
      const part = proratedFraction({ start: d, endInclusive: p.end, period: p, months: m, basis: 'Actual' });
      expect(part.fraction.gt(0) && part.fraction.lte(1)).toBe(true);
    }));
  });
});
