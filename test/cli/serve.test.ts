import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';

// `npm start` end to end: a real process, the embedded database on disk, real HTTP on loopback.
const root = fileURLToPath(new URL('../../', import.meta.url));
const dataDir = mkdtempSync(join(tmpdir(), 'keel-serve-'));
const bootstrapKey = 'keel_bootstrap_key_for_the_cli_test_0123456789';
afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

function serve(): Promise<{ child: ChildProcess; url: string; output: () => string }> {
  const child = spawn(process.execPath, ['bin/keel.js', 'serve'], {
    cwd: root,
    env: { ...process.env, PORT: '0', HOST: '127.0.0.1', KEEL_DATA_DIR: dataDir, DATABASE_URL: '', KEEL_BOOTSTRAP_API_KEY: bootstrapKey, LOG_LEVEL: 'warn', KEEL_DEMO: '' },
  });
  let out = '';
  return new Promise((resolve, reject) => {
    child.stdout.on('data', (d) => {
      out += String(d);
      const m = /Keel is running at (http:\/\/\S+)/.exec(out);
      if (m && out.includes('API docs:') && /API key|admin API key/.test(out)) resolve({ child, url: m[1]!, output: () => out });
    });
    child.stderr.on('data', (d) => { out += String(d); });
    child.on('exit', (code) => reject(new Error(`server exited with ${code}: ${out}`)));
  });
}

function stop(child: ChildProcess): Promise<number | null> {
  return new Promise((resolve) => {
    child.removeAllListeners('exit');
    child.on('exit', (code) => resolve(code));
    child.kill('SIGTERM');
  });
}

describe('keel serve', () => {
  it('first start creates the default sandbox tenant, prints URL, docs and key; a restart keeps it', async () => {
    const first = await serve();
    try {
      expect(first.output()).toContain(`${first.url}/docs`);
      expect(first.output()).toContain(bootstrapKey);
      const tenant = await fetch(`${first.url}/tenant`, { headers: { apiAccessKey: bootstrapKey } });
      expect(tenant.status).toBe(200);
      expect(await tenant.json()).toMatchObject({ name: 'default', sandbox: true, currency: 'USD', timeZone: 'UTC' });
      const docs = await fetch(`${first.url}/docs/`);
      expect(docs.status).toBe(200);
      const ready = await fetch(`${first.url}/readyz`);
      expect(await ready.json()).toEqual({ status: 'ready' });
      // the demo catalog is loaded and published on first start
      const catalog = await fetch(`${first.url}/catalog/products`, { headers: { apiAccessKey: bootstrapKey } });
      const platform = (await catalog.json() as { sku: string; priceBookEntries: { listPrice: number }[] }[]).find((p) => p.sku === 'NUE-PLATFORM');
      expect(platform?.priceBookEntries.map((e) => e.listPrice)).toEqual([9.9]);
    } finally {
      expect(await stop(first.child)).toBe(0);
    }

    const demo = spawnSync(process.execPath, ['bin/keel.js', 'demo'], {
      cwd: root, env: { ...process.env, KEEL_DATA_DIR: dataDir, DATABASE_URL: '', LOG_LEVEL: 'warn' }, encoding: 'utf8', timeout: 60_000,
    });
    expect([demo.status, demo.stdout.trim()]).toEqual([0, 'Tenant "default" already has the demo catalog.']);

    const second = await serve();
    try {
      expect(second.output()).not.toContain('created');
      const tenant = await fetch(`${second.url}/tenant`, { headers: { apiAccessKey: bootstrapKey } });
      expect((await tenant.json()).name).toBe('default');
    } finally {
      expect(await stop(second.child)).toBe(0);
    }
  }, 90_000);
});
