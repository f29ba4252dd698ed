import { invalid } from '../../core/errors.js';
import type { PlainDate } from '../../core/dates.js';

// Quartz cron expressions (`sec min hour day-of-month month day-of-week [year]`, as the seed's
// "0 0 3 * * ? *"), read for the days they fire on: billing runs are per business day, in the
// tenant's time zone. Supports *, ?, numbers, lists, ranges and steps; L, W and # are refused.

interface DayRule { dom: Set<number> | null; month: Set<number> | null; dow: Set<number> | null; year: Set<number> | null }

const DOW: Record<string, number> = { SUN: 1, MON: 2, TUE: 3, WED: 4, THU: 5, FRI: 6, SAT: 7 };
const MON: Record<string, number> = { JAN: 1, FEB: 2, MAR: 3, APR: 4, MAY: 5, JUN: 6, JUL: 7, AUG: 8, SEP: 9, OCT: 10, NOV: 11, DEC: 12 };

function field(expr: string, min: number, max: number, names: Record<string, number> = {}): Set<number> | null {
  if (expr === '*' || expr === '?') return null;
  const out = new Set<number>();
  for (const part of expr.split(',')) {
    const [range, stepText] = part.split('/');
    const step = stepText === undefined ? 1 : Number(stepText);
    const value = (v: string) => names[v.toUpperCase()] ?? Number(v);
    let lo: number, hi: number;
    if (range === '*') [lo, hi] = [min, max];
    else if (range!.includes('-')) [lo, hi] = range!.split('-').map(value) as [number, number];
    else [lo, hi] = [value(range!), stepText === undefined ? value(range!) : max];
    if (![lo, hi, step].every(Number.isInteger) || lo < min || hi > max || lo > hi || step < 1) throw new Error(part);
    for (let v = lo; v <= hi; v += step) out.add(v);
  }
  return out;
}

export function parseCron(expr: string): DayRule {
  const parts = expr.trim().split(/\s+/);
  try {
    if (parts.length < 6 || parts.length > 7) throw new Error('fields');
    if (/[LW#]/i.test(parts.slice(3, 6).join(' '))) throw new Error('L, W and # are not supported');
    field(parts[0]!, 0, 59); field(parts[1]!, 0, 59); field(parts[2]!, 0, 23);
    return { dom: field(parts[3]!, 1, 31), month: field(parts[4]!, 1, 12, MON), dow: field(parts[5]!, 1, 7, DOW), year: parts[6] ? field(parts[6], 1970, 2199) : null };
  } catch (e) {
    throw invalid('INVALID_CRON', `body/recurringSchedule "${expr}" is not a Quartz cron expression Keel reads (${(e as Error).message})`);
  }
}

export function firesOn(rule: DayRule, d: PlainDate): boolean {
  const dow = (d.dayOfWeek % 7) + 1; // Temporal: Monday 1 … Sunday 7; Quartz: Sunday 1 … Saturday 7
  return (!rule.dom || rule.dom.has(d.day)) && (!rule.month || rule.month.has(d.month)) && (!rule.dow || rule.dow.has(dow)) && (!rule.year || rule.year.has(d.year));
}

/** The last day in (after, through] the rule fires on, if any (catch-up bills once, to the latest). */
export function lastFiring(rule: DayRule, after: PlainDate, through: PlainDate): PlainDate | null {
  for (let d = through; d.since(after).days > 0; d = d.subtract({ days: 1 })) if (firesOn(rule, d)) return d;
  return null;
}
