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
