import { randomUUID } from 'node:crypto';
import pg from 'pg';
import { openDatabase, type OpenDatabase } from '../../src/db/connect.js';
import { migrate } from '../../src/db/migrate.js';

// One database per vitest worker, shared by the files it runs (vitest.config.ts: isolate false).
// KEEL_TEST_DB=postgres uses DATABASE_URL (migrated by global-setup.ts); otherwise an in-memory
// PGlite. Tests never clean up: each creates its own tenants, so they cannot see each other.
export const engine = (process.env.KEEL_TEST_DB ?? 'pglite') as 'pglite' | 'postgres';

let shared: Promise<OpenDatabase> | undefined;

export function testDatabase(): Promise<OpenDatabase> {
  shared ??= (async () => {
    const database = engine === 'postgres'
      ? await openDatabase({ databaseUrl: requiredUrl(), poolSize: 5 })
      : await openDatabase({ memory: true });
    await migrate(database.db);
    return database;
  })();
  return shared;
}

/**
 * A database of its own, for a file whose app is configured unlike the others (a Stripe gateway):
 * on PostgreSQL the workers' apps share one database and each one's background loop claims any
 * tenant's jobs, so a job of this file's tenants could be worked by an app without its gateway.
 */
export async function privateDatabase(): Promise<OpenDatabase> {
  if (engine === 'pglite') {
    const database = await openDatabase({ memory: true });
    await migrate(database.db);
    return database;
  }
  const url = new URL(requiredUrl());
  const name = `keel_private_${randomUUID().replaceAll('-', '')}`;
  const asAdmin = async (statement: string) => {
    const admin = new pg.Client({ connectionString: url.toString() });
    await admin.connect();
    try { await admin.query(statement); } finally { await admin.end(); }
  };
  await asAdmin(`create database ${name}`);
  const own = new URL(url);
  own.pathname = `/${name}`;
  const database = await openDatabase({ databaseUrl: own.toString(), poolSize: 5 });
  await migrate(database.db);
  return { ...database, close: async () => { await database.close(); await asAdmin(`drop database if exists ${name}`); } };
}

function requiredUrl(): string {
  const url = process.env.DATABASE_URL;
  if (!url) throw new Error('KEEL_TEST_DB=postgres needs DATABASE_URL');
  return url;
}
