import { spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { sql } from 'kysely';
import { openDatabase, type OpenDatabase } from '../src/db/connect.js';
import { orderFixture } from '../test/orders/support.js';
import type { TestApp } from '../test/support/app.js';
import { engines, Server, type Engine } from '../test/faults/server.js';
import { load, summarize, type Result } from './driver.js';
import { seedSubscriptions } from './seed.js';
import { ingestLoad, preloadKeys, usageSubscriptions } from './usage-ingest.js';

// npm run bench: every scenario on PGlite and (with DATABASE_URL) PostgreSQL against a real Keel
// server process over loopback, beside the floor of this machine measured in the same run — a bare
// fastify route, Keel's lightest write (one-row POST) and a raw batched INSERT — so each figure is
// also a ratio to the floor. Results: bench/results/latest.json and bench/results/latest.md.
const SECONDS = Number(process.env.BENCH_SECONDS ?? 8);
const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 16);
// the issue's sizes on both engines (the embedded one takes minutes for 100k; smaller runs: set these)
const RUN_SIZES = (_e: Engine) => (process.env.BENCH_RUN_SIZES ?? '10000,100000').split(',').map(Number);
const GRAPHQL_ROWS = (_e: Engine) => Number(process.env.BENCH_GRAPHQL_ROWS ?? 1_000_000);
// usage ingest: keys stored before the second measure (the design's figure is 10M; 0 skips it), subscriptions, rows per batch
const USAGE_KEYS = (_e: Engine) => Number(process.env.BENCH_USAGE_KEYS ?? 1_000_000);
const USAGE_SUBSCRIPTIONS = Number(process.env.BENCH_USAGE_SUBSCRIPTIONS ?? 16);
const USAGE_BATCH = Number(process.env.BENCH_USAGE_BATCH ?? 1000);
// BENCH_ENGINES=pglite (or postgres) measures one engine and keeps the other's figures from the last run:
// each engine's figures are ratios to its own floor, measured in its own run
const ONLY = process.env.BENCH_ENGINES?.split(',');
// BENCH_SCENARIOS=billing (or http, graphql, usage; comma-separated) measures those groups and keeps the others'
// figures from the last run; the floor (fastify, one-row POST, raw INSERT) is measured every time
const SCENARIOS = process.env.BENCH_SCENARIOS?.split(',');
const wants = (group: 'http' | 'billing' | 'graphql' | 'usage') => !SCENARIOS || SCENARIOS.includes(group);
const ROOT = new URL('..', import.meta.url).pathname;
const log = (s: string) => process.stderr.write(`${s}\n`);

interface Figures { [scenario: string]: Record<string, unknown> }

async function floorServer(): Promise<{ url: string; stop: () => void }> {
  const child = spawn(process.execPath, ['--import', 'tsx', 'bench/floor-server.ts'], { cwd: ROOT, stdio: ['ignore', 'pipe', 'inherit'] });
  const url = await new Promise<string>((resolve) => child.stdout!.once('data', (d: Buffer) => resolve(d.toString().trim())));
  return { url, stop: () => child.kill('SIGKILL') };
}

/** The database behind a stopped server, for seeding and the raw INSERT floor. */
async function direct(e: Engine): Promise<OpenDatabase> {
  return e.env.DATABASE_URL ? openDatabase({ databaseUrl: e.env.DATABASE_URL }) : openDatabase({ dataDir: e.env.KEEL_DATA_DIR! });
}

/** A raw batched INSERT of `rows` rows, repeated: rows per second the database itself takes. */
async function insertFloor(db: OpenDatabase, rows: number): Promise<{ rowsPerSecond: number; msPerBatch: number }> {
  await sql`create table if not exists bench_floor (id uuid primary key, n int not null, payload text not null)`.execute(db.db);
  const started = performance.now();
  let batches = 0;
  while (performance.now() - started < 3000) {
    await sql`insert into bench_floor (id, n, payload) select gen_random_uuid(), g, md5(g::text) from generate_series(1, ${rows}::int) g`.execute(db.db);
    batches++;
  }
  const ms = performance.now() - started;
  await sql`drop table bench_floor`.execute(db.db);
  return { rowsPerSecond: Math.round((batches * rows) / (ms / 1000)), msPerBatch: Math.round((ms / batches) * 100) / 100 };
}

/**
 * The one-row write's floor (issue 16): BEGIN, a one-row INSERT, COMMIT through `pg` from Node, from
 * `connections` concurrent workers for `seconds` — what the database commits a second without Keel.
 */
