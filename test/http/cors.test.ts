import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LightMyRequestResponse } from 'fastify';
import { testApp, withKey, type TestApp } from '../support/app.js';

// CORS only for the origins a tenant lists (DESIGN §3 Serving, issue 15 part 7; src/http/cors.ts):
// none by default; a preflight is answered for an origin some tenant lists; an actual answer carries
// Access-Control-Allow-Origin only when the caller's own tenant lists the origin.
let t: TestApp;
beforeAll(async () => { t = await testApp(); });
afterAll(() => t.close());

const corsHeaders = (res: LightMyRequestResponse) => Object.keys(res.headers).filter((h) => h.startsWith('access-control-'));
const preflight = (url: string, origin: string, method = 'PATCH') => t.call('OPTIONS', url, {
  headers: { origin, 'access-control-request-method': method, 'access-control-request-headers': 'apiaccesskey, content-type, idempotency-key' },
});
const listOrigins = async (apiKey: string, corsOrigins: string[]) => {
  const res = await t.call('PATCH', '/tenant', { body: { settings: { corsOrigins } }, headers: withKey(apiKey) });
  expect(res.statusCode, res.body).toBe(200);
  return res.json().settings.corsOrigins as string[];
};

describe('CORS', () => {
  it('is off by default: no CORS header on an answer or a preflight', async () => {
    const { apiKey } = await t.newTenant();
    const res = await t.call('GET', '/tenant', { headers: { ...withKey(apiKey), origin: 'https://default.example.com' } });
    expect(res.statusCode).toBe(200);
    expect(res.json().settings.corsOrigins).toEqual([]);
    expect(corsHeaders(res)).toEqual([]);
    const pre = await preflight('/tenant', 'https://default.example.com');
    expect([pre.statusCode, pre.json().errorCode, corsHeaders(pre)]).toEqual([404, 'ROUTE_NOT_FOUND', []]);
  });

  it('a listed origin is answered on a preflight and on a real request; an unlisted one is not', async () => {
    const { apiKey } = await t.newTenant();
    expect(await listOrigins(apiKey, ['https://shop.example.com', 'http://localhost:5173'])).toEqual(['https://shop.example.com', 'http://localhost:5173']);

    const pre = await preflight('/tenant', 'https://shop.example.com');
    expect(pre.statusCode).toBe(204);
    expect(pre.headers['access-control-allow-origin']).toBe('https://shop.example.com');
    expect(String(pre.headers['access-control-allow-methods']).split(', ')).toEqual(expect.arrayContaining(['GET', 'POST', 'PATCH', 'DELETE']));
    expect(String(pre.headers['access-control-allow-headers']).split(', ')).toEqual(expect.arrayContaining(['apiAccessKey', 'Authorization', 'Content-Type', 'Idempotency-Key']));
    expect(pre.headers['access-control-max-age']).toBe('600');
    expect(pre.headers['access-control-allow-credentials']).toBeUndefined();
    // a colon verb and the /v1 prefix reach the same preflight
    expect((await preflight('/v1/billing/invoices:pay', 'http://localhost:5173', 'POST')).headers['access-control-allow-origin']).toBe('http://localhost:5173');

    const res = await t.call('GET', '/tenant', { headers: { ...withKey(apiKey), origin: 'https://shop.example.com' } });
    expect(res.statusCode).toBe(200);
    expect(res.headers['access-control-allow-origin']).toBe('https://shop.example.com');
    expect(String(res.headers['access-control-expose-headers']).split(', ')).toEqual(expect.arrayContaining(['x-request-id', 'idempotent-replayed', 'Retry-After']));
    expect(res.headers['access-control-allow-credentials']).toBeUndefined();
    expect(String(res.headers.vary)).toMatch(/origin/i);

    for (const origin of ['https://evil.example.com', 'https://shop.example.com.evil.test', 'http://shop.example.com', 'null']) {
      const other = await t.call('GET', '/tenant', { headers: { ...withKey(apiKey), origin } });
      expect([other.statusCode, corsHeaders(other)], origin).toEqual([200, []]);
      const otherPre = await preflight('/tenant', origin);
      expect([otherPre.statusCode, corsHeaders(otherPre)], origin).toEqual([404, []]);
    }
    // an OPTIONS that is no preflight (no Access-Control-Request-Method) is no route
    const bare = await t.call('OPTIONS', '/tenant', { headers: { origin: 'https://shop.example.com' } });
    expect([bare.statusCode, bare.json().errorCode, corsHeaders(bare)]).toEqual([404, 'ROUTE_NOT_FOUND', []]);
  });

  it('the page can read an error answer, an idempotent replay and its headers', async () => {
    const { apiKey } = await t.newTenant();
    await listOrigins(apiKey, ['https://errors.example.com']);
    const headers = { ...withKey(apiKey), origin: 'https://errors.example.com' };
    const bad = await t.call('PATCH', '/tenant', { body: { settings: { billCycleDay: 40 } }, headers });
    expect([bad.statusCode, bad.headers['access-control-allow-origin']]).toEqual([400, 'https://errors.example.com']);
    const malformed = await t.call('PATCH', '/tenant', { payload: '{"settings":', headers: { ...headers, 'content-type': 'application/json' } });
    expect([malformed.statusCode, malformed.headers['access-control-allow-origin']]).toEqual([400, 'https://errors.example.com']);
    const keyed = { ...headers, 'idempotency-key': 'cors-replay' };
    await t.call('PATCH', '/tenant', { body: { settings: { billCycleDay: 7 } }, headers: keyed });
    const replay = await t.call('PATCH', '/tenant', { body: { settings: { billCycleDay: 7 } }, headers: keyed });
    expect([replay.statusCode, replay.headers['idempotent-replayed'], replay.headers['access-control-allow-origin']]).toEqual([200, 'true', 'https://errors.example.com']);
  });

  it('another tenant\'s origin gets no CORS on this tenant\'s requests', async () => {
    const a = await t.newTenant();
    const b = await t.newTenant();
    await listOrigins(a.apiKey, ['https://a-shop.example.com']);
    await listOrigins(b.apiKey, ['https://b-shop.example.com']);
    const onA = await t.call('GET', '/tenant', { headers: { ...withKey(a.apiKey), origin: 'https://b-shop.example.com' } });
    expect([onA.statusCode, corsHeaders(onA)]).toEqual([200, []]);
    const onB = await t.call('GET', '/tenant', { headers: { ...withKey(b.apiKey), origin: 'https://b-shop.example.com' } });
    expect(onB.headers['access-control-allow-origin']).toBe('https://b-shop.example.com');
    // a preflight names no tenant: it is answered for any listed origin, and grants nothing by itself
    expect((await preflight('/tenant', 'https://b-shop.example.com')).statusCode).toBe(204);
  });

  it('an origin removed from the list is no longer answered', async () => {
    const { apiKey } = await t.newTenant();
    await listOrigins(apiKey, ['https://gone.example.com']);
    expect((await preflight('/tenant', 'https://gone.example.com')).statusCode).toBe(204);
    expect(await listOrigins(apiKey, [])).toEqual([]);
    const pre = await preflight('/tenant', 'https://gone.example.com');
    expect([pre.statusCode, corsHeaders(pre)]).toEqual([404, []]);
    const res = await t.call('GET', '/tenant', { headers: { ...withKey(apiKey), origin: 'https://gone.example.com' } });
    expect(corsHeaders(res)).toEqual([]);
  });

  it('bad origins are a 400 naming the entry, and nothing is stored', async () => {
    const { apiKey } = await t.newTenant();
    await listOrigins(apiKey, ['https://kept.example.com']);
    const shape = 'must be an origin such as https://shop.example.com (scheme, host and optional port; no path, no wildcard)';
    const cases: [unknown, string][] = [
      ['https://shop.example.com', 'body/settings/corsOrigins must be a list of at most 50 origins'],
      [Array.from({ length: 51 }, (_, i) => `https://s${i}.example.com`), 'body/settings/corsOrigins must be a list of at most 50 origins'],
      [['https://ok.example.com', 'https://shop.example.com/'], `body/settings/corsOrigins/1 ${shape}: write https://shop.example.com`],
      [['https://Shop.Example.com'], `body/settings/corsOrigins/0 ${shape}: write https://shop.example.com`],
      [['https://shop.example.com:443'], `body/settings/corsOrigins/0 ${shape}: write https://shop.example.com`],
      [['https://shop.example.com/checkout'], `body/settings/corsOrigins/0 ${shape}`],
      [['https://*.example.com'], `body/settings/corsOrigins/0 ${shape}`],
      [['*'], `body/settings/corsOrigins/0 ${shape}`],
      [['shop.example.com'], `body/settings/corsOrigins/0 ${shape}`],
      [['ftp://shop.example.com'], `body/settings/corsOrigins/0 ${shape}`],
      [['null'], `body/settings/corsOrigins/0 ${shape}`],
      [[42], `body/settings/corsOrigins/0 ${shape}`],
      [['https://a.example.com', 'https://a.example.com'], 'body/settings/corsOrigins/1 repeats https://a.example.com'],
    ];
    for (const [corsOrigins, message] of cases) {
      // with a good setting beside it: the whole patch is refused
      const res = await t.call('PATCH', '/tenant', { body: { settings: { billCycleDay: 9, corsOrigins } }, headers: withKey(apiKey) });
      expect([res.statusCode, res.json().errorCode, res.json().message], JSON.stringify(corsOrigins)).toEqual([400, 'INVALID_FIELD', message]);
    }
    const after = (await t.call('GET', '/tenant', { headers: withKey(apiKey) })).json();
    expect([after.settings.corsOrigins, after.settings.billCycleDay]).toEqual([['https://kept.example.com'], 1]);
    // a port is part of the origin
    expect(await listOrigins(apiKey, ['https://shop.example.com:8443'])).toEqual(['https://shop.example.com:8443']);
  });
});
