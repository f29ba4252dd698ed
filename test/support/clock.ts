import { Temporal } from 'temporal-polyfill';
import type { Clock } from '../../src/core/clock.js';

/** A clock the test moves by hand (the edge of the machine is the only place we fake). */
export function manualClock(start: string): Clock & { advance(ms: number): void; set(iso: string): void } {
  let now = new Date(start);
  return {
    now: () => now,
    today: (tz) => Temporal.Instant.fromEpochMilliseconds(now.getTime()).toZonedDateTimeISO(tz).toPlainDate(),
    advance(ms) { now = new Date(now.getTime() + ms); },
    set(iso) { now = new Date(iso); },
  };
}
