import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isDomainError } from '../../src/core/errors.js';
import { createSignInThrottle } from '../../src/tenancy/sign-in-throttle.js';
import { testApp, withKey, type TestApp } from '../support/app.js';

// At most 10 failed sign-ins per account and per address in 15 minutes (issue 15 part 7), then 429
// with Retry-After until the oldest failure leaves the window — for the right password too.
describe('the throttle', () => {
  it('counts failures in a sliding window per key; Retry-After is when enough of them expire', () => {
    const th = createSignInThrottle({ failures: 3, windowMs: 60_000 });
    const keys = ['user:ada', 'address:10.0.0.1'];
    for (const at of [0, 10_000, 20_000]) { th.check(keys, at); th.failed(keys, at); }
    const refused = (() => { try { th.check(['user:ada'], 30_000); } catch (e) { return e; } return null; })();
    expect(isDomainError(refused) && [refused.kind, refused.code, refused.retryAfterSeconds, refused.message]).toEqual(
      ['rate_limited', 'TOO_MANY_FAILED_SIGN_INS', 30, '3 failed sign-ins for this account within 1 minutes; try again in 30 s']);
    // 60.001 s after the first failure it has left the window
    expect(() => th.check(keys, 60_001)).not.toThrow();
    th.failed(keys, 60_001);
    expect(() => th.check(['address:10.0.0.1'], 60_002)).toThrow('for this address');
    th.succeeded('user:ada');
    expect(() => th.check(['user:ada'], 60_002)).not.toThrow();
  });
});

describe('over HTTP', () => {
  // users are installation-wide: names of their own on a shared database
  const run = randomUUID().slice(0, 8);
  const guarded = `guarded-${run}@example.com`;
  const other = `other-${run}@example.com`;
  let t: TestApp;
  let apiKey: string;
  beforeAll(async () => {
    t = await testApp();
    apiKey = (await t.newTenant()).apiKey;
    for (const userName of [guarded, other]) {
      const res = await t.call('POST', '/users', { body: { userName, password: 'correct horse', roles: ['admin'] }, headers: withKey(apiKey) });
      expect(res.statusCode, res.body).toBeLessThan(300);
    }
  });
  afterAll(() => t.close());
  const signIn = (userName: string, password: string, remoteAddress = '192.0.2.1') =>
    t.rt.app.inject({ method: 'POST', url: '/auth/token', payload: { userName, password }, remoteAddress });

  it('ten wrong passwords, then 429 with Retry-After even for the right one; another account from another address signs in', async () => {
    for (let i = 0; i < 10; i++) expect((await signIn(guarded, `guess ${i}`)).statusCode).toBe(401);
    const locked = await signIn(guarded, 'correct horse', '198.51.100.7');
    expect([locked.statusCode, locked.json().errorCode, locked.json().errorType]).toEqual([429, 'TOO_MANY_FAILED_SIGN_INS', 'RateLimitError']);
    expect(Number(locked.headers['retry-after'])).toBeGreaterThan(800);
    expect(locked.json().message).toMatch(/^10 failed sign-ins for this account within 15 minutes; try again in \d+ s$/);
    // the address that guessed is locked for every account
    expect((await signIn(other, 'correct horse')).statusCode).toBe(429);
    const elsewhere = await signIn(other, 'correct horse', '198.51.100.8');
    expect(elsewhere.statusCode, elsewhere.body).toBe(200);
  });

  it('the client credentials grant is throttled the same way', async () => {
    const client = async (secret: string) => t.rt.app.inject({ method: 'POST', url: '/oauth/token', remoteAddress: '203.0.113.9',
      payload: { grant_type: 'client_credentials', client_id: 'no-such-client', client_secret: secret } });
    for (let i = 0; i < 10; i++) expect((await client(`s${i}`)).statusCode).toBe(401);
    const locked = await client('s10');
    expect([locked.statusCode, locked.json().errorCode]).toEqual([429, 'TOO_MANY_FAILED_SIGN_INS']);
  });
});
