import { CompiledQuery, sql, type RawBuilder, type Updateable } from 'kysely';
import { Lru } from '../core/lru.js';
import type { Db } from '../db/connect.js';
import type { Database, Row } from '../db/schema.js';
import type { Tx } from '../db/transaction.js';
import type { ObjectDef, ObjectInput, ObjectTable } from './model.js';

// Row SQL for registry-backed objects. Table and column names come from the object definitions,
// never from input; every value is a bound parameter. Each domain passes only its own definitions,
// so each still touches only its own tables.
type Q = Db | Tx;

/** A row of the definition's table as this store selects it: the system columns and every field's
 * column, not `tenant_id` (the caller's own). A definition names all of its table's other columns
 * (test/catalog/registry.test.ts and test/customers/customers.test.ts check it), so this is the
 * whole row. For a definition whose table is not known statically, the system columns only. */
export type ObjectRow<T extends ObjectTable = ObjectTable> = Omit<Row<T>, 'tenant_id'>;

const SYSTEM = ['id', 'custom_fields', 'created_at', 'updated_at'];
const columnsOf = (def: ObjectDef) => [...SYSTEM, ...def.fields.map((f) => f.column)];
const selectList = (def: ObjectDef) => sql.join(columnsOf(def).map((c) => sql.ref(c)));

function toColumns(def: ObjectDef, fields: ObjectInput['fields']): [string, unknown][] {
  return Object.entries(fields).map(([name, v]) => {
    const fd = def.fields.find((f) => f.name === name)!;
    return [fd.column, fd.type === 'json' && v !== null ? JSON.stringify(v) : v];
  });
}

export async function insertRow<T extends ObjectTable>(db: Q, tenantId: string, def: ObjectDef<T>, fields: ObjectInput['fields'], customFields: ObjectInput['customFields'], id?: string): Promise<ObjectRow<T>> {
  const cols: [string, unknown][] = [['tenant_id', tenantId], ...toColumns(def, fields)];
  if (id) cols.push(['id', id]);
  if (customFields) cols.push(['custom_fields', JSON.stringify(customFields)]);
  const r = await sql<ObjectRow<T>>`insert into ${sql.table(def.table)} (${sql.join(cols.map(([c]) => sql.ref(c)))})
    values (${sql.join(cols.map(([, v]) => v))}) returning ${selectList(def)}`.execute(db);
  return r.rows[0]!;
}

/** A row to insert: its fields, custom fields and id (each row of a batch names its own). */
export interface NewRow { fields: ObjectInput['fields']; customFields: ObjectInput['customFields']; id: string }

/**
 * Inserts rows of one definition in one statement; a column a row leaves out takes its default.
 * Returns the rows as written, in the order given.
 */
export async function insertRows<T extends ObjectTable>(db: Q, tenantId: string, def: ObjectDef<T>, items: readonly NewRow[]): Promise<ObjectRow<T>[]> {
  if (items.length === 0) return [];
  const perRow = items.map((it) => new Map<string, unknown>([['tenant_id', tenantId], ['id', it.id], ...toColumns(def, it.fields),
    ...(it.customFields ? [['custom_fields', JSON.stringify(it.customFields)] as [string, unknown]] : [])]));
  const names = [...new Set(perRow.flatMap((m) => [...m.keys()]))];
  const params = perRow.flatMap((m) => names.filter((n) => m.has(n)).map((n) => m.get(n)));
  const r = await db.executeQuery<ObjectRow<T>>(CompiledQuery.raw(insertText(def, names, perRow), params));
  const byId = new Map(r.rows.map((row) => [String((row as { id: unknown }).id), row]));
  return items.map((it) => byId.get(it.id)!);
}

// New objects' INSERT is the lightest write's only statement (issue 16): its text is written once
// per table, column list and shape of rows (which cells take their default), not built by the query
// builder on every call. Names come from the definitions, never from input; values are parameters.
const insertTexts = new Lru<string, string>(500);
const quoted = (name: string) => `"${name.replace(/"/g, '""')}"`;
function insertText(def: ObjectDef, names: readonly string[], rows: readonly Map<string, unknown>[]): string {
  const shape = rows.map((m) => names.map((n) => (m.has(n) ? '1' : '0')).join('')).join(',');
  const key = `${def.table}(${names.join(',')})${shape}`;
  let text = insertTexts.get(key);
  if (text === undefined) {
    let n = 0;
    const values = rows.map((m) => `(${names.map((c) => (m.has(c) ? `$${++n}` : 'default')).join(', ')})`);
    text = `insert into ${quoted(def.table)} (${names.map(quoted).join(', ')}) values ${values.join(', ')} returning ${columnsOf(def).map(quoted).join(', ')}`;
    insertTexts.set(key, text);
  }
  return text;
}

