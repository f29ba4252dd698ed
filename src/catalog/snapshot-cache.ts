import type { Db } from '../db/connect.js';
import type { ApiRecord } from '../metadata/records.js';
import * as store from './store.js';

// What self-service reads, held in memory per tenant and served without a database round trip.
// A publish in this process reloads at once; a publish in another process of the deployment is
// noticed by a version check at most `maxStalenessMs` after the tenant was last checked: the read
// that notices serves the data it has and reloads in the background.

export interface CatalogView {
  version: string;
  products: Map<string, ApiRecord>;
  productList: ApiRecord[];
  tagsByCode: Map<string, ApiRecord>;
  tagList: ApiRecord[];
  suites: Map<string, ApiRecord>;
}

interface Entry { view: CatalogView; checkedAt: number; checking: Promise<void> | null }

/** Entries of price books that are not self-service enabled are not shown (checked per version). */
function onlySelfService(product: ApiRecord, books: Set<string>): ApiRecord {
  const entries = (list: unknown) => (list as ApiRecord[] | undefined ?? []).filter((e) => books.has(e.priceBookId as string));
  const option = (o: ApiRecord) => ({ ...o, product: o.product ? { ...(o.product as ApiRecord), priceBookEntries: entries((o.product as ApiRecord).priceBookEntries) } : null });
  return {
    ...product,
    priceBookEntries: entries(product.priceBookEntries),
    productOptions: (product.productOptions as ApiRecord[] ?? []).map(option),
    productFeatures: (product.productFeatures as ApiRecord[] ?? []).map((f) => ({ ...f, productOptions: (f.productOptions as ApiRecord[] ?? []).map(option) })),
  };
}

function buildView(loaded: Awaited<ReturnType<typeof store.loadPublished>>): CatalogView {
  const books = new Set(loaded.selfServicePriceBooks);
  const view: CatalogView = { version: loaded.version, products: new Map(), productList: [], tagsByCode: new Map(), tagList: [], suites: new Map() };
  for (const s of loaded.snapshots) {
    const data = s.data as ApiRecord;
    if (s.kind === 'Product') view.products.set(s.source_id, onlySelfService(data, books));
    else if (s.kind === 'PriceDimension') view.tagsByCode.set(s.lookup_code ?? String(data.code), data);
    else view.suites.set(s.source_id, {
      ...data, bundles: (data.bundles as ApiRecord[] ?? []).map((b) => ({ ...b, product: b.product ? onlySelfService(b.product as ApiRecord, books) : null })),
    });
  }
  view.productList = [...view.products.values()].sort((a, b) => String(a.name).localeCompare(String(b.name)) || a.id.localeCompare(b.id));
  view.tagList = [...view.tagsByCode.values()].sort((a, b) => String(a.code).localeCompare(String(b.code)));
  return view;
}

export type SnapshotCache = ReturnType<typeof createSnapshotCache>;

export function createSnapshotCache(db: Db, opts: { maxStalenessMs?: number; now?: () => number } = {}) {
  const maxStaleness = opts.maxStalenessMs ?? 1000;
  // eslint-disable-next-line no-restricted-syntax -- process timing (how stale a copy may be), not business time
  const now = opts.now ?? (() => Date.now());
  const entries = new Map<string, Entry>();

  async function reload(tenantId: string): Promise<CatalogView> {
    const view = buildView(await store.loadPublished(db, tenantId));
    const current = entries.get(tenantId);
    // never replace a newer view with an older one (two reloads racing)
    if (!current || BigInt(view.version) >= BigInt(current.view.version)) entries.set(tenantId, { view, checkedAt: now(), checking: null });
    return entries.get(tenantId)!.view;
  }

  /** Compares the stored version with the cached one and reloads when another process published. */
  async function check(tenantId: string): Promise<void> {
    const entry = entries.get(tenantId);
    if (!entry) return;
    const version = await store.publishVersion(db, tenantId);
    if (version !== entry.view.version) await reload(tenantId);
    else entry.checkedAt = now();
  }

  return {
    async view(tenantId: string): Promise<CatalogView> {
      const entry = entries.get(tenantId);
      if (!entry) return reload(tenantId);
      if (now() - entry.checkedAt > maxStaleness && !entry.checking) {
        // A failed check leaves checkedAt as it was, so the next read tries again; this read is served.
        entry.checking = check(tenantId).catch(() => undefined).finally(() => { entry.checking = null; });
      }
      return entry.view;
    },
    reload,
    check,
  };
}
