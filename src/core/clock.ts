import { Temporal } from 'temporal-polyfill';

// The only place that reads the wall clock. Services ask `ctx.clock.today(timeZone)`; pure logic
// receives "today" as an argument.
export interface Clock {
  now(): Date;
  today(timeZone: string): Temporal.PlainDate;
}

export const systemClock: Clock = {
  now: () => new Date(),
  today: (timeZone) => Temporal.Now.plainDateISO(timeZone),
};

/** A clock stopped at a date (and, for `now()`, noon UTC of that date unless given). */
export function fixedClock(date: string | Temporal.PlainDate, now?: Date): Clock {
  const day = typeof date === 'string' ? Temporal.PlainDate.from(date) : date;
  const instant = now ?? new Date(`${day.toString()}T12:00:00Z`);
  return { now: () => instant, today: () => day };
}

/**
 * A sandbox tenant's test clock: business "today" is the tenant's set date, and business instants
 * (an order placed, an invoice activated) fall on that date at the base clock's time of day in the
 * tenant's zone, so they keep their order within the day. Credentials, leases and logs never read
 * it: they run on the base clock (tenancy and jobs hold it), so tokens still expire.
 */
export function testClock(base: Clock, testDate: string | null, timeZone = 'UTC'): Clock {
  if (!testDate) return base;
  const day = Temporal.PlainDate.from(testDate);
  // in UTC (most tenants) the test day's instant is plain arithmetic: the zoned math costs ~2 % of a
  // sandbox request's CPU, and now() is read several times a request
  const utcDay = Date.UTC(day.year, day.month - 1, day.day);
  const DAY_MS = 86_400_000;
  return {
    now: timeZone === 'UTC'
      ? () => new Date(utcDay + (((base.now().getTime() % DAY_MS) + DAY_MS) % DAY_MS))
      : () => {
        const wall = Temporal.Instant.fromEpochMilliseconds(base.now().getTime()).toZonedDateTimeISO(timeZone);
        return new Date(wall.with({ year: day.year, month: day.month, day: day.day }).epochMilliseconds);
      },
    today: () => day,
  };
}
