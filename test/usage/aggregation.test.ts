import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { DomainError } from '../../src/core/errors.js';
import { Dec } from '../../src/core/money.js';
import { AGGREGATIONS, aggregatePeriod, NO_CARRY, type Aggregation, type Carry, type PeriodAggregate, type UsageEvent } from '../../src/usage/aggregation.js';

const d = (x: number | string | Dec) => new Dec(x);
const HOUR = 3_600_000;
const DAY = 24 * HOUR;
const T0 = Date.UTC(2026, 7, 1); // 2026-08-01T00:00Z
const ev = (id: string, at: number, quantity: number | string | Dec, property: string | null = null): UsageEvent => ({ id, at, quantity: d(quantity), property });
const days = (start: number, n: number) => Array.from({ length: n }, (_, i) => start + (i + 1) * DAY);
const strings = (xs: readonly Dec[]) => xs.map(String);
const shown = (r: PeriodAggregate) => ({ consumed: strings(r.consumed), quantity: strings(r.quantity), level: String(r.carry.level), latest: r.carry.latest === null ? null : String(r.carry.latest) });
const inOrder = (xs: readonly Dec[]) => xs.reduce((s, x) => s.plus(x), d(0));

describe('usage aggregation (shared/design/usage.md "Vocabulary")', () => {
  it('Lago\'s examples: sum of 20 and 10 → 30; count of 3 rows → 3', () => {
    const end = [T0 + 30 * DAY];
    expect(String(aggregatePeriod('Sum', [ev('1', T0 + DAY, 20), ev('2', T0 + 2 * DAY, 10)], T0, end, 30, NO_CARRY).consumed[0])).toBe('30');
    const three = [ev('1', T0, 5), ev('2', T0 + HOUR, 0), ev('3', T0 + 2 * HOUR, -1)];
    expect(String(aggregatePeriod('Count', three, T0, end, 30, NO_CARRY).consumed[0])).toBe('3');
  });

  // a 3-day period in daily windows; the rows outside it (before its start, at its end) never count
  const rows = [
    ev('e4', T0 + 2 * DAY, 7),
    ev('e1', T0 + 6 * HOUR, 5, 'a'),
    ev('out-before', T0 - 1, 100, 'z'),
    ev('e3', T0 + 25 * HOUR, -2, 'a'),
    ev('out-after', T0 + 3 * DAY, 100, 'y'),
    ev('e2', T0 + 12 * HOUR, 3, 'b'),
  ];
  const windows = days(T0, 3);
  it.each<[Aggregation, string[], string[]]>([
    ['Sum', ['8', '6', '13'], ['8', '-2', '7']],
    ['Count', ['2', '3', '4'], ['2', '1', '1']],
    ['Max', ['5', '5', '7'], ['5', '0', '2']],
    ['UniqueCount', ['2', '2', '2'], ['2', '0', '0']], // e4 has no property
    ['Latest', ['3', '-2', '7'], ['3', '-5', '9']],
  ])('%s over three daily windows', (kind, consumed, quantity) => {
    const r = aggregatePeriod(kind, rows, T0, windows, 3, NO_CARRY);
    expect([strings(r.consumed), strings(r.quantity)]).toEqual([consumed, quantity]);
    expect(shown(r).level).toBe('13'); // the carry is the same whatever the kind
    expect(shown(r).latest).toBe('7');
  });

  it('WeightedSum over three daily windows: ∫ level dt ÷ the full period', () => {
    // level 5 from 06:00, 8 from 12:00, 6 from day 1 01:00, 13 from day 2: in level-hours 126, +146, +312
    const r = aggregatePeriod('WeightedSum', rows, T0, windows, 3, NO_CARRY);
    expect(String(r.consumed[0])).toBe('1.75'); // 126 / 72
    expect(r.consumed[1]!.eq(d(272).dividedBy(72)) && r.consumed[2]!.eq(d(584).dividedBy(72))).toBe(true);
    expect(inOrder(r.quantity).eq(r.consumed[2]!)).toBe(true);
    expect(String(r.carry.level)).toBe('13');
  });

  it('WeightedSum carries its level across periods, and prorates a stub period by itself', () => {
    // +10 GB at day 0 of a 30-day period, −5 at day 15 → (10 × 15 + 5 × 15) / 30 = 7.5
    const first = aggregatePeriod('WeightedSum', [ev('b', T0 + 15 * DAY, -5), ev('a', T0, 10)], T0, days(T0, 30), 30, NO_CARRY);
    expect([String(first.consumed[14]), String(first.consumed[29]), String(first.carry.level)]).toEqual(['5', '7.5', '5']);
    // each consumed value has Dec's 40 digits (4.33…3, 4.66…7, 5, 5.166…7, 5.33…3); a window's quantity is their exact difference
    expect(strings(first.quantity.slice(13, 17))).toEqual(['0.333333333333333333333333333333333333334', '0.333333333333333333333333333333333333333', '0.166666666666666666666666666666666666667', '0.166666666666666666666666666666666666666']);
    expect(inOrder(first.quantity).eq(d('7.5'))).toBe(true);
    // the next period starts at level 5 with no rows: 5 for the full period, 5 × k / 30 after k days
    const T1 = T0 + 30 * DAY;
    const second = aggregatePeriod('WeightedSum', [], T1, days(T1, 30), 30, first.carry);
    expect([String(second.consumed[5]), String(second.consumed[29]), String(second.carry.level)]).toEqual(['1', '5', '5']);
    // a 10-day stub of a 30-day month: +9 at its start → 9 × 10 / 30 = 3; alone in one window the same
    expect(String(aggregatePeriod('WeightedSum', [ev('s', T1, 9)], T1, days(T1, 10), 30, NO_CARRY).consumed[9])).toBe('3');
    expect(String(aggregatePeriod('WeightedSum', [], T1, [T1 + 10 * DAY], 30, { level: d(6), latest: null }).consumed[0])).toBe('2');
  });

  it('Latest: ties of the timestamp go to the greater id; an empty period keeps the previous period\'s last value', () => {
    const first = aggregatePeriod('Latest', [ev('b', T0 + DAY, 4), ev('a', T0 + DAY, 9), ev('c', T0 + 1, 2)], T0, days(T0, 3), 3, NO_CARRY);
    expect([strings(first.consumed), String(first.carry.latest)]).toEqual([['2', '4', '4'], '4']);
    const T1 = T0 + 3 * DAY;
    const empty = aggregatePeriod('Latest', [], T1, days(T1, 3), 3, first.carry);
    expect([strings(empty.consumed), strings(empty.quantity), String(empty.carry.latest)]).toEqual([['4', '4', '4'], ['4', '0', '0'], '4']);
    // the carried value holds until the period's first row
    const later = aggregatePeriod('Latest', [ev('x', T1 + DAY + 5, 1)], T1, days(T1, 3), 3, empty.carry);
    expect(strings(later.consumed)).toEqual(['4', '1', '1']);
    // no carry and no rows: 0, and still no carried value
    const none = aggregatePeriod('Latest', [], T1, days(T1, 2), 3, NO_CARRY);
    expect([strings(none.consumed), none.carry.latest]).toEqual([['0', '0'], null]);
  });

  it('Max is 0 before the period\'s first row, then the greatest quantity so far, negative if every row is', () => {
    const r = aggregatePeriod('Max', [ev('a', T0 + DAY, -3), ev('b', T0 + 2 * DAY, -1), ev('c', T0 + 2 * DAY + 1, -7)], T0, days(T0, 3), 3, NO_CARRY);
    expect(strings(r.consumed)).toEqual(['0', '-3', '-1']);
  });

  it('UniqueCount counts each distinct property once, exactly, and never a row without one', () => {
    // 1,000 rows: the even ones name one of 7 users, the odd ones none
    const many = Array.from({ length: 1000 }, (_, i) => ev(`e${i}`, T0 + i, 1, i % 2 === 0 ? `user-${i % 7}` : null));
    expect(strings(aggregatePeriod('UniqueCount', many, T0, [T0 + 4, T0 + 13, T0 + DAY], 1, NO_CARRY).consumed)).toEqual(['2', '7', '7']);
  });

  it('an empty list of windows is an empty period; bad windows or timestamps are refused', () => {
    const r = aggregatePeriod('Sum', [ev('a', T0, 1)], T0, [], 30, { level: d(2), latest: d(1) });
    expect(shown(r)).toEqual({ consumed: [], quantity: [], level: '2', latest: '1' });
    expect(() => aggregatePeriod('Sum', [], T0, [T0 + DAY, T0 + DAY], 30, NO_CARRY)).toThrow(DomainError);
    expect(() => aggregatePeriod('Sum', [], T0, [T0], 30, NO_CARRY)).toThrow(DomainError);
    expect(() => aggregatePeriod('WeightedSum', [], T0, [T0 + DAY], 0, NO_CARRY)).toThrow(DomainError);
    expect(() => aggregatePeriod('Sum', [ev('a', T0 + 0.5, 1)], T0, [T0 + DAY], 30, NO_CARRY)).toThrow(DomainError);
  });

  describe('laws (property)', () => {
    const Wide = Dec.clone({ precision: 1000 }); // exact for these magnitudes: the references add and multiply only
    // quantities of very different scales (up to 18 significant digits), so totals outgrow small precisions
    const quantity = fc.oneof(
      fc.integer({ min: -50, max: 50 }).map((n) => d(n)),
      fc.tuple(fc.bigInt({ min: -(10n ** 18n) + 1n, max: 10n ** 18n - 1n }), fc.integer({ min: 0, max: 18 })).map(([m, s]) => d(m.toString()).dividedBy(d(10).pow(s))),
    );
    const scenario = fc.record({
      lengthMs: fc.integer({ min: 1, max: 31 * DAY }),
      extraDays: fc.integer({ min: 0, max: 30 }),
      cuts: fc.array(fc.double({ min: 0, max: 1, noNaN: true }), { maxLength: 8 }),
      carry: fc.record({ level: quantity, latest: fc.option(quantity) }),
    }).chain((s) => fc.record({
      s: fc.constant(s),
      events: fc.array(fc.record({
        id: fc.integer({ min: 0, max: 30 }).map((n) => `e${n}`),
        at: fc.oneof(fc.integer({ min: T0, max: T0 + s.lengthMs - 1 }), fc.integer({ min: T0 - DAY, max: T0 + s.lengthMs + DAY }), fc.constantFrom(T0, T0 + s.lengthMs, T0 - 1)),
        quantity,
        property: fc.option(fc.constantFrom('a', 'b', 'c', 'd', 'e')),
      }), { maxLength: 40 }),
    })).map(({ s, events }) => {
      const end = T0 + s.lengthMs;
      const inner = s.cuts.map((f) => T0 + Math.floor(f * s.lengthMs)).filter((t) => t > T0 && t < end);
      const windowEnds = [...new Set([...inner, end])].sort((a, b) => a - b);
      // the full period is at least as long as this one (a stub is shorter than its full period)
      const periodDays = Math.ceil(s.lengthMs / DAY) + s.extraDays;
      return { events, windowEnds, periodDays, carry: s.carry as Carry };
    });
    const withPermutation = scenario.chain((x) => fc.record({ x: fc.constant(x), shuffled: fc.shuffledSubarray(x.events, { minLength: x.events.length, maxLength: x.events.length }) }));

    it('the input order does not matter', () => fc.assert(fc.property(withPermutation, fc.constantFrom(...AGGREGATIONS), ({ x, shuffled }, kind) => {
      const a = aggregatePeriod(kind, x.events, T0, x.windowEnds, x.periodDays, x.carry);
      const b = aggregatePeriod(kind, shuffled, T0, x.windowEnds, x.periodDays, x.carry);
      expect(shown(b)).toEqual(shown(a));
    })));

    it('the last window\'s consumption and the carry equal one window over the whole period; the quantities sum to it exactly', () => fc.assert(fc.property(scenario, fc.constantFrom(...AGGREGATIONS), (x, kind) => {
      const windowed = aggregatePeriod(kind, x.events, T0, x.windowEnds, x.periodDays, x.carry);
      const whole = aggregatePeriod(kind, x.events, T0, [x.windowEnds[x.windowEnds.length - 1]!], x.periodDays, x.carry);
      const last = windowed.consumed[windowed.consumed.length - 1]!;
      expect(String(last)).toBe(String(whole.consumed[0]));
      expect([String(windowed.carry.level), String(windowed.carry.latest)]).toEqual([String(whole.carry.level), String(whole.carry.latest)]);
      expect(inOrder(windowed.quantity).eq(last)).toBe(true);
      // each window's quantity is the exact difference of its consumption and the one before
      expect(windowed.quantity.every((q, i) => new Wide(q).eq(new Wide(windowed.consumed[i]!).minus(i === 0 ? 0 : windowed.consumed[i - 1]!)))).toBe(true);
    }), { numRuns: 300 }));

    // a reference for each window end, computed from scratch over the rows before it
    function reference(kind: Aggregation, events: readonly UsageEvent[], end: number, periodDays: number, carry: Carry): Dec {
      const seen = events.filter((e) => e.at >= T0 && e.at < end);
      const byKey = [...seen].sort((a, b) => a.at - b.at || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0) || a.quantity.comparedTo(b.quantity));
      switch (kind) {
        case 'Sum': return new Dec(seen.reduce((s, e) => s.plus(e.quantity), new Wide(0))).toSignificantDigits(Dec.precision);
        case 'Count': return d(seen.length);
        case 'Max': return seen.length === 0 ? d(0) : Dec.max(...seen.map((e) => e.quantity));
        case 'UniqueCount': return d(new Set(seen.flatMap((e) => (e.property === null ? [] : [e.property]))).size);
        case 'Latest': return byKey.length ? byKey[byKey.length - 1]!.quantity : carry.latest ?? d(0);
        case 'WeightedSum': {
          // each delta weighs the time from its row to the end; the carried level the whole span
          const integral = seen.reduce((s, e) => s.plus(new Wide(e.quantity).times(end - e.at)), new Wide(carry.level).times(end - T0));
          return new Dec(integral).dividedBy(d(periodDays).times(DAY));
        }
      }
    }

    it('each window\'s consumption is the aggregate of the period\'s rows before its end (Sum: their Σ quantity)', () => fc.assert(fc.property(scenario, fc.constantFrom(...AGGREGATIONS), (x, kind) => {
      const r = aggregatePeriod(kind, x.events, T0, x.windowEnds, x.periodDays, x.carry);
      expect(strings(r.consumed)).toEqual(x.windowEnds.map((end) => String(reference(kind, x.events, end, x.periodDays, x.carry))));
    }), { numRuns: 300 }));

    it('Sum is Σ quantity of the rows before each end, in Dec', () => fc.assert(fc.property(scenario, (x) => {
      const r = aggregatePeriod('Sum', x.events, T0, x.windowEnds, x.periodDays, x.carry);
      x.windowEnds.forEach((end, i) => {
        const total = x.events.filter((e) => e.at >= T0 && e.at < end).reduce((s, e) => s.plus(e.quantity), d(0));
        expect(r.consumed[i]!.eq(total)).toBe(true);
      });
    })));
  });
});
