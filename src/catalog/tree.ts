import type { Db } from '../db/connect.js';
import type { Tx } from '../db/transaction.js';
import { toApiRecord, type ApiRecord } from '../metadata/records.js';
import { OBJECTS } from './objects.js';
import * as rows from '../metadata/store.js';

// Loads products with everything self-service needs to price them: entries (with their UOM),
// features and options (with the option's product and its entries), and every price tag linked
// to the product, its options and its features, with tiers — the shape of the seed's Product.
// A fixed number of queries for any number of products.
type Q = Db | Tx;
const O = OBJECTS;
const bySerial = (a: ApiRecord, b: ApiRecord) => Number(a.serialNumber) - Number(b.serialNumber);
const byOrder = (key: string) => (a: ApiRecord, b: ApiRecord) => Number(a[key] ?? 0) - Number(b[key] ?? 0);
const group = (rows: ApiRecord[], key: string) => {
  const m = new Map<string, ApiRecord[]>();
  for (const r of rows) {
    const k = r[key] as string | null;
    if (k) m.set(k, [...(m.get(k) ?? []), r]);
  }
  return m;
};
const api = (name: keyof typeof O) => (rows: rows.ObjectRow[]) => rows.map((r) => toApiRecord(O[name], r));

export interface TreeFilter { priceBookId?: string | undefined; uomId?: string | undefined; activeEntriesOnly?: boolean }

export async function loadProductTrees(db: Q, tenantId: string, productIds: readonly string[], filter: TreeFilter = {}): Promise<ApiRecord[]> {
  const products = api('Product')(await rows.getRows(db, tenantId, O.Product, productIds));
  if (products.length === 0) return [];
  const ids = products.map((p) => p.id);
  const [features, options, productLinks] = await Promise.all([
    rows.rowsWhere(db, tenantId, O.ProductFeature, 'configured_product_id', ids).then(api('ProductFeature')),
    rows.rowsWhere(db, tenantId, O.ProductOption, 'configured_product_id', ids).then(api('ProductOption')),
    rows.rowsWhere(db, tenantId, O.ProductPriceDimension, 'product_id', ids).then(api('ProductPriceDimension')),
  ]);
  const optionProductIds = [...new Set(options.map((o) => o.optionProductId as string))];
  const featureIds = [...new Set(features.map((f) => f.featureId as string | null).filter((x): x is string => !!x))];
  const [optionProducts, entries, optionLinks, featureRows, featureLinks] = await Promise.all([
    rows.getRows(db, tenantId, O.Product, optionProductIds).then(api('Product')),
    rows.rowsWhere(db, tenantId, O.PriceBookEntry, 'product_id', [...new Set([...ids, ...optionProductIds])]).then(api('PriceBookEntry')),
    rows.rowsWhere(db, tenantId, O.ProductOptionPriceDimension, 'product_option_id', options.map((o) => o.id)).then(api('ProductOptionPriceDimension')),
    rows.getRows(db, tenantId, O.Feature, featureIds).then(api('Feature')),
    rows.rowsWhere(db, tenantId, O.FeaturePriceDimension, 'feature_id', featureIds).then(api('FeaturePriceDimension')),
  ]);
  const tagIds = [...new Set([...productLinks, ...optionLinks, ...featureLinks].map((l) => l.priceTagId as string))];
  const uomIds = [...new Set([...entries.map((e) => e.uomId as string), ...products.map((p) => p.uomId as string | null).filter((x): x is string => !!x)])];
  const [tags, tiers, uoms] = await Promise.all([
    rows.getRows(db, tenantId, O.PriceDimension, tagIds).then(api('PriceDimension')),
    rows.rowsWhere(db, tenantId, O.PriceTier, 'price_dimension_id', tagIds).then(api('PriceTier')),
    rows.getRows(db, tenantId, O.Uom, uomIds).then(api('Uom')),
  ]);

  const uomById = new Map(uoms.map((u) => [u.id, u]));
  const tiersByTag = group(tiers, 'priceDimensionId');
  const tagById = new Map(tags.map((t) => [t.id, { ...t, priceTiers: (tiersByTag.get(t.id) ?? []).sort((a, b) => Number(a.startUnit) - Number(b.startUnit)) }]));
  const withTag = (links: ApiRecord[]) => links.filter((l) => tagById.has(l.priceTagId as string)).map((l) => ({ ...l, priceTag: tagById.get(l.priceTagId as string)! })).sort(bySerial);
  const keepEntry = (e: ApiRecord) => (!filter.priceBookId || e.priceBookId === filter.priceBookId)
    && (!filter.uomId || e.uomId === filter.uomId) && (!filter.activeEntriesOnly || e.active === true);
  const entriesByProduct = group(entries.filter(keepEntry).map((e) => ({ ...e, uom: uomById.get(e.uomId as string) ?? null })), 'productId');
  const optionProductById = new Map(optionProducts.map((p) => [p.id, { ...p, priceBookEntries: entriesByProduct.get(p.id) ?? [] }]));
  const optionLinksByOption = group(optionLinks, 'productOptionId');
  const featureById = new Map(featureRows.map((f) => [f.id, { ...f, featurePriceTags: withTag(group(featureLinks, 'featureId').get(f.id) ?? []) }]));
  const fullOptions: ApiRecord[] = options.map((o) => ({
    ...o, product: optionProductById.get(o.optionProductId as string) ?? null, productOptionPriceTags: withTag(optionLinksByOption.get(o.id) ?? []),
  })).sort(byOrder('optionOrder'));
  const optionsByFeature = group(fullOptions, 'productFeatureId');
  const optionsByProduct = group(fullOptions.filter((o) => !o.productFeatureId), 'configuredProductId');
  const featuresByProduct = group(features.map((f) => ({
    ...f, feature: f.featureId ? featureById.get(f.featureId as string) ?? null : null, productOptions: optionsByFeature.get(f.id) ?? [],
  })).sort(byOrder('featureOrder')), 'configuredProductId');
  const linksByProduct = group(productLinks, 'productId');

  return products.map((p) => ({
    ...p,
    uom: p.uomId ? uomById.get(p.uomId as string) ?? null : null,
    priceBookEntries: entriesByProduct.get(p.id) ?? [],
    productFeatures: featuresByProduct.get(p.id) ?? [],
    productOptions: optionsByProduct.get(p.id) ?? [],
    productPriceTags: withTag(linksByProduct.get(p.id) ?? []),
  }));
}