async function transactionFloor(e: Engine, connections: number, seconds: number): Promise<{ rps: number; p50: number; p99: number }> {
  const db = e.env.DATABASE_URL ? await openDatabase({ databaseUrl: e.env.DATABASE_URL, poolSize: connections }) : await direct(e);
  try {
    await sql`create table if not exists bench_tx_floor (id uuid primary key, name text not null, created_at timestamptz not null default now())`.execute(db.db);
    const latencies: number[] = [];
    const started = performance.now();
    await Promise.all(Array.from({ length: connections }, async (_, w) => {
      for (let i = 0; performance.now() - started < seconds * 1000; i++) {
        const t0 = performance.now();
        await db.db.transaction().execute((tx) => sql`insert into bench_tx_floor (id, name) values (gen_random_uuid(), ${`row ${w}.${i}`})`.execute(tx));
        latencies.push(performance.now() - t0);
      }
    }));
    const ms = performance.now() - started;
    await sql`drop table bench_tx_floor`.execute(db.db);
    latencies.sort((a, b) => a - b);
    const at = (q: number) => Math.round(latencies[Math.min(latencies.length - 1, Math.floor(latencies.length * q))]! * 100) / 100;
    return { rps: Math.round((latencies.length / (ms / 1000)) * 100) / 100, p50: at(0.5), p99: at(0.99) };
  } finally {
    await db.close();
  }
}

