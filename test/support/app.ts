import { randomUUID } from 'node:crypto';
import type { InjectOptions, LightMyRequestResponse } from 'fastify';
import { loadConfig, type Config } from '../../src/config.js';
import type { Clock } from '../../src/core/clock.js';
import { startRuntime, type Runtime } from '../../src/runtime.js';
import type { OpenDatabase } from '../../src/db/connect.js';
import { testDatabase } from './db.js';

export const ADMIN_TOKEN = 'test-admin-token';

export interface TestApp {
  rt: Runtime;
  /** app.inject with JSON bodies; headers merged. */
  call(method: InjectOptions['method'], url: string, opts?: { body?: unknown; headers?: Record<string, string>; payload?: string }): Promise<LightMyRequestResponse>;
  /** A fresh tenant (admin key) through the operator API. */
  newTenant(opts?: { sandbox?: boolean; currency?: string; timeZone?: string }): Promise<{ id: string; name: string; apiKey: string; apiAccessKey: string }>;
  close(): Promise<void>;
}

export async function testApp(opts: { clock?: Clock; config?: Partial<Config>; database?: OpenDatabase } = {}): Promise<TestApp> {
  const database = opts.database ?? await testDatabase();
  const config = { ...loadConfig({}), adminToken: ADMIN_TOKEN, jwtSecret: 'test-jwt-secret-test-jwt-secret!', encryptionKey: 'test-encryption-key-test-encryption-key!', logLevel: process.env.KEEL_TEST_LOG ?? 'silent', loadDemo: false, checkResponses: true, ...opts.config };
  const rt = await startRuntime(config, { database, ...(opts.clock && { clock: opts.clock }) });
  const call: TestApp['call'] = (method, url, o = {}) => rt.app.inject({
    method, url,
    headers: { ...(o.body !== undefined && { 'content-type': 'application/json' }), ...o.headers },
    ...(o.body !== undefined ? { payload: JSON.stringify(o.body) } : o.payload !== undefined ? { payload: o.payload } : {}),
  });
  return {
    rt,
    call,
    async newTenant(t = {}) {
      const res = await call('POST', '/admin/tenants', {
        body: { name: `t-${randomUUID()}`, ...t },
        headers: { authorization: `Bearer ${ADMIN_TOKEN}` },
      });
      if (res.statusCode !== 201) throw new Error(`tenant creation failed: ${res.statusCode} ${res.body}`);
      return res.json();
    },
    close: () => rt.close(),
  };
}

export const withKey = (apiKey: string) => ({ apiAccessKey: apiKey });
