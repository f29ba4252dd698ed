import http from 'node:http';

// A purpose-built closed-loop load driver on loopback: `connections` clients each send a request,
// wait for its answer, send the next, for `seconds`. Each request may differ (fresh keys, ids).
export interface Req { method: string; path: string; body?: unknown; headers?: Record<string, string> }
export interface Result { requests: number; errors: number; seconds: number; rps: number; p50: number; p99: number; max: number }

// A warm-up of `warmup` seconds (BENCH_WARMUP, default 2) runs first and is not counted: the server's
// JIT, its caches and each connection's prepared statements settle as they would in a running service.
export async function load(base: string, o: { connections: number; seconds: number; request: (i: number) => Req; ok?: (status: number) => boolean; warmup?: number }): Promise<Result> {
  const url = new URL(base);
  const agent = new http.Agent({ keepAlive: true, maxSockets: o.connections });
  let latencies: number[] = [];
  let errors = 0;
  let n = 0;
  const warmup = o.warmup ?? Number(process.env.BENCH_WARMUP ?? 2);
  let until = performance.now() + warmup * 1000;
  const send = (r: Req) => new Promise<number>((resolve) => {
    const payload = r.body === undefined ? undefined : JSON.stringify(r.body);
    const req = http.request({
      host: url.hostname, port: url.port, method: r.method, path: r.path, agent,
      headers: { ...(payload && { 'content-type': 'application/json', 'content-length': Buffer.byteLength(payload) }), ...r.headers },
    }, (res) => { res.resume(); res.on('end', () => resolve(res.statusCode ?? 0)); });
    req.on('error', () => resolve(0));
    if (payload) req.write(payload);
    req.end();
  });
  const run = () => Promise.all(Array.from({ length: o.connections }, async () => {
    while (performance.now() < until) {
      const i = n++;
      const t0 = performance.now();
      const status = await send(o.request(i));
      latencies.push(performance.now() - t0);
      if (!(o.ok ?? ((s: number) => s >= 200 && s < 300))(status)) errors++;
    }
  }));
  if (warmup > 0) await run();
  latencies = [];
  errors = 0;
  until = performance.now() + o.seconds * 1000;
  const started = performance.now();
  await run();
  agent.destroy();
  return summarize(latencies, errors, (performance.now() - started) / 1000);
}

/** Throughput and percentiles of measured latencies (ms), to two decimals. */
export function summarize(latencies: number[], errors: number, seconds: number): Result {
  latencies.sort((a, b) => a - b);
  const pct = (p: number) => latencies[Math.min(latencies.length - 1, Math.floor(latencies.length * p))] ?? 0;
  const round = (x: number) => Math.round(x * 100) / 100;
  return { requests: latencies.length, errors, seconds: round(seconds), rps: round(latencies.length / seconds), p50: round(pct(0.5)), p99: round(pct(0.99)), max: round(latencies.at(-1) ?? 0) };
}