async function benchEngine(engine: Engine): Promise<Figures> {
  const out: Figures = {};
  const server = new Server(engine);
  await server.start();
  const client = server.client();
  const fixture = await orderFixture(client as unknown as TestApp, { today: '2023-06-22' });
  const base = server.url;
  const h = fixture.h;
  const customers = (await fixture.post('/orders/customers', Array.from({ length: 50 }, (_, i) => ({ name: `Bench buyer ${i}` })))).map((c: { id: string }) => c.id);

  // --- the floor ------------------------------------------------------------------------------------
  const floor = await floorServer();
  out.floorFastify = { ...await load(floor.url, { connections: CONNECTIONS, seconds: SECONDS, request: (i) => ({ method: 'POST', path: '/ping', body: { n: i } }) }) };
  floor.stop();
  log(`${engine.name} floor fastify: ${JSON.stringify(out.floorFastify)}`);
  out.oneRowPost = { ...await load(base, { connections: CONNECTIONS, seconds: SECONDS, request: (i) => ({ method: 'POST', path: '/orders/customers', body: [{ name: `One row ${i}` }], headers: h }) }) };
  log(`${engine.name} one-row POST: ${JSON.stringify(out.oneRowPost)}`);

  // --- scenarios over HTTP -------------------------------------------------------------------------
  if (wants('http')) {
    const line = (productId: string, quantity: number) => ({ productId, quantity, subscriptionTerm: 12, subscriptionStartDate: '2023-06-22' });
    const cartLines = [...Array.from({ length: 6 }, (_, k) => line(fixture.ids.platform, k + 1)), ...Array.from({ length: 4 }, (_, k) => ({ productId: fixture.ids.key, quantity: k + 1 }))];
    out.cartPricing = { ...await load(base, { connections: CONNECTIONS, seconds: SECONDS, request: (i) => ({
      method: 'POST', path: '/orders', headers: h, body: { options: { activateOrder: false, previewInvoice: true }, customerId: customers[i % customers.length], lines: cartLines },
    }) }) };
    log(`${engine.name} cart: ${JSON.stringify(out.cartPricing)}`);
    out.placeOrder = { ...await load(base, { connections: CONNECTIONS, seconds: SECONDS, request: (i) => ({
      method: 'POST', path: '/orders', headers: { ...h, 'Idempotency-Key': `bench-${randomUUID()}` },
      body: { options: { activateInvoice: true }, customerId: customers[i % customers.length], paymentMethod: { token: 'pm_card_visa' }, lines: [line(fixture.ids.platform, 1 + (i % 5))] },
    }) }) };
    log(`${engine.name} place order: ${JSON.stringify(out.placeOrder)}`);

    // change order: preview, then commit with the preview's hash, on subscriptions the orders above made
    const subs = ((await client.call('POST', '/async/graphql', { headers: h, body: { query: '{ Subscription(limit: 5000) { name } }' } })).json().data.Subscription as { name: string }[]).map((s) => s.name);
    out.changeOrder = { ...await pairs(base, h, subs) };
    log(`${engine.name} change order: ${JSON.stringify(out.changeOrder)}`);
  }
  await server.stop();

  out.transactionFloor = { ...await transactionFloor(engine, CONNECTIONS, SECONDS) };
  log(`${engine.name} one-row transaction floor: ${JSON.stringify(out.transactionFloor)}`);

  // --- seeded scenarios: billing runs and GraphQL over large tables -------------------------------
  let db = await direct(engine);
  out.insertFloor = { ...await insertFloor(db, 1000) };
  log(`${engine.name} raw insert floor: ${JSON.stringify(out.insertFloor)}`);
  await db.close();
  if (wants('usage')) Object.assign(out, await usageIngest(engine, server, (out.insertFloor as { rowsPerSecond: number }).rowsPerSecond));
  const tenants: { size: number; key: Record<string, string>; tenantId: string }[] = [];
  for (const size of wants('billing') ? RUN_SIZES(engine) : []) {
    await server.start();
    const f = await orderFixture(server.client() as unknown as TestApp, { today: '2023-06-22' });
    tenants.push({ size, key: f.h, tenantId: f.tenant.id });
    await server.stop();
    db = await direct(engine);
    const t0 = performance.now();
    await seedSubscriptions(db, f.tenant.id, f.ids.platform, size, `R${size}`);
    log(`${engine.name} seeded ${size} subscriptions in ${Math.round(performance.now() - t0)} ms`);
    await db.close();
  }
  await server.start();
  for (const t of tenants) {
    const t0 = performance.now();
    const { job, healthz, status } = await runAsJob(server.url, t.key, { scheduleType: 'OneTime', targetDate: '2023-06-22', autoActivate: true });
    const seconds = (performance.now() - t0) / 1000;
    out[`billingRun${t.size}`] = { subscriptions: t.size, seconds: Math.round(seconds * 100) / 100, subscriptionsPerSecond: Math.round(t.size / seconds), msPerSubscription: Math.round((seconds * 1e6) / t.size) / 1000, invoices: job.invoiceIds?.length, errors: job.errors?.length, status, healthzDuringRun: healthz };
    log(`${engine.name} billing run ${t.size}: ${JSON.stringify(out[`billingRun${t.size}`])}`);
  }
  await server.stop();

  if (!wants('graphql')) return out;
  const rows = GRAPHQL_ROWS(engine);
  await server.start();
  const g = await orderFixture(server.client() as unknown as TestApp, { today: '2023-06-22' });
  await server.stop();
  db = await direct(engine);
  const t0 = performance.now();
  await seedSubscriptions(db, g.tenant.id, g.ids.platform, rows, 'G');
  log(`${engine.name} seeded ${rows} subscriptions for GraphQL in ${Math.round(performance.now() - t0)} ms`);
  await db.close();
  await server.start();
  const customerIds = Array.from({ length: 200 }, (_, k) => k * Math.floor(rows / 10 / 200) + 1);
  const ids = await Promise.all(customerIds.map(async (n) => (await server.client().call('POST', '/async/graphql', { headers: g.h, body: { query: `{ Customer(where: {name: {_eq: "G customer ${n}"}}) { id } }` } })).json().data.Customer[0]?.id as string));
  out.graphqlPage = { tableRows: rows, query: '100 subscriptions (limit 100) with their customer', ...await load(server.url, { connections: CONNECTIONS, seconds: SECONDS, request: (i) => ({
    method: 'POST', path: '/async/graphql', headers: g.h,
    body: { query: 'query ($offset: Int) { Subscription(limit: 100, offset: $offset) { name quantity subscriptionStartDate customer { id name } } }', variables: { offset: (i * 100) % 10_000 } },
  }) }) };
  out.graphqlCustomer = { tableRows: rows, query: 'one customer\'s subscriptions with the customer', ...await load(server.url, { connections: CONNECTIONS, seconds: SECONDS, request: (i) => ({
    method: 'POST', path: '/async/graphql', headers: g.h,
    body: { query: 'query ($customerId: ID) { Subscription(where: {customerId: {_eq: $customerId}}, limit: 100) { name quantity customer { id name todayCMRR } } }', variables: { customerId: ids[i % ids.length] } },
  }) }) };
  // the same query from one client at a time: the latency of the query itself, without queueing behind 15 others
  out.graphqlCustomer1 = { tableRows: rows, query: 'one customer\'s subscriptions with the customer, one connection', ...await load(server.url, { connections: 1, seconds: SECONDS, request: (i) => ({
    method: 'POST', path: '/async/graphql', headers: g.h,
    body: { query: 'query ($customerId: ID) { Subscription(where: {customerId: {_eq: $customerId}}, limit: 100) { name quantity customer { id name todayCMRR } } }', variables: { customerId: ids[(i * 7) % ids.length] } },
  }) }) };
  log(`${engine.name} graphql: ${JSON.stringify(out.graphqlPage)} ${JSON.stringify(out.graphqlCustomer)} ${JSON.stringify(out.graphqlCustomer1)}`);
  await server.stop();
  return out;
}

