import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testApp, withKey, type TestApp } from '../support/app.js';

// Tenant A's credentials never read or change tenant B.
let t: TestApp;
let a: Awaited<ReturnType<TestApp['newTenant']>>;
let b: Awaited<ReturnType<TestApp['newTenant']>>;
let bUserId: string;
let bKeyId: string;
let bClientId: string;

beforeAll(async () => {
  t = await testApp();
  a = await t.newTenant();
  b = await t.newTenant();
  bUserId = (await t.call('POST', '/users', { body: { userName: `b-${b.id}`, password: 'password b', roles: ['admin'] }, headers: withKey(b.apiKey) })).json().id;
  bKeyId = (await t.call('POST', '/apiKeys', { body: { name: 'b key', role: 'sales' }, headers: withKey(b.apiKey) })).json().id;
  bClientId = (await t.call('POST', '/apiClients', { body: { name: 'b client', role: 'sales' }, headers: withKey(b.apiKey) })).json().clientId;
  await t.call('POST', '/auth/token', { body: { userName: `b-${b.id}`, password: 'password b' } });
});
afterAll(() => t.close());

describe('tenant isolation', () => {
  it('a key reads only its own tenant', async () => {
    expect((await t.call('GET', '/tenant', { headers: withKey(a.apiKey) })).json().id).toBe(a.id);
    const keys = (await t.call('GET', '/apiKeys', { headers: withKey(a.apiKey) })).json();
    expect(keys.map((k: { id: string }) => k.id)).not.toContain(bKeyId);
    expect((await t.call('GET', '/loginHistory', { headers: withKey(a.apiKey) })).json()).toEqual([]);
    const roles = await t.call('GET', `/users/${bUserId}/roles`, { headers: withKey(a.apiKey) });
    expect(roles.statusCode).toBe(404);
    const hist = await t.call('GET', `/loginHistory/user/${bUserId}`, { headers: withKey(a.apiKey) });
    expect(hist.json()).toEqual([]);
  });

  it('a key cannot revoke or change another tenant\'s credentials', async () => {
    expect((await t.call('DELETE', `/apiKeys/${bKeyId}`, { headers: withKey(a.apiKey) })).statusCode).toBe(404);
    expect((await t.call('POST', `/apiKeys/${bKeyId}:revoke`, { headers: withKey(a.apiKey) })).statusCode).toBe(404);
    expect((await t.call('DELETE', `/apiClients/${bClientId}`, { headers: withKey(a.apiKey) })).statusCode).toBe(404);
    const bKeys = (await t.call('GET', '/apiKeys', { headers: withKey(b.apiKey) })).json();
    expect(bKeys.find((k: { id: string }) => k.id === bKeyId).status).toBe('Active');
  });

  it('settings and test clocks are per tenant', async () => {
    await t.call('PATCH', '/tenant', { body: { settings: { 'Term Basis': 'Actual' } }, headers: withKey(a.apiKey) });
    expect((await t.call('GET', '/tenant', { headers: withKey(b.apiKey) })).json().settings.termBasis).toBe('US30360');
  });
});
