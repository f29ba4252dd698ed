import type { ObjectDef } from './fields.js';

// A stored record as the API shows it: the registry's field names, numbers for numeric
// columns (money is a JSON number in responses), ISO instants, YYYY-MM-DD dates.
export type ApiRecord = Record<string, unknown> & { id: string };

export function toApiRecord(def: ObjectDef, row: Record<string, unknown>): ApiRecord {
  const out: ApiRecord = { id: row.id as string };
  for (const f of def.fields) {
    const v = row[f.column];
    if (v === null || v === undefined) out[f.name] = null;
    else if (f.type === 'decimal') out[f.name] = Number(v as string);
    else if (f.type === 'datetime') out[f.name] = (v instanceof Date ? v : new Date(v as string)).toISOString();
    else out[f.name] = v;
  }
  out.customFields = row.custom_fields ?? {};
  out.createdDate = (row.created_at as Date).toISOString();
  out.lastModifiedDate = (row.updated_at as Date).toISOString();
  return out;
}

/** The stored values of a record by API field name (what validation rules read). */
export function fieldValues(def: ObjectDef, row: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(def.fields.map((f) => [f.name, row[f.column] ?? null]));
}
