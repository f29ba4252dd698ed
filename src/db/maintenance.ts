import { sql } from 'kysely';
import type { Db } from './connect.js';

// Planner statistics go stale while a table grows fast, and plans cached meanwhile keep a tiny
// table's choices: a prepared statement's generic plan, and PostgreSQL's own foreign-key checks
// (a billing run's invoice item details checked each item by scanning invoice_items: 10 ms a
// customer at 20k subscriptions, 0.9 ms once analyzed). The embedded engine runs no autovacuum at
// all (PGlite billing: 4.8 ms a subscription at 30k, 2.6 with this), and the server's comes a minute
// late. So every few seconds a table grown by a fifth past its statistics is analyzed, which also
// makes every cached plan on it plan again. On PGlite it runs during a long chain of statements (a billing run)
// only because db/yielding.ts lets the event loop turn.

/** Analyzes the tables that outgrew their statistics; returns their names. */
export async function analyzeGrownTables(db: Db): Promise<string[]> {
  const r = await sql<{ name: string }>`select c.relname as name from pg_class c join pg_namespace n on n.oid = c.relnamespace
    where n.nspname = 'public' and c.relkind = 'r' and pg_relation_size(c.oid) / current_setting('block_size')::int > c.relpages * 1.2 + 8`.execute(db);
  for (const t of r.rows) await sql`analyze ${sql.table(t.name)}`.execute(db);
  return r.rows.map((t) => t.name);
}
