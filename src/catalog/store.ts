import { sql } from 'kysely';
import type { Db } from '../db/connect.js';
import type { Tx } from '../db/transaction.js';
import type { ObjectDef } from './objects.js';

// The catalog's own SQL beyond plain rows (src/metadata/store.ts): publish state, snapshots,
// the publish version and which published sources an edit outdates.
type Q = Db | Tx;

export async function setPublishState(db: Q, tenantId: string, def: ObjectDef, ids: readonly string[], state: { status: string; by?: string | null; at?: Date }): Promise<void> {
  if (ids.length === 0) return;
  await sql`update ${sql.table(def.table)} set publish_status = ${state.status}
    ${state.at ? sql`, last_published_by_id = ${state.by ?? null}, last_published_date = ${state.at}` : sql``}
    where tenant_id = ${tenantId} and id = any(${[...ids]}::uuid[])`.execute(db);
}

/** Published sources that changed become Outdated; what self-service sees stays as published. */
export async function markOutdated(db: Q, tenantId: string, def: ObjectDef, ids: readonly string[]): Promise<void> {
  if (ids.length === 0) return;
  await sql`update ${sql.table(def.table)} set publish_status = 'Outdated'
    where tenant_id = ${tenantId} and id = any(${[...ids]}::uuid[]) and publish_status = 'Published'`.execute(db);
}

// --- snapshots ----------------------------------------------------------------------------------

export type SnapshotKind = 'Product' | 'PriceDimension' | 'BundleSuite';
export interface SnapshotRow { kind: SnapshotKind; source_id: string; lookup_code: string | null; data: Record<string, unknown> }

export async function upsertSnapshot(db: Q, tenantId: string, s: { kind: SnapshotKind; sourceId: string; lookupCode: string | null; data: unknown; at: Date; by: string | null }): Promise<void> {
  await sql`insert into catalog_snapshots (tenant_id, kind, source_id, lookup_code, data, published_at, published_by)
    values (${tenantId}, ${s.kind}, ${s.sourceId}, ${s.lookupCode}, ${JSON.stringify(s.data)}::jsonb, ${s.at}, ${s.by})
    on conflict (tenant_id, kind, source_id) do update set lookup_code = excluded.lookup_code, data = excluded.data,
      published_at = excluded.published_at, published_by = excluded.published_by`.execute(db);
}

export async function deleteSnapshots(db: Q, tenantId: string, kind: SnapshotKind, sourceIds: readonly string[]): Promise<number> {
  if (sourceIds.length === 0) return 0;
  const r = await sql`delete from catalog_snapshots where tenant_id = ${tenantId} and kind = ${kind} and source_id = any(${[...sourceIds]}::uuid[])`.execute(db);
  return Number(r.numAffectedRows ?? 0);
}

export async function snapshotSourceIds(db: Q, tenantId: string, kind: SnapshotKind): Promise<string[]> {
  const r = await sql<{ source_id: string }>`select source_id from catalog_snapshots where tenant_id = ${tenantId} and kind = ${kind}`.execute(db);
  return r.rows.map((x) => x.source_id);
}

export async function bumpPublishVersion(db: Q, tenantId: string): Promise<string> {
  const r = await sql<{ version: string }>`insert into catalog_publish_versions (tenant_id, version) values (${tenantId}, 1)
    on conflict (tenant_id) do update set version = catalog_publish_versions.version + 1 returning version`.execute(db);
  return r.rows[0]!.version;
}

export async function publishVersion(db: Q, tenantId: string): Promise<string> {
  const r = await sql<{ version: string }>`select version from catalog_publish_versions where tenant_id = ${tenantId}`.execute(db);
  return r.rows[0]?.version ?? '0';
}

/** Everything self-service reads, in one round trip: the version, the snapshots, the enabled price books. */
export async function loadPublished(db: Q, tenantId: string): Promise<{ version: string; snapshots: SnapshotRow[]; selfServicePriceBooks: string[] }> {
  const r = await sql<{ version: string | null; snapshots: SnapshotRow[] | null; books: string[] | null }>`
    select (select version from catalog_publish_versions where tenant_id = ${tenantId}) as version,
           (select coalesce(json_agg(json_build_object('kind', kind, 'source_id', source_id, 'lookup_code', lookup_code, 'data', data)), '[]'::json)
              from catalog_snapshots where tenant_id = ${tenantId}) as snapshots,
           (select coalesce(json_agg(id), '[]'::json) from catalog_price_books
              where tenant_id = ${tenantId} and self_service_enabled and active and not archived) as books`.execute(db);
  const row = r.rows[0]!;
  return { version: row.version ?? '0', snapshots: row.snapshots ?? [], selfServicePriceBooks: row.books ?? [] };
}

