import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config.js';
import { ADMIN_TOKEN, testApp, withKey, type TestApp } from '../support/app.js';

// A per-credential request limit (issue 15 part 7; src/http/request-limit.ts): past
// KEEL_RATE_LIMIT_PER_CREDENTIAL requests within KEEL_RATE_LIMIT_WINDOW_MS, a 429 with Retry-After;
// counted per credential, not for the public routes; 0 switches it off.
const LIMIT = 3;

describe('the request limit', () => {
  let t: TestApp;
  beforeAll(async () => { t = await testApp({ config: { serving: { ...loadConfig({}).serving, rateLimitPerCredential: LIMIT, rateLimitWindowMs: 60_000 } } }); });
  afterAll(() => t.close());

  it('comes from the environment, generous by default; 0 is off', () => {
    expect(loadConfig({}).serving).toMatchObject({ rateLimitPerCredential: 100_000, rateLimitWindowMs: 10_000 });
    expect(loadConfig({ KEEL_RATE_LIMIT_PER_CREDENTIAL: '0', KEEL_RATE_LIMIT_WINDOW_MS: '1000' }).serving).toMatchObject({ rateLimitPerCredential: 0, rateLimitWindowMs: 1000 });
    expect(() => loadConfig({ KEEL_RATE_LIMIT_PER_CREDENTIAL: 'lots' })).toThrow('KEEL_RATE_LIMIT_PER_CREDENTIAL must be a whole number (0: off), got "lots"');
  });

  it('answers the (limit+1)th request of one key 429 with Retry-After; another key is unaffected', async () => {
    const { apiKey } = await t.newTenant();
    const second = await t.call('POST', '/apiKeys', { body: { name: 'second', role: 'read-only' }, headers: withKey(apiKey) }); // 1st of `apiKey`
    expect(second.statusCode, second.body).toBe(201);
    for (let i = 2; i <= LIMIT; i++) {
      const ok = await t.call('GET', '/tenant', { headers: withKey(apiKey) });
      expect([ok.statusCode, ok.headers['x-ratelimit-remaining']]).toEqual([200, String(LIMIT - i)]);
    }
    const over = await t.call('GET', '/tenant', { headers: { ...withKey(apiKey), origin: 'https://nowhere.example.com' } });
    expect(over.statusCode).toBe(429);
    expect(over.json()).toEqual({
      title: 'Too Many Requests', errorCode: 'TOO_MANY_REQUESTS', errorType: 'RateLimitError',
      message: expect.stringMatching(/^More than 3 requests within 60 s from this credential; try again in \d+ s$/),
    });
    expect(Number(over.headers['retry-after'])).toBeGreaterThanOrEqual(1);
    expect(Number(over.headers['retry-after'])).toBeLessThanOrEqual(60);
    // writes too, and before anything is parsed or stored
    const write = await t.call('PATCH', '/tenant', { body: { settings: { billCycleDay: 5 } }, headers: withKey(apiKey) });
    expect([write.statusCode, write.json().errorCode]).toEqual([429, 'TOO_MANY_REQUESTS']);

    const other = await t.call('GET', '/tenant', { headers: withKey(second.json().apiKey) });
    expect(other.statusCode).toBe(200);
    expect(other.json().settings.billCycleDay).toBe(1);
    // another tenant's key neither
    const elsewhere = await t.newTenant();
    expect((await t.call('GET', '/tenant', { headers: withKey(elsewhere.apiKey) })).statusCode).toBe(200);
  });

  it('a page on a listed origin can read the 429', async () => {
    const { apiKey } = await t.newTenant();
    await t.call('PATCH', '/tenant', { body: { settings: { corsOrigins: ['https://limited.example.com'] } }, headers: withKey(apiKey) });
    const headers = { ...withKey(apiKey), origin: 'https://limited.example.com' };
    for (let i = 2; i <= LIMIT; i++) await t.call('GET', '/tenant', { headers });
    const over = await t.call('GET', '/tenant', { headers });
    expect([over.statusCode, over.headers['access-control-allow-origin']]).toEqual([429, 'https://limited.example.com']);
    expect(String(over.headers['access-control-expose-headers'])).toContain('Retry-After');
  });

  it('does not count the public routes', async () => {
    for (let i = 0; i < LIMIT * 3; i++) {
      for (const url of ['/healthz', '/openapi.json']) {
        const res = await t.call('GET', url);
        expect([url, res.statusCode, res.headers['x-ratelimit-limit']]).toEqual([url, 200, undefined]);
      }
    }
  });

});

describe('the operator token', () => {
  let t: TestApp;
  beforeAll(async () => { t = await testApp({ config: { serving: { ...loadConfig({}).serving, rateLimitPerCredential: LIMIT, rateLimitWindowMs: 60_000 } } }); });
  afterAll(() => t.close());

  it('is one credential', async () => {
    const admin = { authorization: `Bearer ${ADMIN_TOKEN}` };
    const codes: number[] = [];
    for (let i = 0; i <= LIMIT; i++) codes.push((await t.call('POST', '/admin/tenants', { body: { name: `limit-${i}-${randomUUID()}` }, headers: admin })).statusCode);
    expect(codes).toEqual([...Array<number>(LIMIT).fill(201), 429]);
  });
});

describe('with the limit off (0)', () => {
  let t: TestApp;
  beforeAll(async () => { t = await testApp({ config: { serving: { ...loadConfig({}).serving, rateLimitPerCredential: 0 } } }); });
  afterAll(() => t.close());

  it('no request is refused and no limit header is sent', async () => {
    const { apiKey } = await t.newTenant();
    for (let i = 0; i < 20; i++) {
      const res = await t.call('GET', '/tenant', { headers: withKey(apiKey) });
      expect([res.statusCode, res.headers['x-ratelimit-limit']]).toEqual([200, undefined]);
    }
  });
});
