import { sql } from 'kysely';
import type { Tx } from '../db/transaction.js';
import type { ObjectDef } from './objects.js';

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
  // One statement finds the bundles and products that embed what changed.
  const r = await sql<{ id: string }>`
    with changed_products as (select unnest(${[...products]}::uuid[]) as id),
         changed_tags as (select unnest(${[...tags]}::uuid[]) as id)
    select id from changed_products
    union select configured_product_id from catalog_product_options where tenant_id = ${tenantId} and (option_product_id in (select id from changed_products) or id = any(${[...options]}::uuid[]))
    union select configured_product_id from catalog_product_features where tenant_id = ${tenantId} and feature_id = any(${[...features]}::uuid[])
    union select product_id from catalog_product_price_tags where tenant_id = ${tenantId} and price_tag_id in (select id from changed_tags)
    union select o.configured_product_id from catalog_option_price_tags l join catalog_product_options o on o.tenant_id = l.tenant_id and o.id = l.product_option_id
      where l.tenant_id = ${tenantId} and l.price_tag_id in (select id from changed_tags)
    union select f.configured_product_id from catalog_feature_price_tags l join catalog_product_features f on f.tenant_id = l.tenant_id and f.feature_id = l.feature_id
      where l.tenant_id = ${tenantId} and l.price_tag_id in (select id from changed_tags)
    union select product_id from catalog_price_book_entries where tenant_id = ${tenantId} and uom_id = any(${[...uoms]}::uuid[])`.execute(tx);
  const all = new Set(r.rows.map((x) => x.id));
  const s = await sql<{ id: string }>`select distinct bundle_suite_id as id from catalog_bundle_suite_bundles
    where tenant_id = ${tenantId} and product_id = any(${[...all]}::uuid[])`.execute(tx);
  for (const x of s.rows) suites.add(x.id);
  return { products: [...all], tags: [...tags], suites: [...suites] };
}
