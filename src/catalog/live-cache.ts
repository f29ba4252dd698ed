import { sql } from 'kysely';
import type { Ctx } from '../context.js';
import type { Db } from '../db/connect.js';
import { inTransaction, type Tx } from '../db/transaction.js';
import type { ApiRecord } from '../metadata/records.js';
import { loadProductTrees } from './tree.js';
import type { CreditConversion } from './service.js';

// The live catalog as pricing reads it (carts and orders of API credentials), held in memory per
// tenant so a cart costs no catalog round trips. Every catalog write runs through `catalogTx`,
// which moves the tenant's edit version in the same transaction and, once committed, drops this
// process's copy; another process notices the version within a second (the first read after that
// second asks the database once). Self-service reads the published snapshots instead.

const MAX_STALENESS_MS = 1000;
interface Entry { version: string; checkedAt: number; trees: Map<string, ApiRecord>; conversions: Map<string, CreditConversion | null> }
const entries = new Map<string, Entry>();

async function editVersion(db: Db | Tx, tenantId: string): Promise<string> {
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

/** This process's current copy for the tenant: the version is asked at most once a second. `q` reads
 * (a transaction's own connection when called inside one: the embedded engine has only that one). */
async function current(q: Db | Tx, tenantId: string): Promise<Entry> {
  const now = Date.now();
  let e = entries.get(tenantId);
  if (!e || now - e.checkedAt > MAX_STALENESS_MS) {
    const version = await editVersion(q, tenantId);
    if (!e || e.version !== version) e = { version, checkedAt: now, trees: new Map(), conversions: new Map() };
    else e.checkedAt = now;
    entries.set(tenantId, e);
  }
  return e;
}

/** Live product trees (active entries only), from memory when this process has them and they are current. */
export async function cachedProductTrees(ctx: Ctx, ids: readonly string[]): Promise<Map<string, ApiRecord>> {
  const entry = await current(ctx.db, ctx.tenantId);
  const missing = [...new Set(ids)].filter((id) => !entry.trees.has(id));
  if (missing.length > 0) {
    const loaded = await loadProductTrees(ctx.db, ctx.tenantId, missing, { activeEntriesOnly: true });
    // a write that committed meanwhile dropped the entry: keep what was loaded out of it
    if (entries.get(ctx.tenantId) === entry) for (const t of loaded) entry.trees.set(t.id, t);
    return new Map([...[...new Set(ids)].flatMap((id) => (entry.trees.has(id) ? [[id, entry.trees.get(id)!] as const] : [])), ...loaded.map((t) => [t.id, t] as const)]);
  }
  return new Map([...new Set(ids)].map((id) => [id, entry.trees.get(id)!]));
}

/** The credit conversion of each product that has one, from memory like the trees. */
export async function cachedCreditConversions(q: Db | Tx, ctx: Ctx, ids: readonly string[], load: (ids: string[]) => Promise<Map<string, CreditConversion>>): Promise<Map<string, CreditConversion>> {
  const entry = await current(q, ctx.tenantId);
  const wanted = [...new Set(ids)];
  const missing = wanted.filter((id) => !entry.conversions.has(id));
  const loaded = missing.length > 0 ? await load(missing) : new Map<string, CreditConversion>();
  if (entries.get(ctx.tenantId) === entry) for (const id of missing) entry.conversions.set(id, loaded.get(id) ?? null);
  const out = new Map<string, CreditConversion>();
  for (const id of wanted) {
    const c = loaded.get(id) ?? entry.conversions.get(id);
    if (c) out.set(id, c);
  }
  return out;
}