// --- products by sku ------------------------------------------------------------------------------

/** The ids of the products with these skus (a sku is unique per tenant); skus without a product are left out. */
export async function productIdsBySku(db: Q, tenantId: string, skus: readonly string[]): Promise<Map<string, string>> {
  if (skus.length === 0) return new Map();
  const r = await sql<{ sku: string; id: string }>`select sku, id from catalog_products where tenant_id = ${tenantId} and sku = any(${[...skus]}::text[])`.execute(db);
  return new Map(r.rows.map((x) => [x.sku, x.id]));
}

// --- credit conversions ---------------------------------------------------------------------------

export interface CreditConversionRow { product_id: string; id: string; credit_type_id: string; uom_quantity: string; credit_quantity: string; decimal_scale: number; rounding_mode: string }

/** The credit conversion of each of these products that has one. */
export async function creditConversionsOf(db: Q, tenantId: string, productIds: readonly string[]): Promise<CreditConversionRow[]> {
  if (productIds.length === 0) return [];
  const r = await sql<CreditConversionRow>`select p.id as product_id, c.id, c.credit_type_id, c.uom_quantity, c.credit_quantity, c.decimal_scale, c.rounding_mode
    from catalog_products p join catalog_credit_conversions c on c.tenant_id = p.tenant_id and c.id = p.credit_conversion_id
    where p.tenant_id = ${tenantId} and p.id = any(${[...productIds]}::uuid[])`.execute(db);
  return r.rows;
}

/** The tenant's catalog edit version ('0' before its first write): the live cache compares it. */
export async function editVersion(db: Db | Tx, tenantId: string): Promise<string> {
  const r = await sql<{ version: string }>`select version::text as version from catalog_edit_versions where tenant_id = ${tenantId}`.execute(db);
  return r.rows[0]?.version ?? '0';
}

/** Moves the edit version, inside the catalog write's transaction. */
export async function bumpEditVersion(tx: Tx, tenantId: string): Promise<void> {
  await sql`insert into catalog_edit_versions (tenant_id, version) values (${tenantId}, 1)
    on conflict (tenant_id) do update set version = catalog_edit_versions.version + 1`.execute(tx);
}

// --- outdating ------------------------------------------------------------------------------------

/** What changed, by kind: the sources whose snapshots embed any of it are found in the catalog. */
export interface ChangedParts { products: string[]; tags: string[]; options: string[]; features: string[]; uoms: string[] }

/** The changed products and every product that embeds a changed part (bundles through features and options, tag links, entries' UOMs). */
export async function productsEmbedding(db: Q, tenantId: string, c: ChangedParts): Promise<string[]> {
  // one statement finds the bundles and products that embed what changed
  const r = await sql<{ id: string }>`
    with changed_products as (select unnest(${c.products}::uuid[]) as id),
         changed_tags as (select unnest(${c.tags}::uuid[]) as id)
    select id from changed_products
    union select configured_product_id from catalog_product_options where tenant_id = ${tenantId} and (option_product_id in (select id from changed_products) or id = any(${c.options}::uuid[]))
    union select configured_product_id from catalog_product_features where tenant_id = ${tenantId} and feature_id = any(${c.features}::uuid[])
    union select product_id from catalog_product_price_tags where tenant_id = ${tenantId} and price_tag_id in (select id from changed_tags)
    union select o.configured_product_id from catalog_option_price_tags l join catalog_product_options o on o.tenant_id = l.tenant_id and o.id = l.product_option_id
      where l.tenant_id = ${tenantId} and l.price_tag_id in (select id from changed_tags)
    union select f.configured_product_id from catalog_feature_price_tags l join catalog_product_features f on f.tenant_id = l.tenant_id and f.feature_id = l.feature_id
      where l.tenant_id = ${tenantId} and l.price_tag_id in (select id from changed_tags)
    union select product_id from catalog_price_book_entries where tenant_id = ${tenantId} and uom_id = any(${c.uoms}::uuid[])`.execute(db);
  return r.rows.map((x) => x.id);
}

/** The bundle suites that hold any of these products. */
export async function suitesOfProducts(db: Q, tenantId: string, productIds: readonly string[]): Promise<string[]> {
  const r = await sql<{ id: string }>`select distinct bundle_suite_id as id from catalog_bundle_suite_bundles
    where tenant_id = ${tenantId} and product_id = any(${[...productIds]}::uuid[])`.execute(db);
  return r.rows.map((x) => x.id);
}