/**
 * `POST /usage/raw-usage` (shared/design/usage.md "Figures"): batches of USAGE_BATCH fresh rows from
 * CONNECTIONS clients into USAGE_SUBSCRIPTIONS usage subscriptions, on an empty store, then again with
 * USAGE_KEYS keys stored straight into usage_keys and raw_usage; rows/s beside the raw INSERT floor.
 */
async function usageIngest(engine: Engine, server: Server, floorRowsPerSecond: number): Promise<Figures> {
  const out: Figures = {};
  const day = '2023-06-22';
  await server.start();
  const f = await orderFixture(server.client() as unknown as TestApp, { today: day });
  const subs = await usageSubscriptions(f.post, f.book.id, USAGE_SUBSCRIPTIONS);
  const measure = (keysStoredBefore: number) => ingestLoad(server.url, { headers: f.h, subs, day, connections: CONNECTIONS, seconds: SECONDS, batch: USAGE_BATCH, floorRowsPerSecond, keysStoredBefore });
  out.usageIngest = { ...await measure(0) };
  log(`${engine.name} usage ingest (empty store): ${JSON.stringify(out.usageIngest)}`);
  await server.stop();
  const n = USAGE_KEYS(engine);
  if (n <= 0) return out;
  const db = await direct(engine);
  const t0 = performance.now();
  const stored = await preloadKeys(db, f.tenant.id, subs, n, day, log);
  log(`${engine.name} preloaded ${n} usage keys in ${Math.round(performance.now() - t0)} ms (the tenant holds ${stored})`);
  await db.close();
  await server.start();
  out.usageIngestKeysStored = { ...await measure(stored) };
  log(`${engine.name} usage ingest (${stored} keys stored): ${JSON.stringify(out.usageIngestKeysStored)}`);
  await server.stop();
  return out;
}

/**
 * A billing run as a job (`Prefer: respond-async`: 202 at once), followed to its end: /healthz is
 * probed every 10 ms meanwhile (issue 15 part 5: no request stalls the server) and the job read every 250 ms.
 */
async function runAsJob(base: string, headers: Record<string, string>, body: unknown): Promise<{ job: any; status: number; healthz: { probes: number; p50: number; p99: number; max: number } }> {
  const get = async (path: string, h: Record<string, string> = {}) => {
    const res = await fetch(`${base}${path}`, { headers: h });
    return { status: res.status, json: await res.json() as any };
  };
  const started = await fetch(`${base}/billing/schedules`, { method: 'POST', headers: { ...headers, 'content-type': 'application/json', prefer: 'respond-async' }, body: JSON.stringify(body) });
  let job = await started.json() as any;
  const latencies: number[] = [];
  let readAt = performance.now();
  while (job.status === 'Queued' || job.status === 'Running') {
    const t0 = performance.now();
    await get('/healthz');
    latencies.push(performance.now() - t0);
    await new Promise((r) => setTimeout(r, 10));
    if (performance.now() - readAt > 250) { job = (await get(`/billing/jobs/${job.id}`, headers)).json; readAt = performance.now(); }
  }
  latencies.sort((a, b) => a - b);
  const at = (q: number) => Math.round((latencies[Math.min(latencies.length - 1, Math.floor(latencies.length * q))] ?? 0) * 10) / 10;
  return { job, status: started.status, healthz: { probes: latencies.length, p50: at(0.5), p99: at(0.99), max: at(1) } };
}

