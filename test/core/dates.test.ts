import { readFileSync } from 'node:fs';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { day } from '../support/arbitraries.js';
import { addTerm, daysBetween, formatDate, isDateString, parseDate, termEndDate, type TermUnit } from '../../src/core/dates.js';

interface TermVector { name: string; source: string; start: string; n: number; unit: TermUnit; add: string; end: string }
const vectors: TermVector[] = JSON.parse(readFileSync(new URL('../vectors/terms.json', import.meta.url), 'utf8'));

const unit = fc.constantFrom<TermUnit>('Month', 'Year', 'Week', 'Day');

describe('terms', () => {
  it.each(vectors)('$name', (v) => {
    const start = parseDate(v.start, 'start');
    expect(formatDate(addTerm(start, v.n, v.unit))).toBe(v.add);
    expect(formatDate(termEndDate(start, v.n, v.unit))).toBe(v.end);
  });

  it('a term ends the day before the next begins', () => {
    fc.assert(fc.property(day, fc.integer({ min: 1, max: 120 }), unit, (start, n, u) => {
      expect(termEndDate(start, n, u).add({ days: 1 }).equals(addTerm(start, n, u))).toBe(true);
    }));
  });

  it('month terms counted from the start never drift past the start day', () => {
    fc.assert(fc.property(day, fc.integer({ min: 1, max: 240 }), (start, n) => {
      const d = addTerm(start, n, 'Month');
      expect(d.day).toBe(Math.min(start.day, d.daysInMonth));
    }));
  });
});

describe('calendar dates', () => {
  it('accept only real YYYY-MM-DD dates', () => {
    expect(isDateString('2024-02-29')).toBe(true);
    for (const bad of ['2023-02-29', '2023-02-30', '2023-13-01', '2023-00-10', '2023-6-1', '22/06/2023', '2023-06-22T00:00:00Z', '']) {
      expect(isDateString(bad)).toBe(false);
      expect(() => parseDate(bad, 'startDate')).toThrow('startDate must be a date YYYY-MM-DD');
    }
  });

  it('count days between dates', () => {
    expect(daysBetween(parseDate('2023-06-22', 'a'), parseDate('2023-07-01', 'b'))).toBe(9);
    expect(daysBetween(parseDate('2024-03-01', 'a'), parseDate('2024-02-01', 'b'))).toBe(-29);
  });
});
