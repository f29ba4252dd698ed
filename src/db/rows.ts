import { sql } from 'kysely';
import type { Db } from './connect.js';
import type { Tx } from './transaction.js';

/**
 * Inserts plain rows (column → value) into one table in one statement. Objects and arrays are
 * written as JSON (for jsonb columns); table and column names come from the caller's code, never
 * from input. Each domain calls it from its own store, for its own tables.
 */
export async function insertRows(db: Db | Tx, table: string, rows: readonly Record<string, unknown>[]): Promise<void> {
  if (rows.length === 0) return;
  const cols = Object.keys(rows[0]!);
  const value = (v: unknown) => (v !== null && typeof v === 'object' && !(v instanceof Date) ? JSON.stringify(v) : v);
  await sql`insert into ${sql.table(table)} (${sql.join(cols.map((c) => sql.ref(c)))})
    values ${sql.join(rows.map((r) => sql`(${sql.join(cols.map((c) => value(r[c])))})`))}`.execute(db);
}
