// Object definitions: the metadata that drives a registry-backed object API (the catalog's
// generic objects, customers and contacts). An object is a table; a field is an API name, a
// column and a type; validation (validate.ts), storage (store.ts) and responses (records.ts) all
// follow the definition, so adding a field is one line plus its migration.

export type FieldType = 'string' | 'text' | 'integer' | 'decimal' | 'boolean' | 'date' | 'datetime' | 'enum' | 'ref' | 'json';

export interface FieldDef {
  name: string;              // API name
  column: string;            // SQL column
  type: FieldType;
  required?: boolean;        // on create
  values?: readonly string[];            // enum values, in the schema's spelling
  aliases?: Record<string, string>;      // other accepted spellings
  caseInsensitive?: boolean;
  ref?: string;              // for type 'ref': the object it points at
  onDelete?: 'cascade';      // a part of its parent (a bundle's features): deleted with it; otherwise deletes are refused while referenced
  readOnly?: boolean;        // set by Keel (publish status); a request that sends it gets a 400
  default?: string | number | boolean;
  min?: number;
  max?: number;
}

export interface ChildDef {
  key: string;               // nested array in composite content and in trees, e.g. productFeatures
  object: string;
  parentField: string;       // the child's field that points at the parent
  inherit?: readonly (readonly [string, string])[]; // [child field, parent field] copied down when the child has none
}

export interface ObjectDef {
  name: string;
  table: string;
  fields: FieldDef[];
  children?: ChildDef[];
  fieldAliases?: Record<string, string>; // other accepted names of fields in requests (billingZipCode → billingPostalCode)
}

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
