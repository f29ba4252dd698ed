import { Temporal } from 'temporal-polyfill';
import type { Cadence } from './model.js';

// When recurring work runs next, and how long a failed job waits. Pure: "now" is an argument.

/** Exponential backoff: 1 s, 2 s, 4 s, … after attempts 1, 2, 3, …, at most 10 minutes. */
export function backoffMs(attempt: number, baseMs = 1000, capMs = 600_000): number {
  return Math.min(capMs, baseMs * 2 ** Math.max(0, attempt - 1));
}

/** The first midnight in `timeZone` strictly after `at`. */
export function nextMidnight(at: Date, timeZone: string): Date {
  const day = Temporal.Instant.fromEpochMilliseconds(at.getTime()).toZonedDateTimeISO(timeZone).toPlainDate().add({ days: 1 });
  return new Date(day.toZonedDateTime({ timeZone }).epochMilliseconds);
}

/** A new schedule's first run: now for an interval (work starts at once), the next midnight for a daily one. */
export function firstRun(cadence: Cadence, now: Date): Date {
  return 'everySeconds' in cadence ? now : nextMidnight(now, cadence.dailyAtMidnight);
}

/**
 * A schedule due at `due` fires at `now` (>= due): its next run is the first period boundary after
 * now, and `periods` counts the boundaries passed (1 when on time, more when runs were missed).
 * Interval boundaries stay on the grid of `due` (no drift).
 */
export function advance(cadence: Cadence, due: Date, now: Date): { next: Date; periods: number } {
  if ('everySeconds' in cadence) {
    const step = cadence.everySeconds * 1000;
    const periods = Math.floor((now.getTime() - due.getTime()) / step) + 1;
    return { next: new Date(due.getTime() + periods * step), periods };
  }
  const zone = cadence.dailyAtMidnight;
  const dayOf = (d: Date) => Temporal.Instant.fromEpochMilliseconds(d.getTime()).toZonedDateTimeISO(zone).toPlainDate();
  const periods = dayOf(due).until(dayOf(now), { largestUnit: 'days' }).days + 1;
  return { next: nextMidnight(now, zone), periods };
}

/** The days after `from` up to and including `to` (YYYY-MM-DD), oldest first: the days a clock crossed. */
export function daysCrossed(from: string, to: string): string[] {
  const out: string[] = [];
  const end = Temporal.PlainDate.from(to);
  for (let d = Temporal.PlainDate.from(from).add({ days: 1 }); Temporal.PlainDate.compare(d, end) <= 0; d = d.add({ days: 1 })) out.push(d.toString());
  return out;
}
