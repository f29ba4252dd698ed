import { spawn, type ChildProcess } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';

// A real Keel server process for the fault suite: started with `node bin/keel.js serve`, killed
// with SIGKILL at a moment of the test's choosing, started again on the same database.
export const ADMIN = 'fault-admin-token';
const ROOT = new URL('../..', import.meta.url).pathname;

export interface Engine { name: 'pglite' | 'postgres'; env: Record<string, string>; nodeArgs?: string[] }

/** The engines to fault: the embedded one always; PostgreSQL when DATABASE_URL names a server. */
export async function engines(): Promise<Engine[]> {
  const out: Engine[] = [{ name: 'pglite', env: { KEEL_DATA_DIR: mkdtempSync(join(tmpdir(), 'keel-fault-')) } }];
  const url = process.env.DATABASE_URL;
  if (url) {
    const db = `keel_fault_${randomUUID().replace(/-/g, '').slice(0, 12)}`;
    const admin = new pg.Client({ connectionString: url });
    await admin.connect();
    await admin.query(`create database ${db}`);
    await admin.end();
    const u = new URL(url);
    u.pathname = `/${db}`;
    out.push({ name: 'postgres', env: { DATABASE_URL: u.toString() } });
  }
  return out;
}

const freePort = () => new Promise<number>((resolve) => {
  const s = createServer();
  s.listen(0, '127.0.0.1', () => { const p = (s.address() as { port: number }).port; s.close(() => resolve(p)); });
});

export class Server {
  private child: ChildProcess | null = null;
  port = 0;
  constructor(private readonly engine: Engine) {}

  get url() { return `http://127.0.0.1:${this.port}`; }

  async start(): Promise<void> {
    this.port = await freePort();
    this.child = spawn(process.execPath, [...(this.engine.nodeArgs ?? []), 'bin/keel.js', 'serve'], {
      cwd: ROOT, stdio: ['ignore', process.env.KEEL_FAULT_LOG ? 'inherit' : 'ignore', 'inherit'],
      env: {
        // the embedded engine must not pick up the PostgreSQL server the other engine uses
        ...Object.fromEntries(Object.entries(process.env).filter(([k]) => k !== 'DATABASE_URL')), PORT: String(this.port), HOST: '127.0.0.1', KEEL_ADMIN_TOKEN: ADMIN, KEEL_DEMO: '0', LOG_LEVEL: 'warn',
        KEEL_JWT_SECRET: 'fault-suite-jwt-secret-0123456789', KEEL_IDEMPOTENCY_STALE_MS: '300', KEEL_RUN_STALE_SECONDS: '1', KEEL_JOB_LEASE_SECONDS: '2', KEEL_CHECK_RESPONSES: '1',
        // the replay suite opens 1,000 connections at once beside the fixture's kept-alive ones: above the default cap of 1,000
        KEEL_MAX_CONNECTIONS: '4000',
        // last: an engine may override the suite's settings (the bench measures without the answer check)
        ...this.engine.env,
      },
    });
    for (let i = 0; i < 300; i++) {
      if (this.child.exitCode !== null) throw new Error(`the server exited with ${this.child.exitCode}`);
      try { if ((await fetch(`${this.url}/readyz`)).ok) return; } catch { /* not listening yet */ }
      await new Promise((r) => setTimeout(r, 100));
    }
    throw new Error('the server did not become ready');
  }

  /** SIGKILL: no shutdown hooks, no flushing — a crash. */
  async kill(): Promise<void> {
    const c = this.child;
    if (!c || c.exitCode !== null) return;
    await new Promise<void>((resolve) => { c.once('exit', () => resolve()); c.kill('SIGKILL'); });
    this.child = null;
  }

  async stop(): Promise<void> {
    const c = this.child;
    if (!c || c.exitCode !== null) return;
    await new Promise<void>((resolve) => { c.once('exit', () => resolve()); c.kill('SIGTERM'); });
    this.child = null;
  }

  /** The TestApp-like surface test fixtures use, over real HTTP. */
  client() {
    const call = async (method: string, url: string, o: { body?: unknown; headers?: Record<string, string>; payload?: string } = {}) => {
      const res = await fetch(`${this.url}${url}`, {
        method, headers: { ...(o.body !== undefined && { 'content-type': 'application/json' }), ...o.headers },
        ...(o.body !== undefined ? { body: JSON.stringify(o.body) } : o.payload !== undefined ? { body: o.payload } : {}),
      });
      const text = await res.text();
      return { statusCode: res.status, body: text, json: () => JSON.parse(text) };
    };
    return {
      call,
      async newTenant(t: Record<string, unknown> = {}) {
        const res = await call('POST', '/admin/tenants', { body: { name: `t-${randomUUID()}`, ...t }, headers: { authorization: `Bearer ${ADMIN}` } });
        if (res.statusCode !== 201) throw new Error(`tenant creation failed: ${res.statusCode} ${res.body}`);
        return res.json();
      },
    };
  }
}
