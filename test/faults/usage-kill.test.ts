import { randomUUID } from 'node:crypto';
import { sql } from 'kysely';
import { afterAll, describe, expect, it } from 'vitest';
import { openDatabase } from '../../src/db/connect.js';
import { orderFixture } from '../orders/support.js';
import type { TestApp } from '../support/app.js';
import { engines, Server } from './server.js';

// Kill the server (SIGKILL) while batches of raw usage are in flight, start it again, let the
// client retry every batch (same event ids): every acknowledged row is kept, and none is stored
// twice (usage.md "Dedupe forever").
const ROUNDS = Number(process.env.KEEL_FAULT_ROUNDS ?? 3);
const servers: Server[] = [];
afterAll(async () => { for (const s of servers) await s.kill(); });
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe.each(await engines())('usage ingest crashes on $name', (engine) => {
  it(`${ROUNDS} rounds of kill -9 mid-ingest; after the retries each event is stored exactly once`, async () => {
    const server = new Server(engine);
    servers.push(server);
    await server.start();
    const client = server.client();
    const f = await orderFixture(client as unknown as TestApp, { today: '2026-03-01' });
    await f.post('/objects/composite/ProductList', { persistentObjects: [{ referenceId: 'meter', content: {
      name: 'Metered', sku: 'METER', status: 'Active', priceModel: 'Usage', uomId: f.each.id, defaultSubscriptionTerm: 12,
      priceBookEntries: [{ priceBookId: f.book.id, uomId: f.each.id, currencyIsoCode: 'USD', listPrice: '0.01' }] } }] });
    const order = await f.post('/orders', { options: { activateOrder: true }, customer: { name: 'Metered' }, lines: [{ sku: 'METER', quantity: 1 }] });
    const subscriptionNumber = order.subscriptions[0].name as string;
    const batches: { data: unknown[] }[] = [];
    const acknowledged: string[] = [];
    let cutOff = 0;
    for (let round = 0; round < ROUNDS; round++) {
      const mine = Array.from({ length: 12 }, (_, b) => ({ data: Array.from({ length: 500 }, (_, i) => ({
        id: `r${round}-b${b}-${i}-${randomUUID().slice(0, 8)}`, subscriptionNumber, timestamp: '2026-03-01T08:00:00Z', quantity: 1 })) }));
      batches.push(...mine);
      const send = (body: { data: unknown[] }) => client.call('POST', '/usage/raw-usage', { body, headers: f.h });
      const flights = mine.map((body, i) => sleep(i * 20).then(() => send(body)).then((res) => {
        if (res.statusCode === 201) acknowledged.push(...body.data.map((r) => (r as { id: string }).id));
        return res;
      }).catch(() => null));
      await sleep(40 + Math.floor(Math.random() * 300));
      await server.kill();
      cutOff += (await Promise.all(flights)).filter((r) => r === null).length;
      await server.start();
      for (const body of mine) expect((await send(body)).statusCode).toBe(201);
    }
    expect(cutOff, 'requests cut off by the kills').toBeGreaterThan(0);
    await server.stop();
    const db = engine.env.DATABASE_URL ? await openDatabase({ databaseUrl: engine.env.DATABASE_URL }) : await openDatabase({ dataDir: engine.env.KEEL_DATA_DIR! });
    try {
      const ids = (await sql<{ event_id: string }>`select event_id from raw_usage where tenant_id = ${f.tenant.id} and status = 'Active'`.execute(db.db)).rows.map((r) => r.event_id);
      const stored = new Set(ids);
      expect(ids.length, 'rows stored twice').toBe(stored.size);
      expect(acknowledged.filter((id) => !stored.has(id)), 'acknowledged rows lost').toEqual([]);
      expect(stored.size).toBe(batches.length * 500);
    } finally {
      await db.close();
    }
  }, 300_000);
});
