import { randomUUID } from 'node:crypto';
import http from 'node:http';
import { sql } from 'kysely';
import type { OpenDatabase } from '../src/db/connect.js';
import { summarize } from './driver.js';

// The usage group of `npm run bench` (shared/design/usage.md "Figures"): `POST /usage/raw-usage` with
// batches of 1,000 keyed rows from 16 connections, on an empty store and with N keys already stored,
// each figure beside the raw batched-INSERT floor of the same run and engine.

export interface UsageSub { name: string; id: string; customerId: string; productId: string }
type Post = (url: string, body: unknown) => Promise<any>;

/** A usage product (Sum) and `count` usage subscriptions, one order (and customer) each, activated on the test-clock day. */
export async function usageSubscriptions(post: Post, bookId: string, count: number): Promise<UsageSub[]> {
  const calls = await post('/objects/Uom', { name: 'Call/Month', quantityDimension: 'Call', termDimension: 'Month', decimalScale: 0 });
  await post('/objects/composite/ProductList', { persistentObjects: [
    { referenceId: 'api', content: { name: 'API calls', sku: 'BENCH-API-CALLS', status: 'Active', priceModel: 'Usage', uomId: calls.id, defaultSubscriptionTerm: 12, priceBookEntries: [{ priceBookId: bookId, uomId: calls.id, currencyIsoCode: 'USD', listPrice: '0.01' }] } },
  ] });
  const subs: UsageSub[] = [];
  for (let i = 0; i < count; i++) {
    const order = await post('/orders', { options: { activateInvoice: true }, customer: { name: `Metered ${i}` }, lines: [{ sku: 'BENCH-API-CALLS', quantity: 1 }] });
    const s = (order.subscriptions as UsageSub[])[0]!;
    subs.push({ name: s.name, id: s.id, customerId: s.customerId, productId: s.productId });
  }
  return subs;
}

export interface IngestFigures {
  keysStoredBefore: number; batchRows: number; batches: number; failures: number; seconds: number;
  rowsPerSecond: number; ratioToInsertFloor: number; batchP50Ms: number; batchP99Ms: number; batchMaxMs: number; firstFailure?: string;
}

/**
 * Closed loop: `connections` clients each POST a batch of `batch` fresh rows (unique random ids, spread
 * over the subscriptions, timestamps inside the test-clock day `day`), wait for the answer, send the next.
 * A batch counts when it is answered 201 with `accepted == batch`; anything else is a failure.
 * A warm-up (BENCH_WARMUP, default 2 s) runs first and is not counted.
 */
export async function ingestLoad(base: string, o: {
  headers: Record<string, string>; subs: readonly UsageSub[]; day: string; connections: number; seconds: number; batch: number; floorRowsPerSecond: number; keysStoredBefore: number; warmup?: number;
}): Promise<IngestFigures> {
  const url = new URL(base);
  const agent = new http.Agent({ keepAlive: true, maxSockets: o.connections });
  const warmup = o.warmup ?? Number(process.env.BENCH_WARMUP ?? 2);
  let n = 0;
  // the body as text, built by hand: the client shares the machine with the server and the database
  const body = () => {
    const parts = new Array<string>(o.batch);
    for (let k = 0; k < o.batch; k++) {
      const i = n++;
      const s = (i % 86_400);
      const hh = String(Math.floor(s / 3600)).padStart(2, '0');
      const mm = String(Math.floor(s / 60) % 60).padStart(2, '0');
      const ss = String(s % 60).padStart(2, '0');
      parts[k] = `{"id":"${randomUUID()}","subscriptionNumber":"${o.subs[i % o.subs.length]!.name}","timestamp":"${o.day}T${hh}:${mm}:${ss}Z","quantity":${1 + (i % 7)}}`;
    }
    return `{"data":[${parts.join(',')}]}`;
  };
  const send = (payload: string) => new Promise<{ status: number; text: string }>((resolve) => {
    const req = http.request({
      host: url.hostname, port: url.port, method: 'POST', path: '/usage/raw-usage', agent,
      headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(payload), ...o.headers },
    }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, text: Buffer.concat(chunks).toString() }));
    });
    req.on('error', (e) => resolve({ status: 0, text: String(e) }));
    req.end(payload);
  });
  let latencies: number[] = [];
  let failures = 0;
  let firstFailure: string | undefined;
  let until = 0;
  const run = () => Promise.all(Array.from({ length: o.connections }, async () => {
    while (performance.now() < until) {
      const payload = body();
      const t0 = performance.now();
      const res = await send(payload);
      latencies.push(performance.now() - t0);
      let accepted = -1;
      try { accepted = (JSON.parse(res.text) as { accepted?: number }).accepted ?? -1; } catch { /* not JSON */ }
      if (res.status !== 201 || accepted !== o.batch) {
        failures++;
        firstFailure ??= `${res.status} ${res.text.slice(0, 300)}`;
      }
    }
  }));
  if (warmup > 0) {
    until = performance.now() + warmup * 1000;
    await run();
  }
  latencies = [];
  failures = 0;
  firstFailure = undefined;
  until = performance.now() + o.seconds * 1000;
  const started = performance.now();
  await run();
  agent.destroy();
  const r = summarize(latencies, failures, (performance.now() - started) / 1000);
  const rowsPerSecond = Math.round(((r.requests - failures) * o.batch) / r.seconds);
  return {
    keysStoredBefore: o.keysStoredBefore, batchRows: o.batch, batches: r.requests, failures, seconds: r.seconds, rowsPerSecond,
    ratioToInsertFloor: Math.round((rowsPerSecond / o.floorRowsPerSecond) * 1000) / 1000, batchP50Ms: r.p50, batchP99Ms: r.p99, batchMaxMs: r.max,
    ...(firstFailure !== undefined && { firstFailure }),
  };
}

