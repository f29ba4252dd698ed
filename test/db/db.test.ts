import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { migrate, loadMigrations } from '../../src/db/migrate.js';
import { inTransaction } from '../../src/db/transaction.js';
import { lockDataDir, DataDirLockedError } from '../../src/db/data-dir-lock.js';
import type { OpenDatabase } from '../../src/db/connect.js';
import { engine, testDatabase } from '../support/db.js';

let database: OpenDatabase;
beforeAll(async () => { database = await testDatabase(); });

describe(`database on ${engine}`, () => {
  it('returns dates as YYYY-MM-DD strings and numerics as exact strings', async () => {
    const r = await sql<{ d: string; n: string; big: string }>`
      select '2024-01-31'::date + interval '1 month' as ts, ('2024-01-31'::date + 29) as d,
             (0.1::numeric + 0.2) as n, 9007199254740993::int8 as big`.execute(database.db);
    expect(r.rows[0]).toMatchObject({ d: '2024-02-29', n: '0.3', big: '9007199254740993' });
  });

  it('has applied every migration, in order, and a second run applies nothing', async () => {
    const versions = (await database.db.selectFrom('keel_migrations').select('version').orderBy('version').execute()).map((r) => r.version);
    expect(versions).toEqual(loadMigrations().map((m) => m.version));
    expect(versions[0]).toBe('0001_tenancy');
    expect(await migrate(database.db)).toEqual([]);
  });

  it('every tenant-owned primary key leads with tenant_id', async () => {
    const installationWide = ['tenants', 'users', 'credential_routes', 'refresh_tokens', 'keel_migrations'];
    const r = await sql<{ table_name: string; first_col: string }>`
      select tc.table_name, kcu.column_name as first_col
      from information_schema.table_constraints tc
      join information_schema.key_column_usage kcu
        on kcu.constraint_name = tc.constraint_name and kcu.table_schema = tc.table_schema and kcu.ordinal_position = 1
      where tc.constraint_type = 'PRIMARY KEY' and tc.table_schema = 'public'`.execute(database.db);
    const offenders = r.rows.filter((row) => !installationWide.includes(row.table_name) && !row.table_name.startsWith('test_') && row.first_col !== 'tenant_id');
    expect(offenders).toEqual([]);
    expect(r.rows.length).toBeGreaterThanOrEqual(10);
  });
});

describe('inTransaction', () => {
  beforeAll(async () => {
    await sql`create table if not exists test_tx_probe (id text primary key, attempt int not null)`.execute(database.db);
  });

  it('retries a serialization failure and keeps only the successful attempt', async () => {
    const id = `retry-${Math.random()}`;
    let attempts = 0;
    const result = await inTransaction(database.db, async (tx) => {
      attempts++;
      await sql`insert into test_tx_probe (id, attempt) values (${`${id}-${attempts}`}, ${attempts})`.execute(tx);
      if (attempts < 3) throw Object.assign(new Error('could not serialize access'), { code: '40001' });
      return 'done';
    });
    expect(result).toBe('done');
    expect(attempts).toBe(3);
    const rows = await sql<{ id: string }>`select id from test_tx_probe where id like ${`${id}-%`} order by id`.execute(database.db);
    expect(rows.rows.map((r) => r.id)).toEqual([`${id}-3`]);
  });

  it('does not retry other errors, and rolls back', async () => {
    const id = `fail-${Math.random()}`;
    let attempts = 0;
    await expect(inTransaction(database.db, async (tx) => {
      attempts++;
      await sql`insert into test_tx_probe (id, attempt) values (${id}, 1)`.execute(tx);
      throw Object.assign(new Error('unique violation'), { code: '23505' });
    })).rejects.toThrow('unique violation');
    expect(attempts).toBe(1);
    const rows = await sql`select id from test_tx_probe where id = ${id}`.execute(database.db);
    expect(rows.rows).toEqual([]);
  });

  it('gives up after five serialization failures', async () => {
    let attempts = 0;
    await expect(inTransaction(database.db, async () => {
      attempts++;
      throw Object.assign(new Error('deadlock detected'), { code: '40P01' });
    })).rejects.toThrow('deadlock detected');
    expect(attempts).toBe(5);
  });
});

describe('data directory lock', () => {
  const dirs: string[] = [];
  afterAll(() => { for (const d of dirs) rmSync(d, { recursive: true, force: true }); });

  it('a second process gets a clear error instead of opening the same directory', () => {
    const dir = mkdtempSync(join(tmpdir(), 'keel-lock-'));
    dirs.push(dir);
    const lock = lockDataDir(dir);
    try {
      const root = fileURLToPath(new URL('../../', import.meta.url));
      const child = spawnSync(process.execPath, ['bin/keel.js', 'migrate'], {
        cwd: root, env: { ...process.env, KEEL_DATA_DIR: dir, DATABASE_URL: '' }, encoding: 'utf8', timeout: 60_000,
      });
      expect(child.status).toBe(1);
      expect(child.stderr).toContain(`The data directory ${dir} is in use by another Keel process (pid ${process.pid})`);
    } finally {
      lock.release();
    }
  });

  it('the same process cannot lock twice; a lock left by a dead process is taken over', () => {
    const dir = mkdtempSync(join(tmpdir(), 'keel-lock-'));
    dirs.push(dir);
    const lock = lockDataDir(dir);
    expect(() => lockDataDir(dir)).toThrow(DataDirLockedError);
    lock.release();
    // a pid that cannot be alive
    const stale = spawnSync(process.execPath, ['-e', `require('fs').writeFileSync(${JSON.stringify(join(dir, 'keel.lock'))}, '999999999')`]);
    expect(stale.status).toBe(0);
    const again = lockDataDir(dir);
    again.release();
  });
});
