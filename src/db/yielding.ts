import type pg from 'pg';

// The embedded engine answers in the same thread: PGlite runs each statement synchronously in
// WebAssembly and its node-postgres connection hands the reply back through promise callbacks
// (microtasks), never through the event loop. A chain of statements — a billing run bills customer
// after customer — therefore keeps the event loop from turning at all: no timer fires (the jobs
// loop, the statistics upkeep, lease renewals) and no other request is read until the chain ends
// (bench: a 10k billing run, 0 timer ticks in 6.5 s; its foreign-key checks kept the seq-scan plans
// cached while invoice_items was empty, 1.6 → 5.2 ms a subscription from 10k to 100k). So a
// statement that answers after `sliceMs` of such work since the loop last turned waits for one
// turn (setImmediate) before its caller goes on.

type QueryFn = (...args: unknown[]) => unknown;

export function yieldingQueries(pool: pg.Pool, opts: { sliceMs?: number } = {}): void {
  const sliceMs = opts.sliceMs ?? 5;
  let turned = performance.now();
  const turn = <T>(value: T): T | Promise<T> => {
    if (performance.now() - turned < sliceMs) return value;
    return new Promise<T>((resolve) => setImmediate(() => { turned = performance.now(); resolve(value); }));
  };
  pool.on('connect', (client) => {
    const query = client.query.bind(client) as QueryFn;
    (client as unknown as { query: QueryFn }).query = (...args: unknown[]) => {
      const r = query(...args);
      if (!(r instanceof Promise)) return r; // a callback or a Submittable: the caller chose its own path
      return r.then(turn, async (e: unknown) => { await turn(undefined); throw e; });
    };
  });
}
