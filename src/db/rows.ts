import { sql } from 'kysely';
import type { Db } from './connect.js';
import type { Tx } from './transaction.js';

/**
 * Inserts plain rows (column → value) into one table in one statement, the rows travelling as one
 * JSON parameter: the statement's text depends only on the table and its columns, so it is prepared
 * once whatever the row count, and a ten-line order costs one value to bind instead of hundreds.
 * Objects and arrays land in jsonb columns as they are; columns not named keep their defaults.
 * Table and column names come from the caller's code, never from input. With `returning`, the
 * stored rows come back (defaults and types as a read would give them), so nobody reads them again.
 */
export async function insertRows(db: Db | Tx, table: string, rows: readonly Record<string, unknown>[]): Promise<void>;
export async function insertRows<R = Record<string, unknown>>(db: Db | Tx, table: string, rows: readonly Record<string, unknown>[], opts: { returning: true }): Promise<R[]>;
export async function insertRows(db: Db | Tx, table: string, rows: readonly Record<string, unknown>[], opts: { returning?: boolean } = {}): Promise<unknown[] | void> {
  if (rows.length === 0) return opts.returning ? [] : undefined;
  const cols = sql.join(Object.keys(rows[0]!).map((c) => sql.ref(c)));
  const r = await sql`insert into ${sql.table(table)} (${cols})
    select ${cols} from json_populate_recordset(null::${sql.table(table)}, ${JSON.stringify(rows)}::json)
    ${opts.returning ? sql`returning *` : sql``}`.execute(db);
  return opts.returning ? r.rows : undefined;
}

/**
 * A domain type's fields, each named by the column it is stored in. One table per entity maps
 * both ways (`fromRow` for reads, `toColumns` for writes), and `MapsRow` lets the compiler check
 * that every column's type fits the field it fills.
 */
export type ColumnMap<D, R> = { readonly [K in keyof D]-?: keyof R & string };

/** `true` when each mapped column's type is assignable to its field; else the fields that do not fit. */
export type MapsRow<D, R, M extends ColumnMap<D, R>> =
  [{ [K in keyof D]: R[M[K]] extends D[K] ? never : K }[keyof D]] extends [never] ? true : { misfit: { [K in keyof D]: R[M[K]] extends D[K] ? never : K }[keyof D] };

/** `true` when the map names every column of the row but `Except`; else the columns left unmapped. */
export type MapsWholeRow<R, M extends Record<string, keyof R>, Except extends keyof R = never> =
  [Exclude<keyof R, M[keyof M] | Except>] extends [never] ? true : { unmapped: Exclude<keyof R, M[keyof M] | Except> };

/** A stored row as its domain type. */
export function fromRow<D>(map: { readonly [K in keyof D]: string }, row: object): D {
  const r = row as Record<string, unknown>;
  const out: Record<string, unknown> = {};
  for (const k of Object.keys(map)) out[k] = r[(map as Record<string, string>)[k]!];
  return out as D;
}

/** The columns of (part of) a domain value, for an insert or an update; undefined fields are left out. */
export function toColumns<D>(map: { readonly [K in keyof D]: string }, value: Partial<D>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value)) {
    if (v === undefined) continue;
    const column = (map as Record<string, string>)[k];
    if (!column) throw new Error(`no column for field ${k}`);
    out[column] = v;
  }
  return out;
}
