import { Temporal } from 'temporal-polyfill';
import { invalid } from './errors.js';
import { Lru } from './lru.js';

// Business dates are calendar dates (Temporal.PlainDate), `YYYY-MM-DD` in SQL and JSON; end dates
// are inclusive. Never a JS Date: `new Date('2023-06-22')` is the 21st west of Greenwich.
export type PlainDate = Temporal.PlainDate;
export type TermUnit = 'Month' | 'Year' | 'Week' | 'Day';

const DATE = /^(\d{4})-(\d{2})-(\d{2})$/;

// A PlainDate is immutable, and the polyfill's parse was a tenth of a cart's CPU (the same few
// dates read again for every line and period): each text is parsed once.
const parsed = new Lru<string, PlainDate>(10_000);
function plainDate(s: string): PlainDate {
  let d = parsed.get(s);
  if (!d) parsed.set(s, d = Temporal.PlainDate.from(s));
  return d;
}

export function isDateString(s: string): boolean {
  const m = DATE.exec(s);
  if (!m) return false;
  const [y, mo, d] = [Number(m[1]), Number(m[2]), Number(m[3])];
  return mo >= 1 && mo <= 12 && d >= 1 && d <= daysInMonth(y, mo);
}

/**
 * The business dates Keel takes as input (issue 15 part 5): 1900-01-01 through 2199-12-31, so every
 * term, period and schedule stays in a calendar the server can walk in a moment.
 */
export const BUSINESS_DATES = { first: '1900-01-01', last: '2199-12-31' } as const;
export const BUSINESS_DATE_TEXT = `a date YYYY-MM-DD from ${BUSINESS_DATES.first} to ${BUSINESS_DATES.last}`;

export function isBusinessDate(s: string): boolean {
  return isDateString(s) && s >= BUSINESS_DATES.first && s <= BUSINESS_DATES.last;
}

/** An input date: `field must be a date YYYY-MM-DD from 1900-01-01 to 2199-12-31` otherwise. */
export function parseBusinessDate(s: string, field: string): PlainDate {
  if (typeof s !== 'string' || !isBusinessDate(s)) throw invalid('INVALID_DATE', `${field} must be ${BUSINESS_DATE_TEXT}`);
  return plainDate(s);
}

export function parseDate(s: string, field: string): PlainDate {
  if (!isDateString(s)) throw invalid('INVALID_DATE', `${field} must be a date YYYY-MM-DD`);
  return plainDate(s);
}

export function formatDate(d: PlainDate): string {
  return d.toString();
}

export function daysInMonth(year: number, month: number): number {
  const leap = (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0;
  return [31, leap ? 29 : 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31][month - 1]!;
}

export function isLastDayOfMonth(d: PlainDate): boolean {
  return d.day === d.daysInMonth;
}

/** start + n units; months and years clamp to the month's end (2024-01-31 + 1 Month = 2024-02-29). */
export function addTerm(start: PlainDate, n: number, unit: TermUnit): PlainDate {
  switch (unit) {
    case 'Month': return start.add({ months: n });
    case 'Year': return start.add({ years: n });
    case 'Week': return start.add({ days: 7 * n });
    case 'Day': return start.add({ days: n });
  }
}

/**
 * The inclusive end of a term of n units from `start`: start + n units − 1 day. Later terms count
 * from the original start (cumulative n), so month-end starts never drift:
 * 2024-01-31 monthly ends 02-28, 03-30, 04-29.
 */
export function termEndDate(start: PlainDate, n: number, unit: TermUnit): PlainDate {
  return addTerm(start, n, unit).subtract({ days: 1 });
}

export function compareDates(a: PlainDate, b: PlainDate): number {
  return Temporal.PlainDate.compare(a, b);
}

export const minDate = (a: PlainDate, b: PlainDate) => (compareDates(a, b) <= 0 ? a : b);
export const maxDate = (a: PlainDate, b: PlainDate) => (compareDates(a, b) >= 0 ? a : b);

/** b − a in days (negative when b is earlier). */
export function daysBetween(a: PlainDate, b: PlainDate): number {
  return a.until(b, { largestUnit: 'days' }).days;
}
