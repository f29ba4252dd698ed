import type { Ctx } from '../context.js';
import type { Db } from '../db/connect.js';
import { inTransaction, type Tx } from '../db/transaction.js';
import type { ApiRecord } from '../metadata/records.js';
import { loadProductTrees } from './tree.js';
import { bumpEditVersion, editVersion, productIdsBySku } from './store.js';
import type { CreditConversion } from './service.js';

// The live catalog as pricing reads it (carts and orders of API credentials), held in memory per
// tenant so a cart costs no catalog round trips. Every catalog write runs through `catalogTx`,
// which moves the tenant's edit version in the same transaction and, once committed, drops this
// process's copy; another process notices the version within a second (the first read after that
// second asks the database once). Self-service reads the published snapshots instead.

const MAX_STALENESS_MS = 1000;
// null: the product has none (an inactive or unknown product has no live tree, most have no conversion)
interface Entry { version: string; checkedAt: number; trees: Map<string, ApiRecord | null>; conversions: Map<string, CreditConversion | null>; skus: Map<string, string | null> }
const entries = new Map<string, Entry>();

/** A catalog write: its transaction moves the edit version; after commit this process forgets the tenant's trees. */
export async function catalogTx<T>(ctx: Ctx, fn: (tx: Tx) => Promise<T>): Promise<T> {
  const out = await inTransaction(ctx.db, async (tx) => {
    const r = await fn(tx);
    await bumpEditVersion(tx, ctx.tenantId);
    return r;
  });
  entries.delete(ctx.tenantId);
  return out;
}

/** This process's current copy for the tenant: the version is asked at most once a second. `q` reads
 * (a transaction's own connection when called inside one: the embedded engine has only that one). */
async function current(q: Db | Tx, tenantId: string): Promise<Entry> {
  // eslint-disable-next-line no-restricted-syntax -- process timing (how stale this copy may be), not business time
  const now = Date.now();
  let e = entries.get(tenantId);
  if (!e || now - e.checkedAt > MAX_STALENESS_MS) {
    const version = await editVersion(q, tenantId);
    if (!e || e.version !== version) e = { version, checkedAt: now, trees: new Map(), conversions: new Map(), skus: new Map() };
    else e.checkedAt = now;
    entries.set(tenantId, e);
  }
  return e;
}

/** `ids` from one of the entry's maps, the missing ones loaded (and kept unless a write dropped the entry meanwhile); ids without a value are left out. */
async function through<T>(tenantId: string, entry: Entry, kept: Map<string, T | null>, ids: readonly string[], load: (missing: string[]) => Promise<Map<string, T>>): Promise<Map<string, T>> {
  const wanted = [...new Set(ids)];
  const missing = wanted.filter((id) => !kept.has(id));
  const loaded = missing.length > 0 ? await load(missing) : new Map<string, T>();
  if (entries.get(tenantId) === entry) for (const id of missing) kept.set(id, loaded.get(id) ?? null);
  const out = new Map<string, T>();
  for (const id of wanted) {
    const v = loaded.get(id) ?? kept.get(id);
    if (v) out.set(id, v);
  }
  return out;
}

/** Live product trees (active entries only), from memory when this process has them and they are current. */
export async function cachedProductTrees(ctx: Ctx, ids: readonly string[]): Promise<Map<string, ApiRecord>> {
  const entry = await current(ctx.db, ctx.tenantId);
  return through(ctx.tenantId, entry, entry.trees, ids, async (missing) =>
    new Map((await loadProductTrees(ctx.db, ctx.tenantId, missing, { activeEntriesOnly: true })).map((t) => [t.id, t] as const)));
}

/** The product id of each sku that names a product (any status: the caller decides what it may order), from memory like the trees. */
export async function cachedProductIdsBySku(ctx: Ctx, skus: readonly string[]): Promise<Map<string, string>> {
  const entry = await current(ctx.db, ctx.tenantId);
  return through(ctx.tenantId, entry, entry.skus, skus, (missing) => productIdsBySku(ctx.db, ctx.tenantId, missing));
}

/** The credit conversion of each product that has one, from memory like the trees. */
export async function cachedCreditConversions(q: Db | Tx, ctx: Ctx, ids: readonly string[], load: (ids: string[]) => Promise<Map<string, CreditConversion>>): Promise<Map<string, CreditConversion>> {
  const entry = await current(q, ctx.tenantId);
  return through(ctx.tenantId, entry, entry.conversions, ids, load);
}
