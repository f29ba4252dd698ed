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

function requiredUrl(): string {
  const url = process.env.DATABASE_URL;
  if (!url) throw new Error('KEEL_TEST_DB=postgres needs DATABASE_URL');
  return url;
}
