import { sql } from 'kysely';
import type { Db } from '../db/connect.js';
import type { Tx } from '../db/transaction.js';

// The only file that touches idempotency_keys.
export interface StoredRequest {
  requestHash: string;
  state: 'running' | 'done';
  responseStatus: number | null;
  responseBody: string | null;
  responseType: string | null;
  ageMs: number;
  lockAgeMs: number;
  lockToken: string; // locked_at as text: a takeover succeeds only if nobody moved it since
  committedRef: string | null;
}

/** True when this call claimed the key (no live row existed). */
export async function claim(db: Db, tenantId: string, key: string, requestHash: string): Promise<boolean> {
  const r = await db.insertInto('idempotency_keys')
    .values({ tenant_id: tenantId, key, request_hash: requestHash, state: 'running' })
    .onConflict((oc) => oc.columns(['tenant_id', 'key']).doNothing())
    .executeTakeFirst();
  return Number(r.numInsertedOrUpdatedRows ?? 0n) === 1;
}

export async function find(db: Db, tenantId: string, key: string): Promise<StoredRequest | undefined> {
  const r = await db.selectFrom('idempotency_keys')
    .select(['request_hash', 'state', 'response_status', 'response_body', 'response_type', 'committed_ref',
      sql<string>`(extract(epoch from now() - created_at) * 1000)::bigint`.as('age_ms'),
      sql<string>`(extract(epoch from now() - locked_at) * 1000)::bigint`.as('lock_age_ms'),
      sql<string>`locked_at::text`.as('lock_token')])
    .where('tenant_id', '=', tenantId).where('key', '=', key).executeTakeFirst();
  return r && {
    requestHash: r.request_hash, state: r.state, responseStatus: r.response_status, responseBody: r.response_body,
    responseType: r.response_type, ageMs: Number(r.age_ms), lockAgeMs: Number(r.lock_age_ms), lockToken: r.lock_token, committedRef: r.committed_ref,
  };
}

/**
 * Takes over a key whose row expired or whose first request died; true when this call won. Only
 * the row as it was read: a first request that committed meanwhile (or heartbeat) makes this fail.
 * What a first request committed stays noted unless the row expired.
 */
export async function takeOver(db: Db, tenantId: string, key: string, seen: StoredRequest, requestHash: string, expired: boolean): Promise<boolean> {
  const r = await db.updateTable('idempotency_keys')
    .set({ request_hash: requestHash, state: 'running', response_status: null, response_body: null, response_type: null, committed_ref: expired ? null : seen.committedRef, locked_at: sql`now()`, created_at: sql`now()` })
    .where('tenant_id', '=', tenantId).where('key', '=', key)
    .where(sql<boolean>`locked_at::text = ${seen.lockToken}`)
    .where(sql<boolean>`committed_ref is not distinct from ${seen.committedRef}`)
    .executeTakeFirst();
  return Number(r.numUpdatedRows) === 1;
}

export async function complete(db: Db, tenantId: string, key: string, res: { status: number; body: string; type: string | null }): Promise<void> {
  await db.updateTable('idempotency_keys')
    .set({ state: 'done', response_status: res.status, response_body: res.body, response_type: res.type })
    .where('tenant_id', '=', tenantId).where('key', '=', key).where('state', '=', 'running').execute();
}

export async function release(db: Db, tenantId: string, key: string): Promise<void> {
  await db.deleteFrom('idempotency_keys').where('tenant_id', '=', tenantId).where('key', '=', key).where('state', '=', 'running').execute();
}

export async function purgeOlderThan(db: Db, hours: number): Promise<number> {
  const r = await db.deleteFrom('idempotency_keys').where(sql<boolean>`created_at < now() - make_interval(hours => ${hours})`).executeTakeFirst();
  return Number(r.numDeletedRows);
}

/**
 * Inside the business transaction: what the running request committed (a resource to answer with).
 * False when another attempt of the request committed first (its row lock makes this wait for it).
 */
export async function markCommitted(db: Db | Tx, tenantId: string, key: string, ref: string): Promise<boolean> {
  const r = await sql`update idempotency_keys set committed_ref = ${ref} where tenant_id = ${tenantId} and key = ${key} and state = 'running' and committed_ref is null`.execute(db);
  return Number(r.numAffectedRows ?? 0) === 1;
}

/** A running request is alive: move its lock forward so no retry takes it over. */
export async function heartbeat(db: Db, tenantId: string, key: string): Promise<void> {
  await sql`update idempotency_keys set locked_at = now() where tenant_id = ${tenantId} and key = ${key} and state = 'running'`.execute(db);
}
