import { sql } from 'kysely';
import type { Db } from '../db/connect.js';
import type { Tx } from '../db/transaction.js';
import type { IngestAnswer } from './model.js';

// The only file that touches raw_usage, usage_keys and usage_transactions. Ingest writes a batch in
// a few statements whatever its size: arrays bound once and unnested, never a statement per row.
type Q = Db | Tx;

/** A raw row as written: accepted rows carry their subscription; rejected ones (partial mode) their error. */
export interface RawUsageWrite {
  id: string;
  transactionId: string;
  index: number;
  eventId: string | null;
  assetNumber: string | null;
  subscriptionId: string | null;
  customerId: string | null;
  productId: string | null;
  at: Date | null;
  quantity: string | null;
  properties: unknown;
  status: 'Active' | 'Rejected';
  error: unknown;
}

export interface UsageKey { assetNumber: string; key: string; rawUsageId: string; at: Date; quantity: string }

export async function transactionOf(q: Q, tenantId: string, transactionId: string): Promise<{ bodyHash: string; answer: IngestAnswer } | null> {
  const r = await sql<{ body_hash: string; answer: IngestAnswer }>`select body_hash, answer from usage_transactions
    where tenant_id = ${tenantId} and transaction_id = ${transactionId}`.execute(q);
  const row = r.rows[0];
  return row ? { bodyHash: row.body_hash, answer: row.answer } : null;
}

/** Takes the transaction id for this request; false when another request holds it (it waits for that one to commit or roll back). */
export async function claimTransaction(tx: Tx, tenantId: string, transactionId: string, bodyHash: string, answer: IngestAnswer, now: Date): Promise<boolean> {
  const r = await sql`insert into usage_transactions (tenant_id, transaction_id, body_hash, answer, created_at)
    values (${tenantId}, ${transactionId}, ${bodyHash}, ${JSON.stringify(answer)}::jsonb, ${now}) on conflict do nothing returning 1`.execute(tx);
  return r.rows.length === 1;
}

export async function saveAnswer(tx: Tx, tenantId: string, transactionId: string, answer: IngestAnswer): Promise<void> {
  await sql`update usage_transactions set answer = ${JSON.stringify(answer)}::jsonb where tenant_id = ${tenantId} and transaction_id = ${transactionId}`.execute(tx);
}

/** One text per key (asset number and key), as the sets and maps of these functions hold them. */
export const keyText = (k: { assetNumber: string; key: string }) => `${k.assetNumber}\u0000${k.key}`;

/** Stores the keys not stored yet; answers the ones it stored. */
export async function insertKeys(tx: Tx, tenantId: string, keys: readonly UsageKey[]): Promise<Set<string>> {
  if (keys.length === 0) return new Set();
  const r = await sql<{ asset_number: string; key: string }>`insert into usage_keys (tenant_id, asset_number, key, raw_usage_id, at, quantity)
    select ${tenantId}, * from unnest(${keys.map((k) => k.assetNumber)}::text[], ${keys.map((k) => k.key)}::text[], ${keys.map((k) => k.rawUsageId)}::uuid[],
      ${keys.map((k) => k.at.toISOString())}::timestamptz[], ${keys.map((k) => k.quantity)}::numeric[])
    on conflict do nothing returning asset_number, key`.execute(tx);
  return new Set(r.rows.map((k) => keyText({ assetNumber: k.asset_number, key: k.key })));
}

/** What the stored keys said first: their timestamp and quantity. */
export async function storedKeys(q: Q, tenantId: string, keys: readonly { assetNumber: string; key: string }[]): Promise<Map<string, { at: Date; quantity: string }>> {
  if (keys.length === 0) return new Map();
  const r = await sql<{ asset_number: string; key: string; at: Date; quantity: string }>`select k.asset_number, k.key, k.at, k.quantity from usage_keys k
    join unnest(${keys.map((k) => k.assetNumber)}::text[], ${keys.map((k) => k.key)}::text[]) as w(asset_number, key) using (asset_number, key)
    where k.tenant_id = ${tenantId}`.execute(q);
  return new Map(r.rows.map((k) => [keyText({ assetNumber: k.asset_number, key: k.key }), { at: k.at, quantity: k.quantity }]));
}

export async function insertRawUsage(tx: Tx, tenantId: string, rows: readonly RawUsageWrite[], now: Date): Promise<void> {
  if (rows.length === 0) return;
  const col = <T>(f: (r: RawUsageWrite) => T) => rows.map(f);
  await sql`insert into raw_usage (tenant_id, id, transaction_id, row_index, event_id, asset_number, subscription_id, customer_id, product_id, at, quantity,
      properties, status, error, aggregated_at, created_at)
    select ${tenantId}, u.id, u.transaction_id, u.row_index, u.event_id, u.asset_number, u.subscription_id, u.customer_id, u.product_id, u.at, u.quantity,
      u.properties::jsonb, u.status, u.error::jsonb, case when u.status = 'Rejected' then ${now}::timestamptz end, ${now}
    from unnest(${col((r) => r.id)}::uuid[], ${col((r) => r.transactionId)}::text[], ${col((r) => r.index)}::int[], ${col((r) => r.eventId)}::text[],
      ${col((r) => r.assetNumber)}::text[], ${col((r) => r.subscriptionId)}::uuid[], ${col((r) => r.customerId)}::uuid[], ${col((r) => r.productId)}::uuid[],
      ${col((r) => r.at?.toISOString() ?? null)}::timestamptz[], ${col((r) => r.quantity)}::numeric[], ${col((r) => (r.properties === null ? null : JSON.stringify(r.properties)))}::text[],
      ${col((r) => r.status)}::text[], ${col((r) => (r.error === null ? null : JSON.stringify(r.error)))}::text[])
      as u(id, transaction_id, row_index, event_id, asset_number, subscription_id, customer_id, product_id, at, quantity, properties, status, error)`.execute(tx);
}

/** Rejected rows are kept 14 days (usage.md "Validation"): what is older goes. */
export async function purgeRejected(q: Q, before: Date): Promise<number> {
  const r = await sql`delete from raw_usage where status = 'Rejected' and created_at < ${before}`.execute(q);
  return Number(r.numAffectedRows ?? 0);
}
