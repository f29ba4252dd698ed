import { sql } from 'kysely';
import { beforeAll, describe, expect, it } from 'vitest';
import type { OpenDatabase } from '../../src/db/connect.js';
import { engine, testDatabase } from '../support/db.js';

let database: OpenDatabase;
beforeAll(async () => { database = await testDatabase(); });

// PGlite answers through microtasks: without src/db/yielding.ts a chain of statements never lets
// the event loop turn (a billing run starved the jobs loop, its statistics upkeep, and every other request)
describe(`a chain of statements on ${engine}`, () => {
  it('lets timers fire while it runs', async () => {
    let fired = 0;
    const timer = setInterval(() => { fired++; }, 1);
    const until = performance.now() + 150;
    let statements = 0;
    while (performance.now() < until) {
      await sql`select 1`.execute(database.db);
      statements++;
    }
    clearInterval(timer);
    expect(statements).toBeGreaterThan(10);
    expect(fired).toBeGreaterThanOrEqual(5);
  });
});
