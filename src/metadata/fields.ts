// Object definitions: the metadata that drives a registry-backed object API (the catalog's
// generic objects, customers and contacts). An object is a table; a field is an API name, a
// column and a type; validation (validate.ts), storage (store.ts) and responses (records.ts) all
// follow the definition, so adding a field is one line plus its migration.

import type { FieldDef, FieldType, ObjectDef } from './model.js';

export type { ChildDef, FieldDef, FieldType, ObjectDef, ObjectTable, SystemColumn } from './model.js';

export const snake = (s: string) => s.replace(/_(\d+)$/, '$1').replace(/([a-z0-9])([A-Z])/g, '$1_$2').replace(/(\d+)$/, '_$1').toLowerCase();

export type F = Omit<FieldDef, 'column' | 'name'> & { column?: string };
export const f = (name: string, type: FieldType, opts: Omit<F, 'type'> = {}): FieldDef => ({ name, column: opts.column ?? snake(name), type, ...opts });
export const str = (name: string, opts: Omit<F, 'type'> = {}) => f(name, 'string', opts);
export const int = (name: string, opts: Omit<F, 'type'> = {}) => f(name, 'integer', opts);
export const num = (name: string, opts: Omit<F, 'type'> = {}) => f(name, 'decimal', opts);
export const bool = (name: string, dflt?: boolean) => f(name, 'boolean', dflt === undefined ? {} : { default: dflt });
export const en = (name: string, values: readonly string[], opts: Omit<F, 'type' | 'values'> = {}) => f(name, 'enum', { values, ...opts });
export const ref = (name: string, to: string, opts: Omit<F, 'type' | 'ref'> = {}) => f(name, 'ref', { ref: to, ...opts });


export function fieldOf(def: ObjectDef, name: string): FieldDef | undefined {
  return def.fields.find((x) => x.name === name);
}
