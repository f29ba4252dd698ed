import { tooManyRequests } from '../core/errors.js';

// Failed sign-ins are counted per user name (or client id) and per address (issue 15 part 7): past
// `failures` within `windowMs` the next attempt — even a right one — is a 429 with Retry-After until
// the oldest failure leaves the window. Guessing a password then costs a day per ~1,000 tries.
// Counts live in this process's memory (bounded): each worker of a cluster keeps its own.
export interface SignInThrottle {
  /** 429 when any key has used up its failures. `now`: ms since the epoch. */
  check(keys: readonly string[], now: number): void;
  /** One failure more for each key. */
  failed(keys: readonly string[], now: number): void;
  /** A success forgets the user's failures (not the address's). */
  succeeded(key: string): void;
}

export function createSignInThrottle(o: { failures: number; windowMs: number; maxKeys?: number } = { failures: 10, windowMs: 15 * 60_000 }): SignInThrottle {
  const seen = new Map<string, number[]>();
  const maxKeys = o.maxKeys ?? 100_000;
  const recent = (key: string, now: number) => {
    const kept = (seen.get(key) ?? []).filter((t) => t > now - o.windowMs);
    if (kept.length === 0) seen.delete(key);
    else seen.set(key, kept);
    return kept;
  };
  return {
    check(keys, now) {
      for (const key of keys) {
        const times = recent(key, now);
        if (times.length < o.failures) continue;
        const retry = Math.max(1, Math.ceil((times[times.length - o.failures]! + o.windowMs - now) / 1000));
        throw tooManyRequests('TOO_MANY_FAILED_SIGN_INS', `${o.failures} failed sign-ins for this ${key.startsWith('address:') ? 'address' : 'account'} within ${o.windowMs / 60_000} minutes; try again in ${retry} s`, retry);
      }
    },
    failed(keys, now) {
      for (const key of keys) {
        seen.set(key, [...recent(key, now), now]);
        // the oldest keys give way when too many are held (an address spraying names)
        while (seen.size > maxKeys) seen.delete(seen.keys().next().value!);
      }
    },
    succeeded(key) { seen.delete(key); },
  };
}
