import { sql } from 'kysely';
import type { Ctx } from '../context.js';
import type { Db } from '../db/connect.js';
import { inTransaction, type Tx } from '../db/transaction.js';
import type { ApiRecord } from '../metadata/records.js';
import { loadProductTrees } from './tree.js';

// The live catalog as pricing reads it (carts and orders of API credentials), held in memory per
// tenant so a cart costs no catalog round trips. Every catalog write runs through `catalogTx`,
// which moves the tenant's edit version in the same transaction and, once committed, drops this
// process's copy; another process notices the version within a second (the first read after that
// second asks the database once). Self-service reads the published snapshots instead.

const MAX_STALENESS_MS = 1000;
interface Entry { version: string; checkedAt: number; trees: Map<string, ApiRecord> }
const entries = new Map<string, Entry>();

async function editVersion(db: Db, tenantId: string): Promise<string> {
  const r = await sql<{ version: string }>`select version::text as version from catalog_edit_versions where tenant_id = ${tenantId}`.execute(db);
  return r.rows[0]?.version ?? '0';
}

/** A catalog write: its transaction moves the edit version; after commit this process forgets the tenant's trees. */
export async function catalogTx<T>(ctx: Ctx, fn: (tx: Tx) => Promise<T>): Promise<T> {
  const out = await inTransaction(ctx.db, async (tx) => {
    const r = await fn(tx);
    await sql`insert into catalog_edit_versions (tenant_id, version) values (${ctx.tenantId}, 1)
      on conflict (tenant_id) do update set version = catalog_edit_versions.version + 1`.execute(tx);
    return r;
  });
  entries.delete(ctx.tenantId);
  return out;
}

/** Live product trees (active entries only), from memory when this process has them and they are current. */
export async function cachedProductTrees(ctx: Ctx, ids: readonly string[]): Promise<Map<string, ApiRecord>> {
  const now = Date.now();
  let e = entries.get(ctx.tenantId);
  if (!e || now - e.checkedAt > MAX_STALENESS_MS) {
    const version = await editVersion(ctx.db, ctx.tenantId);
    if (!e || e.version !== version) e = { version, checkedAt: now, trees: new Map() };
    else e.checkedAt = now;
    entries.set(ctx.tenantId, e);
  }
  const entry = e;
  const missing = [...new Set(ids)].filter((id) => !entry.trees.has(id));
  if (missing.length > 0) {
    const loaded = await loadProductTrees(ctx.db, ctx.tenantId, missing, { activeEntriesOnly: true });
    // a write that committed meanwhile dropped the entry: keep what was loaded out of it
    if (entries.get(ctx.tenantId) === entry) for (const t of loaded) entry.trees.set(t.id, t);
    return new Map([...[...new Set(ids)].flatMap((id) => (entry.trees.has(id) ? [[id, entry.trees.get(id)!] as const] : [])), ...loaded.map((t) => [t.id, t] as const)]);
  }
  return new Map([...new Set(ids)].map((id) => [id, entry.trees.get(id)!]));
}
