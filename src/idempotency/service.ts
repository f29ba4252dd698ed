import { conflict, DomainError } from '../core/errors.js';
import type { Db } from '../db/connect.js';
import type { Tx } from '../db/transaction.js';
import * as store from './store.js';

// Idempotency-Key (DESIGN.md §3): the first response is kept 24 hours and replayed; the same key
// with another body is a 422; a duplicate arriving while the first still runs gets a 409 and
// never runs. A first request that dies leaves a `running` row that a retry may take over
// after the stale time; if it had committed its effects (markCommitted, in its transaction), the
// retry answers with the committed resource and runs nothing.
export const RETENTION_HOURS = 24;
const RETENTION_MS = RETENTION_HOURS * 3600 * 1000;
export const DEFAULT_STALE_MS = 60_000;

export type Begin =
  | { kind: 'proceed' }
  | { kind: 'replay'; status: number; body: string; type: string | null }
  /** The first request committed its effects and died before answering: answer with what it committed. */
  | { kind: 'recover'; ref: string };

export async function beginRequest(db: Db, tenantId: string, key: string, requestHash: string, staleMs = DEFAULT_STALE_MS): Promise<Begin> {
  for (let attempt = 0; attempt < 3; attempt++) {
    if (await store.claim(db, tenantId, key, requestHash)) return { kind: 'proceed' };
    const seen = await store.find(db, tenantId, key);
    if (!seen) continue; // released between our insert and read: try again
    const expired = seen.ageMs >= RETENTION_MS;
    const abandoned = seen.state === 'running' && seen.lockAgeMs >= staleMs;
    if (abandoned && seen.requestHash === requestHash && seen.committedRef && !expired) {
      if (await store.takeOver(db, tenantId, key, seen, requestHash, false)) return { kind: 'recover', ref: seen.committedRef };
      continue;
    }
    if (expired || (abandoned && seen.requestHash === requestHash)) {
      if (await store.takeOver(db, tenantId, key, seen, requestHash, expired)) return { kind: 'proceed' };
      continue;
    }
    if (seen.requestHash !== requestHash) {
      throw new DomainError('idempotency_mismatch', 'IDEMPOTENCY_KEY_REUSED',
        'This Idempotency-Key was used with a different request; use a new key for a new request');
    }
    if (seen.state === 'running') {
      throw conflict(IN_PROGRESS, 'A request with this Idempotency-Key is still running; retry later');
    }
    return { kind: 'replay', status: seen.responseStatus ?? 200, body: seen.responseBody ?? '', type: seen.responseType };
  }
  throw conflict(IN_PROGRESS, 'A request with this Idempotency-Key is contended; retry later');
}

/** Server errors release the key so the client may retry; any other answer is kept for replay. */
export async function finishRequest(db: Db, tenantId: string, key: string, res: { status: number; body: string; type: string | null }): Promise<void> {
  if (res.status >= 500) await store.release(db, tenantId, key);
  else await store.complete(db, tenantId, key, res);
}

/**
 * Inside the business transaction of a request with an Idempotency-Key: what it committed. A request
 * taken for dead while it was only slow may find that its first attempt committed meanwhile: then
 * this one rolls back (a 409 in progress, never kept as the key's answer) and a retry gets the first's.
 */
export async function markCommitted(tx: Tx, tenantId: string, key: string, ref: string): Promise<void> {
  if (!(await store.markCommitted(tx, tenantId, key, ref))) throw conflict(IN_PROGRESS, 'Another attempt of this request committed it first; retry with the same Idempotency-Key to get its answer');
}

/** The answer a duplicate gets while its key's request runs: never stored as the key's answer. */
export const IN_PROGRESS = 'IDEMPOTENCY_REQUEST_IN_PROGRESS';

/** While a request runs it keeps its claim fresh, so a slow request is never taken for a dead one. */
export function keepAlive(db: Db, tenantId: string, key: string, staleMs = DEFAULT_STALE_MS): () => void {
  const timer = setInterval(() => { store.heartbeat(db, tenantId, key).catch(() => undefined); }, Math.max(50, Math.floor(staleMs / 3)));
  timer.unref();
  return () => clearInterval(timer);
}

export const purgeExpired = (db: Db) => store.purgeOlderThan(db, RETENTION_HOURS);
