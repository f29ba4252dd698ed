import fc from 'fast-check';
import { Temporal } from 'temporal-polyfill';
import { describe, expect, it } from 'vitest';
import { Dec } from '../../src/core/money.js';
import type { PricingTier } from '../../src/pricing/model.js';
import { allowances, burnOrder, chargeAt, creditsOf, drawCredits, rateWindows, type UsageSegment } from '../../src/usage/rating.js';

const d = (x: number | string | Dec) => new Dec(x);
const perUnit = (price: number | string, allowance = 0, discount = 0): UsageSegment => ({ price: { model: 'PerUnit', unitPrice: d(price) }, discountPercentage: d(discount), allowance: d(allowance) });
const tier = (start: number, end: number | null, amount: number | string | Dec, chargeModel: 'PerUnit' | 'FlatFee' = 'PerUnit'): PricingTier =>
  ({ startUnit: d(start), endUnit: end === null ? null : d(end), amount: d(amount), discountPercentage: null, chargeModel });
const sum = (xs: { amount: Dec }[]) => xs.reduce((n, x) => n.plus(x.amount), d(0));
const date = (s: string) => Temporal.PlainDate.from(s);

describe('usage rating (shared/design/usage.md)', () => {
  it('bills a mid-period price change per segment: 1,000 a day in August, 0.01 then 0.02 from 08-16 → 470.00', () => {
    const days = (from: number, to: number) => Array.from({ length: to - from + 1 }, (_, i) => d(1000 * (from + i)));
    const first = rateWindows(perUnit('0.01'), d(0), days(1, 15), 'USD');
    const second = rateWindows(perUnit('0.02'), d(15_000), days(16, 31), 'USD');
    expect([sum(first).toFixed(2), sum(second).toFixed(2), sum([...first, ...second]).toFixed(2)]).toEqual(['150.00', '320.00', '470.00']);
    expect(first.every((w) => w.amount.eq(10)) && second.every((w) => w.amount.eq(20))).toBe(true);
  });

  it('rounds cumulatively: a third of a cent a window bills 0.00, 0.01, 0.00, … and the period exactly', () => {
    const windows = rateWindows(perUnit('0.001'), d(0), Array.from({ length: 30 }, (_, i) => d(3 * (i + 1)) ), 'USD');
    expect(windows.slice(0, 4).map((w) => w.amount.toFixed(2))).toEqual(['0.00', '0.01', '0.00', '0.00']);
    expect(sum(windows).toFixed(2)).toBe('0.09'); // 90 units × 0.001
  });

  it('prices the overage past the allowance, with the segment\'s discount; Tiered counts its flat fees, Volume may rate a window negative', () => {
    expect(rateWindows(perUnit('2', 100, 25), d(0), [d(60), d(130), d(150)], 'USD').map((w) => [w.amount.toFixed(2), w.overage.toString()]))
      .toEqual([['0.00', '0'], ['45.00', '30'], ['30.00', '20']]);
    const tiers = [tier(0, 10, '1'), tier(10, null, '0.5'), tier(10, null, '5', 'FlatFee')];
    const tiered: UsageSegment = { price: { model: 'Tiered', tiers }, discountPercentage: d(0), allowance: d(0) };
    expect(rateWindows(tiered, d(0), [d(10), d(12)], 'USD').map((w) => w.amount.toFixed(2))).toEqual(['10.00', '6.00']);
    const volume: UsageSegment = { price: { model: 'Volume', tiers: [tier(0, 100, '1'), tier(100, null, '0.5')] }, discountPercentage: d(0), allowance: d(0) };
    expect(rateWindows(volume, d(0), [d(100), d(150)], 'USD').map((w) => w.amount.toFixed(2))).toEqual(['100.00', '-25.00']);
  });

  it('a segment\'s windows sum to its charge, however its consumption is cut into windows (property)', () => {
    const tiers = fc.array(fc.tuple(fc.integer({ min: 1, max: 50 }), fc.integer({ min: 0, max: 300 }), fc.boolean()), { minLength: 1, maxLength: 4 }).map((ts) => {
      let start = 0;
      return ts.map(([width, cents, flat], i) => { const t = tier(start, i === ts.length - 1 ? null : start + width, new Dec(cents).dividedBy(100), flat ? 'FlatFee' : 'PerUnit'); start += width; return t; });
    });
    const price = fc.oneof(
      fc.integer({ min: 0, max: 10_000 }).map((m) => ({ model: 'PerUnit' as const, unitPrice: new Dec(m).dividedBy(1000) })),
      fc.tuple(fc.constantFrom('Tiered' as const, 'Volume' as const), tiers).map(([model, t]) => ({ model, tiers: t })),
    );
    fc.assert(fc.property(price, fc.integer({ min: 0, max: 100 }), fc.integer({ min: 0, max: 50 }), fc.integer({ min: 0, max: 500 }),
      fc.array(fc.integer({ min: -20, max: 200 }), { minLength: 1, maxLength: 40 }), fc.constantFrom('USD', 'JPY', 'KWD'),
      (p, discount, allowance, before, deltas, currency) => {
        const s: UsageSegment = { price: p, discountPercentage: d(discount), allowance: d(allowance) };
        let c = d(before);
        const ends = deltas.map((x) => (c = c.plus(x)));
        const windows = rateWindows(s, d(before), ends, currency);
        expect(sum(windows).eq(chargeAt(s, c, currency).minus(chargeAt(s, d(before), currency)))).toBe(true);
        // one window over the same consumption rates the same in all
        expect(sum(rateWindows(s, d(before), [c], currency)).eq(sum(windows))).toBe(true);
      }), { numRuns: 500 });
  });

  it('prorates the allowance over version segments, rounded down to the UOM\'s scale; without proration each period gets it whole', () => {
    // 100 units a month, the first 10 of 31 days under one version, then 200 a month
    expect(allowances([{ includedUnits: d(100), fraction: d(10).dividedBy(31) }, { includedUnits: d(200), fraction: d(21).dividedBy(31) }], { decimalScale: 0 }).map(String))
      .toEqual(['32', '167']); // 32.26 → 32; 32.26 + 135.48 = 167.74 → 167
    expect(allowances([{ includedUnits: d(100), fraction: d(10).dividedBy(31) }], { decimalScale: 2 }).map(String)).toEqual(['32.25']);
    expect(allowances([{ includedUnits: d(100), fraction: d('0.5') }, { includedUnits: d(200), fraction: d('0.5') }], { decimalScale: 0 }, false).map(String)).toEqual(['100', '200']);
  });

  it('converts units to credits (TC-5: 10 units → 20 credits) at the conversion\'s scale and rounding', () => {
    const conversion = { creditQuantity: d(2), uomQuantity: d(1), decimalScale: 0, roundingMode: 'Up' as const };
    expect(creditsOf(d(10), conversion).toString()).toBe('20');
    expect(creditsOf(d(10), { ...conversion, creditQuantity: d(1), uomQuantity: d(3) }).toString()).toBe('4');
    expect(creditsOf(d(10), { ...conversion, creditQuantity: d(1), uomQuantity: d(3), roundingMode: 'Down', decimalScale: 2 }).toString()).toBe('3.33');
  });

  it('burns credits earliest end first, then earliest start, then number; never an expired or not-yet-valid one, never past a balance', () => {
    const credit = (creditNumber: string, start: string, end: string, balance: number) => ({ id: creditNumber, creditNumber, startDate: date(start), endDate: date(end), balance: d(balance) });
    const [a, b, c, dd] = [credit('A', '2026-08-01', '2026-09-30', 10), credit('B', '2026-08-03', '2026-09-15', 10), credit('C', '2026-08-05', '2026-09-15', 10), credit('D', '2026-08-02', '2026-10-01', 10)];
    expect(burnOrder([a!, b!, c!, dd!]).map((x) => x.creditNumber)).toEqual(['B', 'C', 'A', 'D']);
    const draw = drawCredits([a!, b!, c!, dd!], date('2026-08-10'), d(25));
    expect([draw.draws.map((x) => `${x.credit.creditNumber}:${x.amount}`), draw.uncovered.toString()]).toEqual([['B:10', 'C:10', 'A:5'], '0']);
    // late usage rated on 09-20: B and C have expired, so only A and D are drawn and the rest is uncovered
    const late = drawCredits([a!, b!, c!, dd!], date('2026-09-20'), d(25));
    expect([late.draws.map((x) => `${x.credit.creditNumber}:${x.amount}`), late.uncovered.toString()]).toEqual([['A:10', 'D:10'], '5']);
    expect(drawCredits([a!], date('2026-07-31'), d(1)).uncovered.toString()).toBe('1');
  });
});