export async function loadTagTrees(db: Q, tenantId: string, tagIds: readonly string[]): Promise<ApiRecord[]> {
  const [tags, tiers] = await Promise.all([
    rows.getRows(db, tenantId, O.PriceDimension, tagIds).then(api('PriceDimension')),
    rows.rowsWhere(db, tenantId, O.PriceTier, 'price_dimension_id', tagIds).then(api('PriceTier')),
  ]);
  const byTag = group(tiers, 'priceDimensionId');
  return tags.map((t) => ({ ...t, priceTiers: (byTag.get(t.id) ?? []).sort((a, b) => Number(a.startUnit) - Number(b.startUnit)) }));
}

export async function loadSuiteTrees(db: Q, tenantId: string, suiteIds: readonly string[]): Promise<ApiRecord[]> {
  const [suites, bundles] = await Promise.all([
    rows.getRows(db, tenantId, O.BundleSuite, suiteIds).then(api('BundleSuite')),
    rows.rowsWhere(db, tenantId, O.BundleSuiteBundle, 'bundle_suite_id', suiteIds).then(api('BundleSuiteBundle')),
  ]);
  const products = await loadProductTrees(db, tenantId, [...new Set(bundles.map((b) => b.productId as string))], { activeEntriesOnly: true });
  const productById = new Map(products.map((p) => [p.id, p]));
  const bySuite = group(bundles.map((b) => ({ ...b, product: productById.get(b.productId as string) ?? null })).sort(byOrder('sortOrder')), 'bundleSuiteId');
  return suites.map((s) => ({ ...s, bundles: bySuite.get(s.id) ?? [] }));
}