/** Change orders as a customer makes them: preview, then commit with the preview's hash. */
async function pairs(base: string, h: Record<string, string>, subs: string[]): Promise<Result> {
  let next = 0;
  let errors = 0;
  const latencies: number[] = [];
  const until = performance.now() + SECONDS * 1000;
  const started = performance.now();
  const post = async (path: string, body: unknown) => {
    const res = await fetch(`${base}${path}`, { method: 'POST', headers: { ...h, 'content-type': 'application/json' }, body: JSON.stringify(body) });
    return { status: res.status, json: await res.json() as Record<string, unknown> };
  };
  await Promise.all(Array.from({ length: CONNECTIONS }, async () => {
    while (performance.now() < until && next < subs.length) {
      const sub = subs[next++]!;
      const change = { assetChanges: [{ assetNumber: sub, changeType: 'UpdateQuantity', quantity: 1, startDate: '2023-06-22' }] };
      const t0 = performance.now();
      const preview = await post('/cpq/change-order:preview', change);
      const commit = preview.status === 200 ? await post('/orders/change-orders', { ...change, options: { activateInvoice: true, previewHash: preview.json.previewHash } }) : preview;
      latencies.push(performance.now() - t0);
      if (commit.status !== 200) errors++;
    }
  }));
  return summarize(latencies, errors, (performance.now() - started) / 1000);
}

const TARGETS: Record<string, string> = {
  oneRowPost: '≥ 35 % of the one-row transaction floor (issue 16)',
  cartPricing: '≥ 2,000 req/s, p99 ≤ 20 ms (PostgreSQL)', placeOrder: '≥ 300 orders/s (PostgreSQL)', billingRun100000: '≤ 60 s',
  usageIngest: '≥ 50,000 rows/s and ≥ 30 % of the raw INSERT floor (PostgreSQL)', usageIngestKeysStored: '≥ 50,000 rows/s and ≥ 30 % of the floor with 10M keys stored (PostgreSQL)',
  graphqlPage: 'p99 ≤ 20 ms over 1M subscriptions', graphqlCustomer: 'p99 ≤ 20 ms over 1M subscriptions', graphqlCustomer1: 'p99 ≤ 20 ms over 1M subscriptions',
};

function markdown(all: Record<string, Figures>): string {
  const rows: string[] = ['| engine | scenario | throughput | p50 ms | p99 ms | vs floor | target |', '|---|---|---|---|---|---|---|'];
  for (const [engine, figures] of Object.entries(all)) {
    const floor = figures.floorFastify as unknown as Result;
    const oneRow = figures.oneRowPost as unknown as Result;
    const insert = figures.insertFloor as { rowsPerSecond: number } | undefined;
    for (const [name, f] of Object.entries(figures)) {
      const r = f as Record<string, number | string>;
      if ('keptFrom' in r) {
        const figure = 'rps' in r ? `${r.rps} req/s | ${r.p50} | ${r.p99}` : 'ratioToInsertFloor' in r ? `${r.rowsPerSecond} rows/s (${r.keysStoredBefore} keys stored) | ${r.batchP50Ms} per batch | ${r.batchP99Ms}`
          : 'subscriptionsPerSecond' in r ? `${r.subscriptionsPerSecond} subs/s (${r.seconds} s, ${r.msPerSubscription} ms each) | |` : `${JSON.stringify(r)} | |`;
        rows.push(`| ${engine} | ${name} | ${figure} | kept from the run of ${String(r.keptFrom).slice(0, 16).replace('T', ' ')} (its floor is not this one) | ${TARGETS[name] ?? ''} |`);
      } else if ('rps' in r) {
        const tx = figures.transactionFloor as { rps: number } | undefined;
        const ratio = name === 'floorFastify' ? '1'
          : name === 'transactionFloor' ? `${(Number(r.rps) / floor.rps).toFixed(3)} of fastify (BEGIN, INSERT, COMMIT through pg, no Keel)`
            : name === 'oneRowPost' ? `${(Number(r.rps) / floor.rps).toFixed(3)} of fastify${tx ? `, ${(Number(r.rps) / tx.rps).toFixed(3)} of the one-row transaction floor` : ''}`
              : `${(Number(r.rps) / floor.rps).toFixed(3)} of fastify, ${(Number(r.rps) / oneRow.rps).toFixed(2)} of one-row POST`;
        rows.push(`| ${engine} | ${name} | ${r.rps} req/s | ${r.p50} | ${r.p99} | ${ratio} | ${TARGETS[name] ?? ''} |`);
      } else if ('subscriptionsPerSecond' in r) {
        // the run writes an invoice per customer and an item and a detail per subscription
        const written = Number(r.invoices) + 2 * Number(r.subscriptions);
        const ratio = insert ? `${(Number(r.seconds) / (written / insert.rowsPerSecond)).toFixed(0)}× a raw INSERT of its ${written} rows` : '';
        // p50/p99 columns: /healthz probed while the run was in progress
        const hz = r.healthzDuringRun as { p50: number; p99: number; probes: number } | undefined;
        const probes = hz ? [`healthz ${hz.p50}`, `healthz ${hz.p99} (${hz.probes} probes)`] : ['', ''];
        rows.push(`| ${engine} | ${name} | ${r.subscriptionsPerSecond} subs/s (${r.seconds} s, ${r.msPerSubscription} ms each) | ${probes[0]} | ${probes[1]} | ${ratio} | ${TARGETS[name] ?? ''} |`);
      } else if ('ratioToInsertFloor' in r) {
        // one usage ingest measure: rows accepted a second, latency per batch of 1,000, and its share of the raw INSERT floor
        const failed = Number(r.failures) > 0 ? `, ${r.failures} of ${r.batches} batches failed` : '';
        rows.push(`| ${engine} | ${name} (${r.keysStoredBefore} keys stored) | ${r.rowsPerSecond} rows/s (${r.batchRows}-row batches${failed}) | ${r.batchP50Ms} per batch | ${r.batchP99Ms} | ${r.ratioToInsertFloor} of the raw INSERT floor | ${TARGETS[name] ?? ''} |`);
      } else if ('rowsPerSecond' in r) {
        rows.push(`| ${engine} | raw batched INSERT (1,000 rows) | ${r.rowsPerSecond} rows/s | ${r.msPerBatch} per batch | | floor | |`);
      }
    }
  }
  return rows.join('\n');
}

