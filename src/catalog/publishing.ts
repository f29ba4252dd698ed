import { catalogTx } from './live-cache.js';
import { principalId, type Ctx } from '../context.js';
import { conflict, invalid, notFound } from '../core/errors.js';
import type { Tx } from '../db/transaction.js';
import { toApiRecord, type ApiRecord } from '../metadata/records.js';
import { OBJECTS, type ObjectDef } from './objects.js';
import type { SnapshotCache } from './snapshot-cache.js';
import * as rows from '../metadata/store.js';
import * as store from './store.js';
import { loadProductTrees, loadSuiteTrees, loadTagTrees } from './tree.js';
import { isUuid } from '../core/ids.js';

// Publishing to self-service (seed 001): a publish writes an immutable snapshot of the source's
// tree; self-service reads only snapshots (from the in-memory cache), so editing a source changes
// nothing it sees until the source is republished.

type Kind = store.SnapshotKind;
const DEFS = { Product: OBJECTS.Product, PriceDimension: OBJECTS.PriceDimension, BundleSuite: OBJECTS.BundleSuite } satisfies Record<Kind, ObjectDef>;
const LABEL: Record<Kind, string> = { Product: 'Product', PriceDimension: 'Price tag', BundleSuite: 'Bundle suite' };


function sourceId(kind: Kind, id: string): string {
  if (!isUuid(id)) throw notFound('OBJECT_NOT_FOUND', `${LABEL[kind]} ${id} does not exist`);
  return id.toLowerCase();
}

async function loadTrees(tx: Tx, tenantId: string, kind: Kind, ids: string[]): Promise<ApiRecord[]> {
  if (kind === 'Product') return loadProductTrees(tx, tenantId, ids, { activeEntriesOnly: true });
  if (kind === 'PriceDimension') return loadTagTrees(tx, tenantId, ids);
  return loadSuiteTrees(tx, tenantId, ids);
}

/** Writes the snapshots of `ids` in tx; returns them as published. */
async function writeSnapshots(tx: Tx, ctx: Ctx, kind: Kind, ids: string[]): Promise<ApiRecord[]> {
  const at = ctx.clock.now();
  const by = principalId(ctx);
  const trees = await loadTrees(tx, ctx.tenantId, kind, ids);
  const out: ApiRecord[] = [];
  for (const tree of trees) {
    if (kind !== 'PriceDimension' && tree.status !== 'Active') {
      throw conflict('NOT_ACTIVE', `${LABEL[kind]} ${tree.id} is ${String(tree.status)}; activate it before publishing`);
    }
    const data = { ...tree, publishStatus: 'Published', lastPublishedById: by, lastPublishedDate: at.toISOString() };
    await store.upsertSnapshot(tx, ctx.tenantId, { kind, sourceId: tree.id, lookupCode: kind === 'PriceDimension' ? String(tree.code) : null, data, at, by });
    out.push(data);
  }
  await store.setPublishState(tx, ctx.tenantId, DEFS[kind], trees.map((t) => t.id), { status: 'Published', by, at });
  return out;
}

function parseFilter(filter: string): Record<string, unknown> {
  let parsed: unknown;
  try { parsed = JSON.parse(filter); } catch { parsed = undefined; }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    throw invalid('INVALID_FIELD', 'querystring/filter must be a JSON object of field values, like {"sku":"NUE-PLATFORM"}');
  }
  return parsed as Record<string, unknown>;
}

