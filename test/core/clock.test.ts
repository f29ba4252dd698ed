import { Temporal } from 'temporal-polyfill';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { fixedClock, systemClock, testClock } from '../../src/core/clock.js';

describe('clocks', () => {
  it('today is read in the tenant\'s time zone', () => {
    const now = Temporal.Now.instant();
    const tokyo = systemClock.today('Asia/Tokyo');
    expect(tokyo.equals(now.toZonedDateTimeISO('Asia/Tokyo').toPlainDate()) || tokyo.equals(now.add({ hours: 1 }).toZonedDateTimeISO('Asia/Tokyo').toPlainDate())).toBe(true);
  });

  it('a fixed clock is stopped at its date', () => {
    const c = fixedClock('2023-06-22');
    expect(c.today('UTC').toString()).toBe('2023-06-22');
    expect(c.today('Pacific/Kiritimati').toString()).toBe('2023-06-22');
    expect(c.now().toISOString()).toBe('2023-06-22T12:00:00.000Z');
  });

  it('a test clock moves today, and business instants to its date at the base clock\'s time of day in the tenant\'s zone', () => {
    const base = fixedClock('2026-11-23', new Date('2026-11-23T08:00:00Z'));
    const t = testClock(base, '2023-06-22');
    expect(t.today('UTC').toString()).toBe('2023-06-22');
    expect(t.now().toISOString()).toBe('2023-06-22T08:00:00.000Z');
    // 17:00 in Tokyo on the base day is 17:00 in Tokyo on the test day (Tokyo keeps no summer time)
    expect(testClock(base, '2023-06-22', 'Asia/Tokyo').now().toISOString()).toBe('2023-06-22T08:00:00.000Z');
    // 03:00 in New York (EST on the base day) is 03:00 EDT on a summer test day: an hour earlier in UTC
    expect(testClock(base, '2023-06-22', 'America/New_York').now().toISOString()).toBe('2023-06-22T07:00:00.000Z');
    expect(testClock(base, null)).toBe(base);
  });

  it('in UTC its arithmetic is the zoned reading\'s, to the millisecond, for any base instant and test day (property)', () => {
    const instant = fc.integer({ min: Date.UTC(1900, 0, 1), max: Date.UTC(2199, 11, 31) });
    const day = fc.integer({ min: 0, max: 109_572 }).map((n) => Temporal.PlainDate.from('1900-01-01').add({ days: n }).toString());
    fc.assert(fc.property(instant, day, (ms, date) => {
      const base = fixedClock('2000-01-01', new Date(ms));
      const d = Temporal.PlainDate.from(date);
      const zoned = Temporal.Instant.fromEpochMilliseconds(ms).toZonedDateTimeISO('UTC').with({ year: d.year, month: d.month, day: d.day }).epochMilliseconds;
      expect(testClock(base, date, 'UTC').now().getTime()).toBe(zoned);
    }), { numRuns: 2000 });
  });
});
