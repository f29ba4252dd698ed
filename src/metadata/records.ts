import type { ApiRecord, ObjectDef } from './model.js';
import type { ObjectRow } from './store.js';

// A stored record as the API shows it: the registry's field names, numbers for numeric
// columns (money is a JSON number in responses), ISO instants, YYYY-MM-DD dates.
export type { ApiRecord } from './model.js';

/** A field's column of a row; the column comes from the definition, so its type is known only at run time. */
const columnOf = (row: Readonly<Record<string, unknown>>, column: string): unknown => row[column];

export function toApiRecord(def: ObjectDef, row: ObjectRow): ApiRecord {
  const out: ApiRecord = { id: row.id };
  for (const f of def.fields) {
    const v = columnOf(row, f.column);
    if (v === null || v === undefined) out[f.name] = null;
    else if (f.type === 'decimal') out[f.name] = Number(v);
    else if (f.type === 'datetime') out[f.name] = (v instanceof Date ? v : new Date(v as string)).toISOString();
    else out[f.name] = v;
  }
  out.customFields = row.custom_fields ?? {};
  out.createdDate = row.created_at.toISOString();
  out.lastModifiedDate = row.updated_at.toISOString();
  return out;
}

/** The stored values of a record by API field name (what validation rules read). */
export function fieldValues(def: ObjectDef, row: ObjectRow): Record<string, unknown> {
  return Object.fromEntries(def.fields.map((f) => [f.name, columnOf(row, f.column) ?? null]));
}
