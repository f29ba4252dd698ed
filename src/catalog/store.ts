import { sql, type RawBuilder } from 'kysely';
import type { Db } from '../db/connect.js';
import type { Tx } from '../db/transaction.js';
import type { ObjectDef } from './objects.js';

// The only file that touches the catalog tables. Table and column names come from the registry
// (objects.ts), never from input; every value is a bound parameter.
type Q = Db | Tx;
export type Row = Record<string, unknown> & { id: string };

const SYSTEM = ['id', 'custom_fields', 'created_at', 'updated_at'];
const columnsOf = (def: ObjectDef) => [...SYSTEM, ...def.fields.map((f) => f.column)];
const selectList = (def: ObjectDef) => sql.join(columnsOf(def).map((c) => sql.ref(c)));

function toColumns(def: ObjectDef, fields: Record<string, unknown>): [string, unknown][] {
  return Object.entries(fields).map(([name, v]) => {
    const fd = def.fields.find((f) => f.name === name)!;
    return [fd.column, fd.type === 'json' && v !== null ? JSON.stringify(v) : v];
  });
}

export async function insertRow(db: Q, tenantId: string, def: ObjectDef, fields: Record<string, unknown>, customFields: Record<string, unknown> | undefined, id?: string): Promise<Row> {
  const cols: [string, unknown][] = [['tenant_id', tenantId], ...toColumns(def, fields)];
  if (id) cols.push(['id', id]);
  if (customFields) cols.push(['custom_fields', JSON.stringify(customFields)]);
  const r = await sql<Row>`insert into ${sql.table(def.table)} (${sql.join(cols.map(([c]) => sql.ref(c)))})
    values (${sql.join(cols.map(([, v]) => v))}) returning ${selectList(def)}`.execute(db);
  return r.rows[0]!;
}

export async function updateRow(db: Q, tenantId: string, def: ObjectDef, id: string, fields: Record<string, unknown>, customFields: Record<string, unknown> | undefined): Promise<Row | undefined> {
  const sets: RawBuilder<unknown>[] = toColumns(def, fields).map(([c, v]) => sql`${sql.ref(c)} = ${v}`);
  if (customFields) sets.push(sql`custom_fields = custom_fields || ${JSON.stringify(customFields)}::jsonb`);
  sets.push(sql`updated_at = now()`);
  const r = await sql<Row>`update ${sql.table(def.table)} set ${sql.join(sets)}
    where tenant_id = ${tenantId} and id = ${id} returning ${selectList(def)}`.execute(db);
  return r.rows[0];
}

export async function deleteRows(db: Q, tenantId: string, def: ObjectDef, ids: readonly string[]): Promise<string[]> {
  if (ids.length === 0) return [];
  const r = await sql<{ id: string }>`delete from ${sql.table(def.table)}
    where tenant_id = ${tenantId} and id = any(${[...ids]}::uuid[]) returning id`.execute(db);
  return r.rows.map((x) => x.id);
}

export async function getRows(db: Q, tenantId: string, def: ObjectDef, ids: readonly string[], opts: { forUpdate?: boolean } = {}): Promise<Row[]> {
  if (ids.length === 0) return [];
  const r = await sql<Row>`select ${selectList(def)} from ${sql.table(def.table)}
    where tenant_id = ${tenantId} and id = any(${[...ids]}::uuid[])${opts.forUpdate ? sql` for update` : sql``}`.execute(db);
  return r.rows;
}

/** Rows whose `column` is one of `values` (children of parents, links to tags). */
export async function rowsWhere(db: Q, tenantId: string, def: ObjectDef, column: string, values: readonly string[]): Promise<Row[]> {
  if (values.length === 0) return [];
  if (!columnsOf(def).includes(column)) throw new Error(`${def.table} has no column ${column}`);
  const r = await sql<Row>`select ${selectList(def)} from ${sql.table(def.table)}
    where tenant_id = ${tenantId} and ${sql.ref(column)} = any(${[...values]}::uuid[]) order by created_at, id`.execute(db);
  return r.rows;
}

export async function listRows(db: Q, tenantId: string, def: ObjectDef, page: { after?: string | undefined; limit: number }): Promise<Row[]> {
  const r = await sql<Row>`select ${selectList(def)} from ${sql.table(def.table)}
    where tenant_id = ${tenantId}${page.after ? sql` and id > ${page.after}::uuid` : sql``}
    order by id limit ${page.limit}`.execute(db);
  return r.rows;
}

export async function existingIds(db: Q, tenantId: string, def: ObjectDef, ids: readonly string[]): Promise<Set<string>> {
  if (ids.length === 0) return new Set();
  const r = await sql<{ id: string }>`select id from ${sql.table(def.table)}
    where tenant_id = ${tenantId} and id = any(${[...ids]}::uuid[])`.execute(db);
  return new Set(r.rows.map((x) => x.id));
}

/** Whether a unique column already holds `value` in this tenant. */
export async function valueTaken(db: Q, tenantId: string, def: ObjectDef, column: string, value: string): Promise<boolean> {
  if (!columnsOf(def).includes(column)) throw new Error(`${def.table} has no column ${column}`);
  const r = await sql`select 1 from ${sql.table(def.table)} where tenant_id = ${tenantId} and ${sql.ref(column)} = ${value} limit 1`.execute(db);
  return r.rows.length > 0;
}

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
