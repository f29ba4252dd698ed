import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomUUID } from 'node:crypto';
import pg from 'pg';
import { sql } from 'kysely';
import { loadConfig } from '../src/config.js';
import { openDatabase } from '../src/db/connect.js';
import { startRuntime } from '../src/runtime.js';
import { orderFixture } from '../test/orders/support.js';
import type { TestApp } from '../test/support/app.js';
import { seedSubscriptions } from './seed.js';

// Where a billing run's time goes, statement by statement, as the run proceeds:
//   node --import tsx bench/billing-profile.ts 10000 [customers per bucket, default a fifth of them]
// (DATABASE_URL=postgres://… profiles PostgreSQL instead of an embedded PGlite on disk). It seeds
// N subscriptions (10 per customer, as `npm run bench` does), runs the OneTime billing run in process
// (background jobs on, as `keel serve` has them) and prints, per bucket of customers billed, the
// milliseconds per customer of each statement text.
const N = Number(process.argv[2] ?? 10_000);
const BUCKET = Number(process.argv[3] ?? Math.max(1, Math.round(N / 50))); // customers per bucket: 5 buckets
const ADMIN = 'profile-admin';

// every statement's time, by its text (placeholders folded), per bucket of commits (a customer's transaction, and the jobs loop's few)
const norm = (s: string) => s.replace(/\s+/g, ' ').replace(/\$\d+/g, '$').replace(/(\(\$(, \$)*\))(, \(\$(, \$)*\))+/g, '$1,…').slice(0, 110);
let commits = 0;
let recording = false;
const buckets: Map<string, { n: number; ms: number }>[] = [];
const proto = pg.Client.prototype as unknown as { query: (...a: unknown[]) => unknown };
const original = proto.query;
proto.query = function (this: unknown, ...args: unknown[]) {
  if (!recording) return original.apply(this, args);
  const text = typeof args[0] === 'string' ? args[0] : (args[0] as { text?: string })?.text ?? '?';
  const started = performance.now();
  const r = original.apply(this, args);
  if (r && typeof (r as Promise<unknown>).then === 'function') {
    const b = Math.floor(commits / BUCKET);
    void (r as Promise<unknown>).then(() => {
      const k = norm(text);
      if (/^commit/i.test(k)) commits++;
      const m = (buckets[b] ??= new Map());
      const e = m.get(k) ?? { n: 0, ms: 0 };
      e.n++; e.ms += performance.now() - started;
      m.set(k, e);
    }, () => undefined);
  }
  return r;
};

const dir = mkdtempSync(join(tmpdir(), 'keel-profile-'));
const database = process.env.DATABASE_URL ? await openDatabase({ databaseUrl: process.env.DATABASE_URL }) : await openDatabase({ dataDir: dir });
const rt = await startRuntime({ ...loadConfig({}), adminToken: ADMIN, jwtSecret: 'profile-jwt-secret-profile-jwt-secret', logLevel: 'warn', loadDemo: false, background: true }, { database });
const call: TestApp['call'] = (method, url, o = {}) => rt.app.inject({
  method, url, headers: { ...(o.body !== undefined && { 'content-type': 'application/json' }), ...o.headers },
  ...(o.body !== undefined && { payload: JSON.stringify(o.body) }),
});
const t = { rt, call, close: () => rt.close(), async newTenant(x = {}) {
  const res = await call('POST', '/admin/tenants', { body: { name: `p-${randomUUID()}`, ...x }, headers: { authorization: `Bearer ${ADMIN}` } });
  return res.json();
} } as TestApp;
const f = await orderFixture(t, { today: '2023-06-22' });
let t0 = performance.now();
await seedSubscriptions(database, f.tenant.id, f.ids.platform, N, 'P');
process.stdout.write(`seeded ${N} in ${Math.round(performance.now() - t0)} ms\n`);

const scans = async () => new Map((await sql<{ relname: string; seq_scan: string; idx_scan: string | null }>`select relname, seq_scan, idx_scan from pg_stat_user_tables`.execute(database.db)).rows.map((r) => [r.relname, r]));
const before = await scans();
let timerTicks = 0;
const ticker = setInterval(() => { timerTicks++; }, 100);
recording = true;
const cpu0 = process.cpuUsage();
t0 = performance.now();
const res = await call('POST', '/billing/schedules', { body: { scheduleType: 'OneTime', targetDate: '2023-06-22', autoActivate: true }, headers: f.h });
const seconds = (performance.now() - t0) / 1000;
recording = false;
const cpu = process.cpuUsage(cpu0);
clearInterval(ticker);
const job = res.json();
// the cumulative statistics arrive a moment later
await new Promise((r) => setTimeout(r, 1500));
const after = await scans();
const scanned = [...after].map(([name, r]) => ({ name, seq: Number(r.seq_scan) - Number(before.get(name)?.seq_scan ?? 0), idx: Number(r.idx_scan ?? 0) - Number(before.get(name)?.idx_scan ?? 0) }))
  .filter((x) => x.seq + x.idx > 0).sort((a, b) => b.seq - a.seq).slice(0, 8);
process.stdout.write(`billing run ${N}: ${seconds.toFixed(1)} s, ${((seconds * 1000) / N).toFixed(3)} ms per subscription (CPU ${((cpu.user + cpu.system) / 1000 / N).toFixed(3)} ms: PGlite runs in this process), ${job.invoiceIds?.length} invoices, ${job.errors?.length} errors (${res.statusCode}); the event loop turned ${timerTicks} times of ${Math.floor(seconds * 10)} (100 ms timer)\n`);
process.stdout.write(`scans during the run: ${scanned.map((x) => `${x.name} ${x.seq} seq / ${x.idx} index`).join(', ')}\n`);
buckets.forEach((m, b) => {
  const total = [...m.values()].reduce((a, e) => a + e.ms, 0);
  process.stdout.write(`\n-- customers ${b * BUCKET}..${(b + 1) * BUCKET}: ${(total / BUCKET).toFixed(2)} ms of statements per customer\n`);
  for (const [k, e] of [...m].sort((a, c) => c[1].ms - a[1].ms).slice(0, 14)) {
    process.stdout.write(`${(e.ms / BUCKET).toFixed(3).padStart(8)} ms/cust ${String(e.n).padStart(6)}× ${(e.ms / e.n).toFixed(3).padStart(7)} ms  ${k}\n`);
  }
});
await rt.close();
await database.close();
rmSync(dir, { recursive: true, force: true });
process.exit(0);
