import fc from 'fast-check';
import { Temporal } from 'temporal-polyfill';

/** Calendar days from 2000-01-01 to about 2054. */
export const day = fc.integer({ min: 0, max: 20_000 }).map((n) => Temporal.PlainDate.from('2000-01-01').add({ days: n }));
