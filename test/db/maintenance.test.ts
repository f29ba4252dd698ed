import { sql } from 'kysely';
import { beforeAll, describe, expect, it } from 'vitest';
import { analyzeGrownTables } from '../../src/db/maintenance.js';
import type { OpenDatabase } from '../../src/db/connect.js';
import { engine, testDatabase } from '../support/db.js';

let database: OpenDatabase;
beforeAll(async () => { database = await testDatabase(); });

describe(`statistics upkeep on ${engine}`, () => {
  it('a table grown past its statistics is analyzed again, and then left alone', async () => {
    const table = `test_grown_${engine}`;
    await sql`drop table if exists ${sql.table(table)}`.execute(database.db);
    await sql`create table ${sql.table(table)} (id int primary key, payload text not null)`.execute(database.db);
    await sql`analyze ${sql.table(table)}`.execute(database.db);
    const planned = async () => Number((await sql<{ n: number }>`select reltuples::int as n from pg_class where relname = ${table}`.execute(database.db)).rows[0]!.n);
    expect(await planned()).toBeLessThanOrEqual(0);
    await sql`insert into ${sql.table(table)} select g, md5(g::text) from generate_series(1, 5000) g`.execute(database.db);
    expect(await analyzeGrownTables(database.db)).toContain(table);
    expect(await planned()).toBe(5000);
    expect(await analyzeGrownTables(database.db)).not.toContain(table);
    await sql`drop table ${sql.table(table)}`.execute(database.db);
  });
});
