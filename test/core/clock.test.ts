import { Temporal } from 'temporal-polyfill';
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

  it('a test clock moves today and keeps instants on the base clock', () => {
    const base = fixedClock('2026-11-23', new Date('2026-11-23T08:00:00Z'));
    const t = testClock(base, '2023-06-22');
    expect(t.today('UTC').toString()).toBe('2023-06-22');
    expect(t.now().toISOString()).toBe('2026-11-23T08:00:00.000Z');
    expect(testClock(base, null)).toBe(base);
  });
});
