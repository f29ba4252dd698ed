// Before any worker starts: on PostgreSQL, migrate the shared test database once so workers
// never race to migrate it. PGlite workers each migrate their own in-memory instance.
export default async function setup(): Promise<void> {
  if ((process.env.KEEL_TEST_DB ?? 'pglite') !== 'postgres') return;
  const url = process.env.DATABASE_URL;
  if (!url) throw new Error('KEEL_TEST_DB=postgres needs DATABASE_URL');
  const { openDatabase } = await import('../../src/db/connect.js');
  const { migrate } = await import('../../src/db/migrate.js');
  const database = await openDatabase({ databaseUrl: url });
  try {
    await migrate(database.db);
  } finally {
    await database.close();
  }
}