export async function updateRow<T extends ObjectTable>(db: Q, tenantId: string, def: ObjectDef<T>, id: string, fields: ObjectInput['fields'], customFields: ObjectInput['customFields']): Promise<ObjectRow<T> | undefined> {
  const sets: RawBuilder<unknown>[] = toColumns(def, fields).map(([c, v]) => sql`${sql.ref(c)} = ${v}`);
  if (customFields) sets.push(sql`custom_fields = custom_fields || ${JSON.stringify(customFields)}::jsonb`);
  sets.push(sql`updated_at = now()`);
  const r = await sql<ObjectRow<T>>`update ${sql.table(def.table)} set ${sql.join(sets)}
    where tenant_id = ${tenantId} and id = ${id} returning ${selectList(def)}`.execute(db);
  return r.rows[0];
}

/** Sets columns Keel owns (read-only to callers), by column name. */
export async function updateRowColumns<T extends ObjectTable>(db: Q, tenantId: string, def: ObjectDef<T>, id: string, columns: Updateable<Database[T]>): Promise<void> {
  const known = new Set(def.fields.map((f) => f.column));
  const sets = Object.entries(columns).map(([c, v]) => {
    if (!known.has(c)) throw new Error(`${def.table} has no column ${c}`);
    return sql`${sql.ref(c)} = ${v}`;
  });
  if (sets.length === 0) return;
  await sql`update ${sql.table(def.table)} set ${sql.join([...sets, sql`updated_at = now()`])} where tenant_id = ${tenantId} and id = ${id}`.execute(db);
}

export async function deleteRows(db: Q, tenantId: string, def: ObjectDef, ids: readonly string[]): Promise<string[]> {
  if (ids.length === 0) return [];
  const r = await sql<{ id: string }>`delete from ${sql.table(def.table)}
    where tenant_id = ${tenantId} and id = any(${[...ids]}::uuid[]) returning id`.execute(db);
  return r.rows.map((x) => x.id);
}

export async function getRows<T extends ObjectTable>(db: Q, tenantId: string, def: ObjectDef<T>, ids: readonly string[], opts: { forUpdate?: boolean } = {}): Promise<ObjectRow<T>[]> {
  if (ids.length === 0) return [];
  const r = await sql<ObjectRow<T>>`select ${selectList(def)} from ${sql.table(def.table)}
    where tenant_id = ${tenantId} and id = any(${[...ids]}::uuid[])${opts.forUpdate ? sql` for update` : sql``}`.execute(db);
  return r.rows;
}

/** Rows whose `column` is one of `values` (children of parents, links to tags; a text column such as an external id). */
export async function rowsWhere<T extends ObjectTable>(db: Q, tenantId: string, def: ObjectDef<T>, column: string, values: readonly string[], type: 'uuid' | 'text' = 'uuid'): Promise<ObjectRow<T>[]> {
  if (values.length === 0) return [];
  if (!columnsOf(def).includes(column)) throw new Error(`${def.table} has no column ${column}`);
  const list = type === 'uuid' ? sql`${[...values]}::uuid[]` : sql`${[...values]}::text[]`;
  const r = await sql<ObjectRow<T>>`select ${selectList(def)} from ${sql.table(def.table)}
    where tenant_id = ${tenantId} and ${sql.ref(column)} = any(${list}) order by created_at, id`.execute(db);
  return r.rows;
}

export async function listRows<T extends ObjectTable>(db: Q, tenantId: string, def: ObjectDef<T>, page: { after?: string | undefined; limit: number }): Promise<ObjectRow<T>[]> {
  const r = await sql<ObjectRow<T>>`select ${selectList(def)} from ${sql.table(def.table)}
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
  const r = await sql<{ taken: number }>`select 1 as taken from ${sql.table(def.table)} where tenant_id = ${tenantId} and ${sql.ref(column)} = ${value} limit 1`.execute(db);
  return r.rows.length > 0;
}

