import { randomUUID } from 'node:crypto';
import { afterAll, describe, expect, it } from 'vitest';
import { orderFixture } from '../orders/support.js';
import type { TestApp } from '../support/app.js';
import { violations } from './invariants.js';
import { engines, Server } from './server.js';

// 1,000 requests, ten for each of 100 Idempotency-Keys, all at once: each key runs once.
const servers: Server[] = [];
afterAll(async () => { for (const s of servers) await s.kill(); });
const KEYS = Number(process.env.KEEL_REPLAY_KEYS ?? 100);
const COPIES = 10;

describe.each(await engines())('idempotent replays on $name', (engine) => {
  it(`${KEYS * COPIES} concurrent requests with ${KEYS} keys: one order per key, one answer per key`, async () => {
    const server = new Server(engine);
    servers.push(server);
    await server.start();
    const client = server.client();
    const f = await orderFixture(client as unknown as TestApp, { today: '2023-06-22' });
    const keys = Array.from({ length: KEYS }, (_, i) => ({ key: `replay-${i}-${randomUUID()}`, i }));
    const send = (k: { key: string; i: number }) => client.call('POST', '/orders', { headers: { ...f.h, 'Idempotency-Key': k.key }, body: {
      refId: k.key, options: { activateInvoice: true }, customer: { name: `Replay ${k.i}` }, paymentMethod: { token: 'pm_card_visa' },
      lines: [{ productId: f.ids.platform, quantity: 1, subscriptionTerm: 12, subscriptionStartDate: '2023-06-22' }],
    } });
    const all = keys.flatMap((k) => Array.from({ length: COPIES }, () => k)).sort(() => Math.random() - 0.5);
    const answers = new Map<string, Set<string>>();
    let inProgress = 0;
    await Promise.all(all.map(async (k) => {
      for (;;) {
        const res = await send(k);
        if (res.statusCode === 409 && res.body.includes('IN_PROGRESS')) { inProgress++; await new Promise((r) => setTimeout(r, 20)); continue; }
        expect(res.statusCode, res.body).toBe(200);
        answers.set(k.key, (answers.get(k.key) ?? new Set()).add(res.json().order.id));
        return;
      }
    }));
    for (const k of keys) expect(answers.get(k.key)?.size, k.key).toBe(1);
    const { problems, orders } = await violations(client.call, f.h);
    expect(problems).toEqual([]);
    expect(orders.filter((o) => o.refId?.startsWith('replay-'))).toHaveLength(KEYS);
    const payments = (await client.call('POST', '/async/graphql', { headers: f.h, body: { query: '{ Payment_aggregate(where: {status: {_eq: "Succeeded"}}) { aggregate { count } } }' } })).json();
    expect(payments.data.Payment_aggregate.aggregate.count).toBe(KEYS);
    void inProgress;
    await server.stop();
  });
});
