import type { Tx } from '../db/transaction.js';
import type { ObjectDef } from './objects.js';
import * as store from './store.js';

// Which published sources a set of writes touches (DESIGN: editing a source marks its snapshot
// Outdated; self-service keeps seeing the published one until it is republished).
// A product's snapshot holds its entries, features, options (with the option products and their
// entries) and linked tags; a tag's holds its tiers; a suite's holds its bundles.

export interface Touched { def: ObjectDef; before: Record<string, unknown> | null; after: Record<string, unknown> | null }

const col = (t: Touched, c: string) => [t.before?.[c], t.after?.[c]].filter((v): v is string => typeof v === 'string');

export async function affectedSources(tx: Tx, tenantId: string, touched: readonly Touched[]): Promise<{ products: string[]; tags: string[]; suites: string[] }> {
  const products = new Set<string>();
  const tags = new Set<string>();
  const suites = new Set<string>();
  const options = new Set<string>();
  const features = new Set<string>();
  const uoms = new Set<string>();
  for (const t of touched) {
    switch (t.def.name) {
      case 'Product': col(t, 'id').forEach((x) => products.add(x)); break;
      case 'PriceBookEntry': case 'ProductPriceDimension': col(t, 'product_id').forEach((x) => products.add(x)); break;
      case 'ProductFeature': case 'ProductOption': col(t, 'configured_product_id').forEach((x) => products.add(x)); break;
      case 'ProductOptionPriceDimension': col(t, 'product_option_id').forEach((x) => options.add(x)); break;
      case 'FeaturePriceDimension': col(t, 'feature_id').forEach((x) => features.add(x)); break;
      case 'Feature': col(t, 'id').forEach((x) => features.add(x)); break;
      case 'PriceDimension': col(t, 'id').forEach((x) => tags.add(x)); break;
      case 'PriceTier': col(t, 'price_dimension_id').forEach((x) => tags.add(x)); break;
      case 'Uom': col(t, 'id').forEach((x) => uoms.add(x)); break;
      case 'BundleSuite': col(t, 'id').forEach((x) => suites.add(x)); break;
      case 'BundleSuiteBundle': col(t, 'bundle_suite_id').forEach((x) => suites.add(x)); break;
      default: break;
    }
  }
  if (products.size + tags.size + options.size + features.size + uoms.size === 0) return { products: [], tags: [], suites: [...suites] };
  const all = new Set(await store.productsEmbedding(tx, tenantId, { products: [...products], tags: [...tags], options: [...options], features: [...features], uoms: [...uoms] }));
  for (const id of await store.suitesOfProducts(tx, tenantId, [...all])) suites.add(id);
  return { products: [...all], tags: [...tags], suites: [...suites] };
}
