import { mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { orderFixture } from '../test/orders/support.js';
import type { TestApp } from '../test/support/app.js';
import { engines, Server } from '../test/faults/server.js';
import { load } from './driver.js';

// Where a request's CPU goes (issue 16 part 3): a `keel serve` under --cpu-prof takes the bench's
// one-row POST (or, with PROFILE_SCENARIO=cart, the 10-line cart) from 16 connections; then the
// profile's samples are summed by package and by function (self time), beside the rate it served.
//   DATABASE_URL=postgres://… node --import tsx bench/pipeline-profile.ts
const SECONDS = Number(process.env.BENCH_SECONDS ?? 8);
const SCENARIO = process.env.PROFILE_SCENARIO ?? 'oneRow';
const dir = mkdtempSync(join(tmpdir(), 'keel-prof-'));
const engine = (await engines()).find((e) => e.name === (process.env.DATABASE_URL ? 'postgres' : 'pglite'))!;
// PROFILE=0: no profiler (its overhead is a third of the CPU), only the server's CPU time a request
const PROFILING = process.env.PROFILE !== '0';
const server = new Server({ ...engine, env: { ...engine.env, KEEL_CHECK_RESPONSES: '0' }, nodeArgs: PROFILING ? ['--cpu-prof', `--cpu-prof-dir=${dir}`] : [] });
await server.start();
const fixture = await orderFixture(server.client() as unknown as TestApp, { today: '2023-06-22' });
const customers = (await fixture.post('/orders/customers', Array.from({ length: 50 }, (_, i) => ({ name: `Profile buyer ${i}` })))).map((c: { id: string }) => c.id);
const cartLines = [...Array.from({ length: 6 }, (_, k) => ({ productId: fixture.ids.platform, quantity: k + 1, subscriptionTerm: 12, subscriptionStartDate: '2023-06-22' })),
  ...Array.from({ length: 4 }, (_, k) => ({ productId: fixture.ids.key, quantity: k + 1 }))];
/** CPU seconds (user + system) of the server process and its workers so far, from /proc. */
const serverCpu = () => {
  const root = (server as unknown as { child: { pid: number } }).child.pid;
  const stat = (pid: string) => { try { return readFileSync(`/proc/${pid}/stat`, 'utf8').slice(readFileSync(`/proc/${pid}/stat`, 'utf8').lastIndexOf(')') + 2).split(' '); } catch { return undefined; } };
  let ticks = 0;
  for (const pid of readdirSync('/proc').filter((d) => /^\d+$/.test(d))) {
    const f = stat(pid);
    if (f && (Number(pid) === root || Number(f[1]) === root)) ticks += Number(f[11]) + Number(f[12]);
  }
  return ticks / 100;
};
const cpuBefore = serverCpu();
const result = await load(server.url, { connections: 16, seconds: SECONDS, request: (i) => (SCENARIO === 'cart'
  ? { method: 'POST', path: '/orders', headers: fixture.h, body: { options: { activateOrder: false, previewInvoice: true }, customerId: customers[i % customers.length], lines: cartLines } }
  : { method: 'POST', path: '/orders/customers', headers: fixture.h, body: [{ name: `One row ${i}` }] }) });
const cpuSeconds = serverCpu() - cpuBefore;
await server.stop();
process.stdout.write(`${SCENARIO}: ${JSON.stringify(result)}; the server's CPU (warm-up included): ${(1000 * cpuSeconds / (result.requests * (1 + 2 / SECONDS))).toFixed(3)} ms a request\n`);
if (!PROFILING) process.exit(0);

interface Node { id: number; callFrame: { functionName: string; url: string; lineNumber: number } }
interface Profile { nodes: Node[]; startTime: number; endTime: number; samples: number[]; timeDeltas: number[] }
// every process and thread the server ran (its workers among them); only the samples of the measured
// seconds (the server stops right after them), so start-up (schema compiling, module loading) is left out
const IDLE = new Set(['(idle)', '(program)']);
const busy: { node: Node; us: number; stack: string[] }[] = [];
const frame = (n: Node) => `${n.callFrame.functionName || '(anonymous)'} ${n.callFrame.url.replace(/^.*node_modules\//, '').replace(/^.*\/src\//, 'src/')}:${n.callFrame.lineNumber + 1}`;
for (const f of readdirSync(dir).filter((name) => name.endsWith('.cpuprofile'))) {
  const p = JSON.parse(readFileSync(join(dir, f), 'utf8')) as Profile;
  const byId = new Map(p.nodes.map((n) => [n.id, n]));
  const parent = new Map<number, number>();
  for (const n of p.nodes) for (const c of (n as Node & { children?: number[] }).children ?? []) parent.set(c, n.id);
  const stackOf = (id: number) => { const out = new Set<string>(); for (let at: number | undefined = id; at !== undefined; at = parent.get(at)) out.add(frame(byId.get(at)!)); return [...out]; };
  const from = p.endTime - (SECONDS + 0.5) * 1e6;
  let t = p.startTime;
  p.samples.forEach((id, i) => {
    const dt = p.timeDeltas[i] ?? 0;
    t += dt;
    const node = byId.get(id)!;
    if (t >= from && !IDLE.has(node.callFrame.functionName)) busy.push({ node, us: dt, stack: stackOf(id) });
  });
}
const totalUs = busy.reduce((n, b) => n + b.us, 0);
const packageOf = (url: string) => {
  const m = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(url);
  return m ? m[1]! : url.includes('/src/') ? `keel ${url.slice(url.indexOf('/src/') + 5).split('/')[0]}` : url.startsWith('node:') ? 'node' : url === '' ? '(native)' : url;
};
const sum = (key: (x: Node) => string) => {
  const by = new Map<string, number>();
  for (const b of busy) by.set(key(b.node), (by.get(key(b.node)) ?? 0) + b.us);
  return [...by].sort((a, b) => b[1] - a[1]).slice(0, 30).map(([k, us]) => `${(100 * us / totalUs).toFixed(1).padStart(5)} %  ${k}`).join('\n');
};
process.stdout.write(`server CPU: ${(totalUs / 1e3).toFixed(0)} ms busy over the measured seconds, ${(totalUs / 1e3 / result.requests).toFixed(3)} ms a request (warm-up requests included in the window's edge)\n`);
const inclusive = new Map<string, number>();
for (const b of busy) for (const f of b.stack) inclusive.set(f, (inclusive.get(f) ?? 0) + b.us);
const ours = [...inclusive].filter(([f]) => f.includes('src/') || /^(\S+) (fastify|@fastify|kysely|pg|helmet|prom-client)\//.test(f)).sort((a, b) => b[1] - a[1]).slice(0, 40);
process.stdout.write(`\ninclusive time (Keel's and its libraries' functions)\n${ours.map(([f, us]) => `${(100 * us / totalUs).toFixed(1).padStart(5)} %  ${f}`).join('\n')}\n`);
process.stdout.write(`\nself time by package\n${sum((x) => packageOf(x.callFrame.url))}\n\nself time by function\n${sum((x) => `${x.callFrame.functionName || '(anonymous)'} ${x.callFrame.url.replace(/^.*node_modules\//, '').replace(/^.*\/src\//, 'src/')}:${x.callFrame.lineNumber + 1}`)}\n`);