/**
 * `n` keys stored straight into usage_keys and their rows into raw_usage (already aggregated, as old rows
 * are), spread over the subscriptions, in statements of at most 1M rows; then VACUUM ANALYZE. Answers the
 * keys the tenant holds afterwards.
 */
export async function preloadKeys(db: OpenDatabase, tenantId: string, subs: readonly UsageSub[], n: number, day: string, log: (s: string) => void): Promise<number> {
  const chunk = 1_000_000;
  const subsSql = sql`unnest(${subs.map((s) => s.name)}::text[], ${subs.map((s) => s.id)}::uuid[], ${subs.map((s) => s.customerId)}::uuid[], ${subs.map((s) => s.productId)}::uuid[])
    with ordinality as s(asset_number, subscription_id, customer_id, product_id, k)`;
  const at = sql`${`${day}T00:00:00Z`}::timestamptz + ((g % 86400) * interval '1 second')`;
  for (let from = 0; from < n; from += chunk) {
    const to = Math.min(n, from + chunk);
    const t0 = performance.now();
    await sql`insert into usage_keys (tenant_id, asset_number, key, raw_usage_id, at, quantity)
      select ${tenantId}::uuid, s.asset_number, 'id:' || md5('bench-key' || g)::uuid::text, md5('bench-raw' || g)::uuid, ${at}, 1 + g % 7
      from generate_series(${from + 1}::int, ${to}::int) g join ${subsSql} on s.k = 1 + g % ${subs.length}`.execute(db.db);
    await sql`insert into raw_usage (tenant_id, id, transaction_id, row_index, event_id, asset_number, subscription_id, customer_id, product_id, at, quantity,
        properties, status, error, aggregated_at, created_at)
      select ${tenantId}::uuid, md5('bench-raw' || g)::uuid, 'bench-preload-' || (g / 1000), g % 1000, md5('bench-key' || g)::uuid::text, s.asset_number,
        s.subscription_id, s.customer_id, s.product_id, ${at}, 1 + g % 7, null, 'Active', null, now(), now()
      from generate_series(${from + 1}::int, ${to}::int) g join ${subsSql} on s.k = 1 + g % ${subs.length}`.execute(db.db);
    log(`  preloaded keys ${from + 1}..${to} in ${Math.round(performance.now() - t0)} ms`);
  }
  await sql`vacuum analyze usage_keys`.execute(db.db);
  await sql`vacuum analyze raw_usage`.execute(db.db);
  const r = await sql<{ n: string }>`select count(*) as n from usage_keys where tenant_id = ${tenantId}`.execute(db.db);
  return Number(r.rows[0]!.n);
}
