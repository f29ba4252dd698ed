import { join } from 'node:path';
import pg from 'pg';
import { autoPrepare } from './prepared.js';
import { yieldingQueries } from './yielding.js';
import { Kysely, PostgresDialect, sql } from 'kysely';
import { PGlite } from '@electric-sql/pglite';
import { createPgConfig } from '@electric-sql/pglite/node-postgres';
import { installTypeParsers } from './type-parsers.js';
import { lockDataDir } from './data-dir-lock.js';
import type { Database } from './schema.js';

export type Db = Kysely<Database>;
export type Engine = 'pglite' | 'postgres';

export interface OpenDatabase {
  readonly db: Db;
  readonly engine: Engine;
  /** Runs plain SQL (several statements allowed) outside Kysely: migrations only. */
  execScript(sqlText: string): Promise<void>;
  close(): Promise<void>;
}

export type DatabaseOptions =
  | { databaseUrl: string; poolSize?: number }
  | { dataDir: string }          // embedded PGlite on disk, locked against a second process
  | { memory: true };            // embedded PGlite in memory (tests)

export async function openDatabase(opts: DatabaseOptions): Promise<OpenDatabase> {
  installTypeParsers();
  if ('databaseUrl' in opts) {
    // JIT compiles a plan in tens of milliseconds: a loss for every statement Keel sends (bench: a
    // 19 ms GraphQL page took 290 ms with it)
    const pool = new pg.Pool({ connectionString: opts.databaseUrl, max: opts.poolSize ?? 10, options: '-c jit=off' });
    autoPrepare(pool);
    return wrap(pool, 'postgres', async () => undefined);
  }
  const lock = 'dataDir' in opts ? lockDataDir(opts.dataDir) : undefined;
  try {
    const pglite = 'dataDir' in opts
      ? await PGlite.create({ dataDir: join(opts.dataDir, 'pgdata') })
      : await PGlite.create();
    // Exactly one pool per PGlite instance (it has one connection); default durability.
    const pool = new pg.Pool(createPgConfig(pglite) as unknown as pg.PoolConfig);
    yieldingQueries(pool);
    return wrap(pool, 'pglite', async () => {
      try { await pglite.close(); } finally { lock?.release(); }
    });
  } catch (e) {
    lock?.release();
    throw e;
  }
}

// `afterPoolEnd` releases what the engine holds once Kysely has ended the pool.
function wrap(pool: pg.Pool, engine: Engine, afterPoolEnd: () => Promise<void>): OpenDatabase {
  const db = new Kysely<Database>({ dialect: new PostgresDialect({ pool }) });
  let closed = false;
  return {
    db,
    engine,
    async execScript(sqlText) {
      const client = await pool.connect();
      try { await client.query(sqlText); } finally { client.release(); }
    },
    async close() {
      if (closed) return;
      closed = true;
      try { await db.destroy(); } finally { await afterPoolEnd(); }
    },
  };
}

/** The database answers (readiness). */
export async function ping(db: Db): Promise<void> {
  await sql`select 1`.execute(db);
}
