import pg from 'pg';
import { afterAll, describe, expect, it } from 'vitest';
import { autoPrepare } from '../../src/db/prepared.js';
import { engine } from '../support/db.js';

// Automatic prepared statements (PostgreSQL only: the embedded engine is one in-process session).
describe.skipIf(engine !== 'postgres')('automatic prepared statements', () => {
  const pool = new pg.Pool({ connectionString: process.env.DATABASE_URL, max: 1 });
  autoPrepare(pool, { maxPerConnection: 3 });
  afterAll(() => pool.end());
  const prepared = async () => (await pool.query<{ statement: string }>('select statement from pg_prepared_statements order by statement')).rows.map((r) => r.statement);

  it('a parameterised text seen twice becomes one named statement on the connection, with the same answers', async () => {
    const text = 'select $1::int + 1 as n';
    expect((await pool.query(text, [1])).rows).toEqual([{ n: 2 }]);
    expect(await prepared()).toEqual([]);
    expect((await pool.query(text, [2])).rows).toEqual([{ n: 3 }]);
    expect((await pool.query(text, [41])).rows).toEqual([{ n: 42 }]);
    expect(await prepared()).toEqual([text]);
  });

  it('a failed statement does not poison its name, and a rolled-back transaction keeps the statement', async () => {
    const text = 'select 10 / $1::int as q';
    await pool.query(text, [5]);
    await expect(pool.query(text, [0])).rejects.toThrow(/division by zero/);
    const client = await pool.connect();
    try {
      await client.query('begin');
      expect((await client.query(text, [2])).rows).toEqual([{ q: 5 }]);
      await client.query('rollback');
    } finally { client.release(); }
    expect((await pool.query(text, [10])).rows).toEqual([{ q: 1 }]);
    expect(await prepared()).toContain(text);
  });

  it('past the cap a connection forgets its statements when it goes back to the pool', async () => {
    const small = new pg.Pool({ connectionString: process.env.DATABASE_URL, max: 1 });
    autoPrepare(small, { maxPerConnection: 2 });
    const named = async () => (await small.query<{ statement: string }>('select statement from pg_prepared_statements order by statement')).rows.map((r) => r.statement);
    const twice = async (k: number) => { await small.query(`select $1::int * ${k} as m`, [k]); return (await small.query(`select $1::int * ${k} as m`, [5])).rows; };
    try {
      expect(await twice(1)).toEqual([{ m: 5 }]);
      expect(await named()).toEqual(['select $1::int * 1 as m']);
      // the second name reaches the cap: the release after it forgets both
      expect(await twice(2)).toEqual([{ m: 10 }]);
      expect(await named()).toEqual([]);
      // a known text is prepared again on the connection that forgot it
      expect(await twice(3)).toEqual([{ m: 15 }]);
      expect(await named()).toEqual(['select $1::int * 3 as m']);
    } finally { await small.end(); }
  });
});
