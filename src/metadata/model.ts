import type { Database } from '../db/schema.js';

// The metadata domain's types: object definitions (declared by each domain in its objects.ts),
// the API record they answer with, and a validated request object. fields.ts builds definitions,
// validate.ts checks requests against them, store.ts reads and writes their rows, records.ts shows them.

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
  format?: 'email';          // a string that must be an e-mail address
  nonEmpty?: boolean;        // a string that must hold more than white space
}

export interface ChildDef {
  key: string;               // nested array in composite content and in trees, e.g. productFeatures
  object: string;
  parentField: string;       // the child's field that points at the parent
  inherit?: readonly (readonly [string, string])[]; // [child field, parent field] copied down when the child has none
}

/** The columns every registry-backed table has beside its fields; store.ts reads and writes them. */
export type SystemColumn = 'tenant_id' | 'id' | 'custom_fields' | 'created_at' | 'updated_at';

/** The tables a definition may name: those with the system columns. */
export type ObjectTable = { [T in keyof Database]: SystemColumn extends keyof Database[T] ? T : never }[keyof Database];

/** An object definition; `T` is its table, so the store answers with that table's rows. */
export interface ObjectDef<T extends ObjectTable = ObjectTable> {
  name: string;
  table: T;
  fields: FieldDef[];
  children?: ChildDef[];
  fieldAliases?: Record<string, string>; // other accepted names of fields in requests (billingZipCode → billingPostalCode)
}

/** A stored record as the API shows it: the definition's field names (free-form by design: the
 * definition, not the compiler, knows the fields), `customFields`, `createdDate`, `lastModifiedDate`. */
export type ApiRecord = Record<string, unknown> & { id: string };

/** One validated request object: API field name → normalized value (null clears), and its custom
 * fields (free-form JSON). Keyed by the definition's fields, which are known only at run time. */
export interface ObjectInput {
  fields: Record<string, unknown>;
  customFields: Record<string, unknown> | undefined;
}
