import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { engine } from '../support/db.js';

// `keel serve` on PostgreSQL: one worker process per core (here KEEL_WORKERS=2) sharing the port.
const root = fileURLToPath(new URL('../../', import.meta.url));
const bootstrapKey = 'keel_bootstrap_key_for_the_cluster_test_0123456';
// the workers only: the primary may also have a helper child (tsx's esbuild service)
const children = (pid: number) => execFileSync('pgrep', ['-P', String(pid), '-f', 'keel.js'], { encoding: 'utf8' }).trim().split('\n').filter(Boolean).map(Number);

describe.skipIf(engine !== 'postgres')('keel serve with worker processes', () => {
  const db = `keel_cluster_${randomUUID().replace(/-/g, '').slice(0, 12)}`;
  let url = '';
  beforeAll(async () => {
    const admin = new pg.Client({ connectionString: process.env.DATABASE_URL });
    await admin.connect();
    await admin.query(`create database ${db}`);
    await admin.end();
    const u = new URL(process.env.DATABASE_URL!);
    u.pathname = `/${db}`;
    url = u.toString();
  });
  afterAll(async () => {
    const admin = new pg.Client({ connectionString: process.env.DATABASE_URL });
    await admin.connect();
    await admin.query(`drop database if exists ${db} with (force)`);
    await admin.end();
  });

  function serve(): Promise<{ child: ChildProcess; base: string; output: () => string }> {
    const child = spawn(process.execPath, ['bin/keel.js', 'serve'], {
      cwd: root, env: { ...process.env, PORT: '0', HOST: '127.0.0.1', DATABASE_URL: url, KEEL_WORKERS: '2', KEEL_BOOTSTRAP_API_KEY: bootstrapKey, LOG_LEVEL: 'warn', KEEL_DEMO: '0' },
    });
    let out = '';
    return new Promise((resolve, reject) => {
      child.stdout.on('data', (d) => {
        out += String(d);
        const m = /Keel is running at (http:\/\/\S+) \(2 worker processes\)/.exec(out);
        if (m && /API key/.test(out)) resolve({ child, base: m[1]!, output: () => out });
      });
      child.stderr.on('data', (d) => { out += String(d); });
      child.on('exit', (code) => reject(new Error(`server exited with ${code}: ${out}`)));
    });
  }

  it('bootstraps once, serves from two workers, replaces a worker that dies, and stops them all', async () => {
    const { child, base, output } = await serve();
    let seen: number[] = [];
    try {
      expect(output().split('Tenant "default" created').length - 1).toBe(1);
      const workers = children(child.pid!);
      expect(workers).toHaveLength(2);
      const answers = await Promise.all(Array.from({ length: 20 }, () => fetch(`${base}/tenant`, { headers: { apiAccessKey: bootstrapKey } })));
      expect(answers.map((r) => r.status)).toEqual(Array(20).fill(200));
      process.kill(workers[0]!, 'SIGKILL');
      for (let i = 0; i < 100 && !children(child.pid!).some((p) => !workers.includes(p)); i++) await new Promise((r) => setTimeout(r, 100));
      const now = children(child.pid!);
      seen = now;
      expect(now).toHaveLength(2);
      expect(now).toContain(workers[1]);
      expect((await fetch(`${base}/tenant`, { headers: { apiAccessKey: bootstrapKey } })).status).toBe(200);
      expect(output()).toMatch(/worker 0 exited \(SIGKILL\); starting it again/);
    } finally {
      const code = await new Promise<number | null>((resolve) => { child.removeAllListeners('exit'); child.on('exit', resolve); child.kill('SIGTERM'); });
      expect(code).toBe(0);
    }
    // no worker outlives its primary
    for (const pid of seen) expect(() => process.kill(pid, 0)).toThrow();
  }, 60_000);

  it('a primary killed with SIGKILL takes its workers with it (a crash leaves nothing serving)', async () => {
    const { child } = await serve();
    const workers = children(child.pid!);
    expect(workers).toHaveLength(2);
    await new Promise<void>((resolve) => { child.removeAllListeners('exit'); child.once('exit', () => resolve()); child.kill('SIGKILL'); });
    const alive = () => workers.filter((pid) => { try { process.kill(pid, 0); return true; } catch { return false; } });
    for (let i = 0; i < 50 && alive().length > 0; i++) await new Promise((r) => setTimeout(r, 100));
    expect(alive()).toEqual([]);
  }, 60_000);
});
