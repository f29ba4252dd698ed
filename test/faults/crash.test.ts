import { randomUUID } from 'node:crypto';
import { afterAll, describe, expect, it } from 'vitest';
import { orderFixture } from '../orders/support.js';
import type { TestApp } from '../support/app.js';
import { violations } from './invariants.js';
import { engines, Server } from './server.js';

// Kill the server (SIGKILL) at random moments while orders are placed and while a billing run
// runs, start it again on the same database, retry what was cut off, and prove the invariants.
const ROUNDS = Number(process.env.KEEL_FAULT_ROUNDS ?? 3);
const servers: Server[] = [];
afterAll(async () => { for (const s of servers) await s.kill(); });

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const jitter = (min: number, max: number) => min + Math.floor(Math.random() * (max - min));

async function retryUntilAnswered(call: () => Promise<{ statusCode: number; body: string }>): Promise<{ statusCode: number; body: string }> {
  for (let i = 0; i < 100; i++) {
    const res = await call();
    if (res.statusCode !== 409 || !res.body.includes('IN_PROGRESS')) return res;
    await sleep(100);
  }
  throw new Error('still in progress');
}

describe.each(await engines())('crashes on $name', (engine) => {
  it(`place-order: ${ROUNDS} rounds of kill -9 mid-flight; every key ends as exactly one whole order`, async () => {
    const server = new Server(engine);
    servers.push(server);
    await server.start();
    const client = server.client();
    const f = await orderFixture(client as unknown as TestApp, { today: '2023-06-22' });
    const keys: { key: string; body: unknown }[] = [];
    let cutOff = 0;
    for (let round = 0; round < ROUNDS; round++) {
      const batch = Array.from({ length: 24 }, (_, i) => {
        const key = `crash-${round}-${i}-${randomUUID()}`;
        return { key, body: {
          refId: key, options: { activateInvoice: true, cancelOnPaymentFail: i % 2 === 0 }, customer: { name: `Crash ${round}.${i}` },
          paymentMethod: { token: 'pm_card_visa' },
          lines: [{ productId: f.ids.platform, quantity: 1 + (i % 3), subscriptionTerm: 12, subscriptionStartDate: '2023-06-22' }, { productId: f.ids.key, quantity: 1 }],
        } };
      });
      keys.push(...batch);
      const send = (k: { key: string; body: unknown }) => client.call('POST', '/orders', { body: k.body, headers: { ...f.h, 'Idempotency-Key': k.key } });
      const flights = batch.map((k, i) => sleep(i * 15).then(() => send(k)).catch(() => null));
      await sleep(jitter(60, 500));
      await server.kill();
      cutOff += (await Promise.all(flights)).filter((r) => r === null).length;
      await server.start();
      for (const k of batch) {
        const res = await retryUntilAnswered(() => send(k));
        expect([200, 202], res.body).toContain(res.statusCode);
      }
    }
    expect(cutOff, 'requests cut off by the kills').toBeGreaterThan(0);
    const { problems, orders } = await violations(client.call, f.h);
    expect(problems).toEqual([]);
    for (const k of keys) expect(orders.filter((o) => o.refId === k.key), k.key).toHaveLength(1);
    await server.stop();
  });

  it('kill -9 between orders\' commits and their charges: every retried key is charged exactly once, never not at all', async () => {
    const server = new Server(engine);
    servers.push(server);
    await server.start();
    const client = server.client();
    const f = await orderFixture(client as unknown as TestApp, { today: '2023-06-22' });
    // the slow test card answers after 1.5 s: the orders are committed, their charges not yet made
    const keys = Array.from({ length: 12 }, (_, i) => ({ key: `commit-then-kill-${i}-${randomUUID()}`, body: {
      options: { activateInvoice: true }, customer: { name: `Slow card ${i}` }, paymentMethod: { token: 'pm_card_slow' },
      lines: [{ productId: f.ids.platform, quantity: 1 + (i % 4), subscriptionTerm: 12, subscriptionStartDate: '2023-06-22' }],
    } }));
    const send = (k: { key: string; body: unknown }) => client.call('POST', '/orders', { body: k.body, headers: { ...f.h, 'Idempotency-Key': k.key } });
    const flights = keys.map((k) => send(k).catch(() => null));
    await sleep(900);
    await server.kill();
    expect((await Promise.all(flights)).filter((r) => r === null).length, 'requests cut off').toBe(keys.length);
    await server.start();
    for (const k of keys) {
      const res = await retryUntilAnswered(() => send(k));
      expect([200, 201], res.body).toContain(res.statusCode);
    }
    const { problems, orders, invoices, payments } = await violations(client.call, f.h);
    expect(problems).toEqual([]);
    expect(orders.length).toBe(keys.length);
    // each order's one invoice: paid by exactly one charge
    expect(invoices.length).toBe(keys.length);
    for (const i of invoices) {
      const charges = payments.filter((p) => p.invoiceId === i.id && p.status === 'Succeeded');
      expect([i.balance, charges.length], `invoice ${String(i.name)}`).toEqual([0, 1]);
    }
    await server.stop();
  });

  it('billing run: kill -9 mid-run, run again; every period billed exactly once', async () => {
    const server = new Server(engine);
    servers.push(server);
    await server.start();
    const client = server.client();
    const f = await orderFixture(client as unknown as TestApp, { today: '2023-06-22' });
    const subs = 40;
    for (let i = 0; i < subs; i += 8) {
      await Promise.all(Array.from({ length: Math.min(8, subs - i) }, (_, k) => client.call('POST', '/orders', { headers: f.h, body: {
        options: { activateOrder: true }, customer: { name: `Run ${i + k}` }, lines: [{ productId: f.ids.platform, quantity: 1, subscriptionTerm: 12, subscriptionStartDate: '2023-06-22' }],
      } })));
    }
    await client.call('POST', '/test/clock', { headers: f.h, body: { today: '2024-07-01' } });
    const run = () => client.call('POST', '/billing/schedules', { headers: f.h, body: { scheduleType: 'OneTime', targetDate: '2024-07-01', autoActivate: true } });
    for (let round = 0; round < ROUNDS; round++) {
      const flight = run().catch(() => null);
      await sleep(jitter(50, 400));
      await server.kill();
      await flight;
      // on PostgreSQL a run counts as dead once silent KEEL_RUN_STALE_SECONDS (1 here): other processes may still run it
      await sleep(1200);
      await server.start();
    }
    // a run is a job: the runs the kills cut off read Interrupted (never Running forever), with what
    // they wrote, and the restarted server's jobs loop takes each over (its claim lapsed) and finishes it
    type Run = { id: string; status: string; resumedByJobId: string | null };
    const runs = async () => {
      const ids = (await client.call('POST', '/async/graphql', { headers: f.h, body: { query: '{ BillingJob { id } }' } })).json().data.BillingJob as { id: string }[];
      return Promise.all(ids.map(async (j) => (await client.call('GET', `/billing/jobs/${j.id}`, { headers: f.h })).json() as Run));
    };
    // (behind the day-boundary jobs the test clock's year-long move queued: the loop works the oldest first)
    let all: Run[] = [];
    const settling = performance.now();
    for (let i = 0; i < 1200; i++) {
      all = await runs();
      if (all.every((j) => j.status === 'Completed' || (j.status === 'Interrupted' && j.resumedByJobId))) break;
      await sleep(100);
    }
    console.log(`billing runs settled ${Math.round(performance.now() - settling)} ms after the last restart: ${all.map((j) => j.status).join(', ')}`);
    const final = await run();
    expect(final.statusCode, final.body).toBe(201);
    expect(final.json().errors).toEqual([]);
    all = await runs();
    expect(all.filter((j) => j.status === 'Running' || j.status === 'Queued')).toEqual([]);
    const ids = new Set(all.map((j) => j.id));
    for (const j of all.filter((x) => x.status !== 'Completed')) expect([j.status, ids.has(j.resumedByJobId!)], j.id).toEqual(['Interrupted', true]);
    const { problems, invoices } = await violations(client.call, f.h);
    expect(problems).toEqual([]);
    const byAsset = new Map<string, number>();
    for (const i of invoices) for (const x of i.items) byAsset.set(x.assetNumber, (byAsset.get(x.assetNumber) ?? 0) + Math.round(x.transactionAmount * 100));
    expect(byAsset.size).toBe(subs);
    for (const [asset, total] of byAsset) expect(total, asset).toBe(11880);
    await server.stop();
  });
});