export function createPublishing(cache: SnapshotCache) {
  /** Commits, then refreshes this process's view so the next read sees the change. */
  async function committed<T>(ctx: Ctx, fn: (tx: Tx) => Promise<T>): Promise<T> {
    const result = await catalogTx(ctx, async (tx) => {
      const r = await fn(tx);
      await store.bumpPublishVersion(tx, ctx.tenantId);
      return r;
    });
    await cache.reload(ctx.tenantId);
    return result;
  }

  async function publish(ctx: Ctx, kind: Kind, id: string): Promise<ApiRecord> {
    const sid = sourceId(kind, id);
    return committed(ctx, async (tx) => {
      const [snapshot] = await writeSnapshots(tx, ctx, kind, [sid]);
      if (!snapshot) throw notFound('OBJECT_NOT_FOUND', `${LABEL[kind]} ${id} does not exist`);
      return snapshot;
    });
  }

  async function unpublish(ctx: Ctx, kind: Kind, id: string): Promise<{ id: string; publishStatus: 'Unpublished' }> {
    const sid = sourceId(kind, id);
    return committed(ctx, async (tx) => {
      const exists = await rows.existingIds(tx, ctx.tenantId, DEFS[kind], [sid]);
      const removed = await store.deleteSnapshots(tx, ctx.tenantId, kind, [sid]);
      if (exists.size === 0 && removed === 0) throw notFound('OBJECT_NOT_FOUND', `${LABEL[kind]} ${id} does not exist`);
      await store.setPublishState(tx, ctx.tenantId, DEFS[kind], [sid], { status: 'Unpublished' });
      return { id: sid, publishStatus: 'Unpublished' as const };
    });
  }

  /** Marks a published source Outdated by hand; self-service keeps the published snapshot. */
  async function outdate(ctx: Ctx, kind: Kind, id: string): Promise<ApiRecord> {
    const sid = sourceId(kind, id);
    return catalogTx(ctx, async (tx) => {
      const [row] = await rows.getRows(tx, ctx.tenantId, DEFS[kind], [sid]);
      if (!row) throw notFound('OBJECT_NOT_FOUND', `${LABEL[kind]} ${id} does not exist`);
      if (row.publish_status === 'Unpublished') throw conflict('NOT_PUBLISHED', `${LABEL[kind]} ${id} has not been published`);
      await store.markOutdated(tx, ctx.tenantId, DEFS[kind], [sid]);
      return { id: sid, publishStatus: 'Outdated' };
    });
  }

  return {
    publish, unpublish, outdate,
    /** What the background check does: reload this process's view if another process published. */
    checkVersion: (tenantId: string) => cache.check(tenantId),

    /** Republishes every published or outdated product and bundle; with removeNonexistent, drops
     * snapshots whose source was deleted. Products no longer Active are unpublished. */
    async republishProducts(ctx: Ctx, removeNonexistent: boolean) {
      return committed(ctx, async (tx) => {
        const published = await store.snapshotSourceIds(tx, ctx.tenantId, 'Product');
        const sources = await rows.getRows(tx, ctx.tenantId, OBJECTS.Product, published);
        const active = sources.filter((r) => r.status === 'Active').map((r) => r.id);
        const inactive = sources.filter((r) => r.status !== 'Active').map((r) => r.id);
        const gone = published.filter((id) => !sources.some((r) => r.id === id));
        const republished = await writeSnapshots(tx, ctx, 'Product', active);
        await store.deleteSnapshots(tx, ctx.tenantId, 'Product', inactive);
        await store.setPublishState(tx, ctx.tenantId, OBJECTS.Product, inactive, { status: 'Unpublished' });
        if (removeNonexistent) await store.deleteSnapshots(tx, ctx.tenantId, 'Product', gone);
        return { republished: republished.map((p) => p.id), unpublished: inactive, removed: removeNonexistent ? gone : [] };
      });
    },

    async setSelfService(ctx: Ctx, priceBookId: string, enabled: boolean): Promise<ApiRecord> {
      if (!isUuid(priceBookId)) throw notFound('OBJECT_NOT_FOUND', `Price book ${priceBookId} does not exist`);
      const sid = priceBookId.toLowerCase();
      return committed(ctx, async (tx) => {
        const row = await rows.updateRow(tx, ctx.tenantId, OBJECTS.PriceBook, sid, { selfServiceEnabled: enabled }, undefined);
        if (!row) throw notFound('OBJECT_NOT_FOUND', `Price book ${priceBookId} does not exist`);
        return toApiRecord(OBJECTS.PriceBook, row);
      });
    },

    // --- self-service reads: memory only ----------------------------------------------------------
    /** `filter`: a JSON object of field values the products must equal, e.g. {"priceModel":"Recurring"}. */
    async products(ctx: Ctx, filter?: string): Promise<ApiRecord[]> {
      const list = (await cache.view(ctx.tenantId)).productList;
      if (filter === undefined || filter === '') return list;
      const wanted = parseFilter(filter);
      return list.filter((p) => Object.entries(wanted).every(([k, v]) => p[k] === v));
    },
    async product(ctx: Ctx, id: string): Promise<ApiRecord> {
      const p = (await cache.view(ctx.tenantId)).products.get(id.toLowerCase());
      if (!p) throw notFound('PRODUCT_NOT_PUBLISHED', `Product ${id} is not published`);
      return p;
    },
    /** Published product trees (self-service pricing), from memory. */
    async publishedProducts(ctx: Ctx, ids: readonly string[]): Promise<Map<string, ApiRecord>> {
      const view = await cache.view(ctx.tenantId);
      return new Map(ids.flatMap((id) => { const p = view.products.get(id); return p ? [[id, p] as const] : []; }));
    },
    /** Published product ids by sku (self-service order lines may name a product by its sku). */
    async publishedProductIdsBySku(ctx: Ctx, skus: readonly string[]): Promise<Map<string, string>> {
      const wanted = new Set(skus);
      const view = await cache.view(ctx.tenantId);
      return new Map([...view.products].flatMap(([id, p]) => (typeof p.sku === 'string' && wanted.has(p.sku) ? [[p.sku, id] as const] : [])));
    },
    async priceTags(ctx: Ctx): Promise<ApiRecord[]> {
      return (await cache.view(ctx.tenantId)).tagList;
    },
    async priceTag(ctx: Ctx, code: string): Promise<ApiRecord> {
      const t = (await cache.view(ctx.tenantId)).tagsByCode.get(code);
      if (!t) throw notFound('PRICE_TAG_NOT_PUBLISHED', `Price tag ${code} is not published`);
      return t;
    },
    async bundleSuite(ctx: Ctx, id: string): Promise<ApiRecord> {
      const s = (await cache.view(ctx.tenantId)).suites.get(id.toLowerCase());
      if (!s) throw notFound('BUNDLE_SUITE_NOT_PUBLISHED', `Bundle suite ${id} is not published`);
      return s;
    },
  };
}

export type Publishing = ReturnType<typeof createPublishing>;