const writeMarkdown = (stamp: { date: string; measured?: Record<string, string>; cpus: number; node: string; seconds: number; connections: number }, all: Record<string, Figures>) => {
  const when = stamp.measured ? Object.entries(stamp.measured).map(([e, d]) => `${e} ${d}`).join(', ') : stamp.date;
  writeFileSync(new URL('./results/latest.md', import.meta.url), `# Keel benchmarks\n\nMeasured: ${when}. ${stamp.cpus} CPUs, Node ${stamp.node}, ${stamp.connections} connections, ${stamp.seconds} s per scenario.\n\n${markdown(all)}\n`);
};

// `npm run bench -- --report`: the Markdown table again from the last run's JSON, nothing measured
if (process.argv.includes('--report')) {
  const last = JSON.parse(readFileSync(new URL('./results/latest.json', import.meta.url), 'utf8'));
  writeMarkdown(last, last.results);
  process.stdout.write(`${markdown(last.results)}\n`);
  process.exit(0);
}

const last = (ONLY || SCENARIOS) && existsSync(new URL('./results/latest.json', import.meta.url)) ? JSON.parse(readFileSync(new URL('./results/latest.json', import.meta.url), 'utf8')) : null;
const all: Record<string, Figures> = {};
const measured: Record<string, string> = {};
// served as in production: without the test suite's check of every answer against its schema
for (const engine of (await engines()).map((e) => ({ ...e, env: { ...e.env, KEEL_CHECK_RESPONSES: '0' } }))) {
  if (ONLY && !ONLY.includes(engine.name)) {
    if (last?.results[engine.name]) { all[engine.name] = last.results[engine.name]; measured[engine.name] = last.measured?.[engine.name] ?? last.date; }
    continue;
  }
  log(`--- ${engine.name}`);
  // figures not measured now (BENCH_SCENARIOS) stay as the last run measured them, marked with its date
  // (their ratios to a floor measured now would mean nothing)
  const fresh = await benchEngine(engine);
  const kept = Object.fromEntries(Object.entries(SCENARIOS ? last?.results[engine.name] ?? {} : {}).filter(([k]) => !(k in fresh))
    .map(([k, f]) => [k, { keptFrom: last?.measured?.[engine.name] ?? last?.date, ...(f as Record<string, unknown>) }]));
  all[engine.name] = { ...(SCENARIOS ? last?.results[engine.name] : {}), ...kept, ...fresh };
  measured[engine.name] = new Date().toISOString();
}
mkdirSync(new URL('./results/', import.meta.url), { recursive: true });
const stamp = { date: new Date().toISOString(), measured, cpus: (await import('node:os')).cpus().length, node: process.version, seconds: SECONDS, connections: CONNECTIONS };
writeFileSync(new URL('./results/latest.json', import.meta.url), `${JSON.stringify({ ...stamp, results: all }, null, 2)}\n`);
writeMarkdown(stamp, all);
process.stdout.write(`${markdown(all)}\n`);
process.exit(0);
