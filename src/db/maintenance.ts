import { sql } from 'kysely';
import type { Db } from './connect.js';

// The embedded engine runs no autovacuum, so its planner statistics stay as the last ANALYZE left
// them: a table that was empty then is planned as empty however far it grew (a billing run's
// invoice items made each customer's billed-period read a scan: 1.9 ms a subscription at 10k, 4.8
// at 30k). Keel does autovacuum's analyze itself there: a table grown by a fifth since its last
// statistics is analyzed again.

/** Analyzes the tables that outgrew their statistics; returns their names. */
export async function analyzeGrownTables(db: Db): Promise<string[]> {
  const r = await sql<{ name: string }>`select c.relname as name from pg_class c join pg_namespace n on n.oid = c.relnamespace
    where n.nspname = 'public' and c.relkind = 'r' and pg_relation_size(c.oid) / current_setting('block_size')::int > c.relpages * 1.2 + 8`.execute(db);
  for (const t of r.rows) await sql`analyze ${sql.table(t.name)}`.execute(db);
  return r.rows.map((t) => t.name);
}
