import { readFileSync } from 'node:fs';
import fc from 'fast-check';
import { day } from '../support/arbitraries.js';
import { describe, expect, it } from 'vitest';
import { actualDays, days360US, partialMonths } from '../../src/core/day-count.js';
import { parseDate } from '../../src/core/dates.js';
import { roundMoney } from '../../src/core/money.js';

interface Vector { name: string; source: string; from: string; to: string; expect: number }
const vectors: Vector[] = JSON.parse(readFileSync(new URL('../vectors/days360.json', import.meta.url), 'utf8'));

describe('30/360 US (SIA)', () => {
  it.each(vectors)('$name', (v) => {
    expect(days360US(parseDate(v.from, 'from'), parseDate(v.to, 'to'))).toBe(v.expect);
  });

  it('seed partial months: 9/30 and 25/30 of 9.9', () => {
    const june = partialMonths(parseDate('2023-06-22', 's'), parseDate('2023-06-30', 'e'));
    expect([june.numerator, june.denominator, roundMoney(june.months.times('9.9'), 'USD').toFixed(2)]).toEqual([9, 30, '2.97']);
    const oct = partialMonths(parseDate('2023-10-06', 's'), parseDate('2023-10-31', 'e'));
    expect([oct.numerator, roundMoney(oct.months.times('9.9'), 'USD').toFixed(2)]).toEqual([25, '8.25']);
  });

  it('a year from the last of February 2039 is 358: D1 becomes 30, 2040-02-28 is not a month end', () => {
    expect(days360US(parseDate('2039-02-28', 'a'), parseDate('2040-02-28', 'b'))).toBe(358);
  });

  it('a date to itself is 0; a month from the first is 30; a year is 360', () => {
    fc.assert(fc.property(day, (d) => {
      expect(days360US(d, d)).toBe(0);
      const first = d.with({ day: 1 });
      expect(days360US(first, first.add({ months: 1 }))).toBe(30);
      // a year from the last of February lands on the 28th of a leap year: 358 under rule 2
      if (!(d.month === 2 && d.day >= 28)) expect(days360US(d, d.add({ years: 1 }))).toBe(360);
    }));
  });

  it('is antisymmetric on days other than month ends', () => {
    fc.assert(fc.property(day, day, (a, b) => {
      fc.pre(a.day < 28 && b.day < 28);
      expect(days360US(a, b) + days360US(b, a)).toBe(0);
    }));
  });
});

describe('actual days', () => {
  it('counts the days from d1 to d2', () => {
    expect(actualDays(parseDate('2024-02-01', 'a'), parseDate('2024-03-01', 'b'))).toBe(29);
    expect(actualDays(parseDate('2023-02-01', 'a'), parseDate('2023-03-01', 'b'))).toBe(28);
  });
});
