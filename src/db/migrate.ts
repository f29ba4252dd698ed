import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { sql } from 'kysely';
import type { Db } from './connect.js';

const MIGRATIONS_DIR = fileURLToPath(new URL('../../migrations/', import.meta.url));

export interface Migration {
  version: string; // the file name without .sql, e.g. 0001_tenancy
  sql: string;
}

export function loadMigrations(dir = MIGRATIONS_DIR): Migration[] {
  return readdirSync(dir)
    .filter((f) => /^\d{4}_[a-z0-9_]+\.sql$/.test(f))
    .sort()
    .map((f) => ({ version: f.slice(0, -4), sql: readFileSync(`${dir}/${f}`, 'utf8') }));
}

/**
 * Applies pending migrations in order, all in one transaction. The exclusive table lock makes
 * a second process starting at the same moment wait, then see the versions already applied.
 */
export async function migrate(db: Db, migrations = loadMigrations()): Promise<string[]> {
  await sql`CREATE TABLE IF NOT EXISTS keel_migrations (
    version text PRIMARY KEY, applied_at timestamptz NOT NULL DEFAULT now())`.execute(db);
  return db.transaction().execute(async (tx) => {
    await sql`LOCK TABLE keel_migrations IN EXCLUSIVE MODE`.execute(tx);
    const done = new Set((await tx.selectFrom('keel_migrations').select('version').execute()).map((r) => r.version));
    const applied: string[] = [];
    for (const m of migrations) {
      if (done.has(m.version)) continue;
      await sql.raw(m.sql).execute(tx);
      await tx.insertInto('keel_migrations').values({ version: m.version }).execute();
      applied.push(m.version);
    }
    return applied;
  });
}
