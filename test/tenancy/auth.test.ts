import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testApp, withKey, type TestApp } from '../support/app.js';
import { manualClock } from '../support/clock.js';

const clock = manualClock('2026-03-01T10:00:00Z');
let t: TestApp;
let tenant: Awaited<ReturnType<TestApp['newTenant']>>;

beforeAll(async () => {
  t = await testApp({ clock });
  tenant = await t.newTenant();
});
afterAll(() => t.close());

async function newUser(apiKey: string, roles = ['sales'], userName = `u-${randomUUID()}@example.com`) {
  const res = await t.call('POST', '/users', { body: { userName, password: 'correct horse', roles, firstName: 'Ada', lastName: 'Lovelace' }, headers: withKey(apiKey) });
  expect(res.statusCode).toBe(201);
  return { userName, id: res.json().id as string };
}

const login = (userName: string, password = 'correct horse', extra: Record<string, unknown> = {}, headers: Record<string, string> = {}) =>
  t.call('POST', '/auth/token', { body: { userName, password, ...extra }, headers });
const bearer = (token: string) => ({ authorization: `Bearer ${token}` });

describe('API keys', () => {
  it('authenticate in apiAccessKey or as a bearer token', async () => {
    expect((await t.call('GET', '/tenant', { headers: withKey(tenant.apiKey) })).json().id).toBe(tenant.id);
    expect((await t.call('GET', '/tenant', { headers: bearer(tenant.apiKey) })).json().id).toBe(tenant.id);
  });

  it('missing or wrong keys are 401s', async () => {
    const none = await t.call('GET', '/tenant');
    expect([none.statusCode, none.json().errorCode]).toEqual([401, 'MISSING_CREDENTIALS']);
    const wrong = await t.call('GET', '/tenant', { headers: withKey('keel_wrong') });
    expect([wrong.statusCode, wrong.json().errorCode]).toEqual([401, 'INVALID_API_KEY']);
    const notAKey = await t.call('GET', '/tenant', { headers: withKey('hello') });
    expect(notAKey.statusCode).toBe(401);
  });

  it('are shown once, stored hashed, bound to a role and revocable', async () => {
    const created = await t.call('POST', '/apiKeys', { body: { name: 'reporting', role: 'read-only' }, headers: withKey(tenant.apiKey) });
    expect(created.statusCode).toBe(201);
    const { apiKey, id } = created.json();
    expect(apiKey).toMatch(/^keel_[A-Za-z0-9_-]{43}$/);
    const listed = (await t.call('GET', '/apiKeys', { headers: withKey(tenant.apiKey) })).json();
    const mine = listed.find((k: { id: string }) => k.id === id);
    expect(mine).toMatchObject({ name: 'reporting', role: 'read-only', status: 'Active', keyPrefix: apiKey.slice(0, 12) });
    expect(JSON.stringify(listed)).not.toContain(apiKey);

    expect((await t.call('GET', '/tenant', { headers: withKey(apiKey) })).statusCode).toBe(200);
    const denied = await t.call('POST', '/apiKeys', { body: { name: 'x', role: 'admin' }, headers: withKey(apiKey) });
    expect([denied.statusCode, denied.json().errorCode]).toEqual([403, 'PERMISSION_DENIED']);
    expect(denied.json().message).toBe('This credential lacks the permission tenant:admin');

    expect((await t.call('DELETE', `/apiKeys/${id}`, { headers: withKey(tenant.apiKey) })).json().status).toBe('Revoked');
    const revoked = await t.call('GET', '/tenant', { headers: withKey(apiKey) });
    expect([revoked.statusCode, revoked.json().errorCode]).toEqual([401, 'INVALID_API_KEY']);
  });
});

describe('users and tokens', () => {
  it('sign in returns a one-hour JWT and a refresh token; the JWT reads the profile', async () => {
    const u = await newUser(tenant.apiKey, ['sales', 'read-only']);
    const res = await login(u.userName);
    expect(res.statusCode).toBe(200);
    const body = res.json();
    expect(body.expiresIn).toBe(3600);
    expect(body.token.split('.')).toHaveLength(3);
    expect(body.refreshToken).toMatch(/^rt_/);
    expect(body.tenants).toBeUndefined();
    const profile = (await t.call('GET', '/users/profile', { headers: bearer(body.token) })).json();
    expect(profile).toMatchObject({ id: u.id, userName: u.userName, firstName: 'Ada', lastName: 'Lovelace', name: 'Ada Lovelace', tenantId: tenant.id, effectiveRoleId: 'sales' });
    expect(profile.roles.map((r: { id: string; effective: boolean }) => [r.id, r.effective])).toEqual([['sales', true], ['read-only', false]]);
    expect(profile.lastLoginTime).toBe('2026-03-01T10:00:00.000Z');
  });

  it('user names are case-insensitive; wrong passwords and unknown users are 401s', async () => {
    const u = await newUser(tenant.apiKey);
    expect((await login(u.userName.toUpperCase())).statusCode).toBe(200);
    const wrong = await login(u.userName, 'wrong password');
    expect([wrong.statusCode, wrong.json().errorCode]).toEqual([401, 'INVALID_CREDENTIALS']);
    const unknown = await login('nobody@example.com');
    expect([unknown.statusCode, unknown.json().errorCode]).toEqual([401, 'INVALID_CREDENTIALS']);
  });

  it('an expired JWT is a 401 TOKEN_EXPIRED; a tampered one is INVALID_TOKEN', async () => {
    const u = await newUser(tenant.apiKey);
    const { token } = (await login(u.userName)).json();
    const [h, p, s] = token.split('.');
    const tampered = await t.call('GET', '/tenant', { headers: bearer(`${h}.${p}.${s.slice(0, -2)}AA`) });
    expect([tampered.statusCode, tampered.json().errorCode]).toEqual([401, 'INVALID_TOKEN']);
    clock.advance(3601 * 1000);
    try {
      const res = await t.call('GET', '/tenant', { headers: bearer(token) });
      expect([res.statusCode, res.json().errorCode]).toEqual([401, 'TOKEN_EXPIRED']);
    } finally {
      clock.advance(-3601 * 1000);
    }
  });

  it('a role without the permission gets 403; with it, 200', async () => {
    const reader = await newUser(tenant.apiKey, ['read-only']);
    const { token } = (await login(reader.userName)).json();
    expect((await t.call('GET', '/roles', { headers: bearer(token) })).statusCode).toBe(200);
    const res = await t.call('PATCH', '/tenant', { body: { settings: { 'Term Basis': 'Actual' } }, headers: bearer(token) });
    expect([res.statusCode, res.json().errorCode]).toEqual([403, 'PERMISSION_DENIED']);
  });

  it('refresh rotates: the old refresh token is rejected and its reuse revokes the session', async () => {
    const u = await newUser(tenant.apiKey);
    const first = (await login(u.userName)).json();
    const second = await t.call('POST', '/auth/refreshToken', { body: { refreshToken: first.refreshToken, userName: u.userName } });
    expect(second.statusCode).toBe(200);
    const next = second.json();
    expect(next.refreshToken).not.toBe(first.refreshToken);
    expect((await t.call('GET', '/users/profile', { headers: bearer(next.token) })).statusCode).toBe(200);

    const reuse = await t.call('POST', '/auth/refreshToken', { body: { refreshToken: first.refreshToken, userName: u.userName } });
    expect([reuse.statusCode, reuse.json().errorCode]).toEqual([401, 'REFRESH_TOKEN_REUSED']);
    const afterReuse = await t.call('POST', '/auth/refreshToken', { body: { refreshToken: next.refreshToken, userName: u.userName } });
    expect([afterReuse.statusCode, afterReuse.json().errorCode]).toEqual([401, 'INVALID_REFRESH_TOKEN']);
  });

  it('a refresh token is bound to its user', async () => {
    const a = await newUser(tenant.apiKey);
    const b = await newUser(tenant.apiKey);
    const { refreshToken } = (await login(a.userName)).json();
    const res = await t.call('POST', '/auth/refreshToken', { body: { refreshToken, userName: b.userName } });
    expect(res.statusCode).toBe(401);
  });

  it('revokeToken revokes the refresh token', async () => {
    const u = await newUser(tenant.apiKey);
    const { refreshToken } = (await login(u.userName)).json();
    const res = await t.call('POST', '/auth/revokeToken', { body: { token: refreshToken, userName: u.userName } });
    expect([res.statusCode, res.body]).toEqual([200, 'Token revoked']);
    const again = await t.call('POST', '/auth/refreshToken', { body: { refreshToken, userName: u.userName } });
    expect([again.statusCode, again.json().errorCode]).toEqual([401, 'INVALID_REFRESH_TOKEN']);
  });

  it('a revoked session refuses its access tokens (every one rotated from it), while the user’s other sessions go on', async () => {
    const u = await newUser(tenant.apiKey);
    const session = (await login(u.userName)).json();
    const rotated = (await t.call('POST', '/auth/refreshToken', { body: { refreshToken: session.refreshToken, userName: u.userName } })).json();
    const other = (await login(u.userName)).json();
    for (const token of [session.token, rotated.token, other.token]) expect((await t.call('GET', '/users/profile', { headers: bearer(token) })).statusCode).toBe(200);
    expect((await t.call('POST', '/auth/revokeToken', { body: { token: rotated.refreshToken, userName: u.userName } })).statusCode).toBe(200);
    for (const token of [session.token, rotated.token]) {
      const res = await t.call('GET', '/users/profile', { headers: bearer(token) });
      expect([res.statusCode, res.json().errorCode, res.json().message]).toEqual([401, 'SESSION_REVOKED', 'The session of this access token was revoked; sign in again']);
    }
    expect((await t.call('GET', '/users/profile', { headers: bearer(other.token) })).statusCode).toBe(200);
    // a reused refresh token revokes its session the same way
    const reused = (await t.call('POST', '/auth/refreshToken', { body: { refreshToken: other.refreshToken, userName: u.userName } })).json();
    expect((await t.call('POST', '/auth/refreshToken', { body: { refreshToken: other.refreshToken, userName: u.userName } })).json().errorCode).toBe('REFRESH_TOKEN_REUSED');
    expect((await t.call('GET', '/users/profile', { headers: bearer(reused.token) })).json().errorCode).toBe('SESSION_REVOKED');
  });

  it('verify checks a token against the tenant of apiAccessKey', async () => {
    const u = await newUser(tenant.apiKey);
    const { token } = (await login(u.userName)).json();
    const ok = await t.call('POST', '/auth/verify', { body: { apiAccessKey: tenant.apiAccessKey, token } });
    expect(ok.statusCode).toBe(200);
    expect(ok.json()).toEqual({ token, refreshToken: null, expiresIn: 3600 });
    const other = await t.newTenant();
    const bad = await t.call('POST', '/auth/verify', { body: { apiAccessKey: other.apiAccessKey, token } });
    expect([bad.statusCode, bad.json().errorCode]).toEqual([403, 'NOT_A_MEMBER']);
    const garbage = await t.call('POST', '/auth/verify', { body: { apiAccessKey: tenant.apiAccessKey, token: 'x.y.z' } });
    expect(garbage.statusCode).toBe(401);
  });

  it('a user in two tenants picks one with apiAccessKey; showTenants lists both', async () => {
    const other = await t.newTenant();
    const u = await newUser(tenant.apiKey, ['sales']);
    const add = await t.call('POST', '/users', { body: { userName: u.userName, roles: ['billing'] }, headers: withKey(other.apiKey) });
    expect(add.statusCode).toBe(201);
    const body = (await login(u.userName, 'correct horse', { showTenants: true })).json();
    expect(body.tenants.map((x: { tenantId: string }) => x.tenantId).sort()).toEqual([tenant.id, other.id].sort());
    const inOther = body.tenants.find((x: { tenantId: string }) => x.tenantId === other.id);
    expect(inOther).toMatchObject({ apiAccessKey: other.apiAccessKey, tenantName: other.name });

    const home = (await t.call('GET', '/tenant', { headers: bearer(body.token) })).json();
    expect(home.id).toBe(tenant.id);
    const selected = await t.call('GET', '/users/profile', { headers: { ...bearer(body.token), apiAccessKey: other.apiAccessKey } });
    expect(selected.json()).toMatchObject({ tenantId: other.id, effectiveRoleId: 'billing' });
    // the tenant's API key may also select it, but the JWT's user stays the principal
    const byKey = await t.call('GET', '/users/profile', { headers: { ...bearer(body.token), apiAccessKey: other.apiKey } });
    expect(byKey.json()).toMatchObject({ tenantId: other.id, userName: u.userName });
  });

  it('a JWT with the apiAccessKey of a tenant the user is not in is a 403', async () => {
    const stranger = await t.newTenant();
    const u = await newUser(tenant.apiKey);
    const { token } = (await login(u.userName)).json();
    const res = await t.call('GET', '/tenant', { headers: { ...bearer(token), apiAccessKey: stranger.apiAccessKey } });
    expect([res.statusCode, res.json().errorCode]).toEqual([403, 'NOT_A_MEMBER']);
  });

  it('adding an existing user with a password is a conflict, and changes nothing', async () => {
    const u = await newUser(tenant.apiKey);
    const res = await t.call('POST', '/users', { body: { userName: u.userName, password: 'another one', roles: ['admin'] }, headers: withKey(tenant.apiKey) });
    expect([res.statusCode, res.json().errorCode]).toEqual([409, 'USER_EXISTS']);
    expect((await login(u.userName)).statusCode).toBe(200);
    expect((await login(u.userName, 'another one')).statusCode).toBe(401);
  });
});

describe('roles, functions and login history', () => {
  it('lists the seven roles with their functions', async () => {
    const roles = (await t.call('GET', '/roles', { headers: withKey(tenant.apiKey) })).json();
    expect(roles.map((r: { id: string }) => r.id)).toEqual(['admin', 'catalog-admin', 'sales', 'billing', 'self-service', 'read-only', 'storefront']);
    const catalogAdmin = roles.find((r: { id: string }) => r.id === 'catalog-admin');
    expect(catalogAdmin.functions.find((f: { id: string }) => f.id === 'catalog')).toEqual({ id: 'catalog', functionPolicy: { actions: ['read', 'write'] }, featureName: 'Catalog' });
    const one = (await t.call('GET', '/roles/read-only', { headers: withKey(tenant.apiKey) })).json();
    expect(one).toMatchObject({ id: 'read-only', name: 'Read Only', effective: false });
    expect(one.functions).toEqual(['tenant', 'users', 'catalog', 'customers', 'orders', 'billing', 'payments', 'usage']);
    expect((await t.call('GET', '/roles/wizard', { headers: withKey(tenant.apiKey) })).statusCode).toBe(400);
  });

  it('users/functions and users/{id}/roles reflect the roles', async () => {
    const u = await newUser(tenant.apiKey, ['catalog-admin']);
    const { token } = (await login(u.userName)).json();
    const fns = (await t.call('GET', '/users/functions', { headers: bearer(token) })).json();
    expect(fns.find((f: { id: string }) => f.id === 'catalog').policy.actions).toEqual(['read', 'write']);
    expect(fns.find((f: { id: string }) => f.id === 'orders').policy.actions).toEqual(['read']);
    const roles = (await t.call('GET', `/users/${u.id}/roles`, { headers: withKey(tenant.apiKey) })).json();
    expect(roles.map((r: { id: string; effective: boolean }) => [r.id, r.effective])).toEqual([['catalog-admin', true]]);
  });

  it('records logins, newest first, per tenant and per user', async () => {
    const own = await t.newTenant();
    const u = await newUser(own.apiKey, ['admin']);
    clock.advance(1000);
    await login(u.userName, 'wrong password');
    clock.advance(1000);
    await login(u.userName, 'correct horse', {}, { 'user-agent': 'vitest-browser' });
    const hist = (await t.call('GET', '/loginHistory', { headers: withKey(own.apiKey) })).json();
    expect(hist.map((h: { status: string }) => h.status)).toEqual(['Success', 'Error']);
    expect(hist[0]).toMatchObject({ userId: u.id, tenantId: own.id, username: u.userName, browser: 'vitest-browser', role: 'admin', errorMessage: null });
    expect(hist[1].errorMessage).toBe('Invalid user name or password');
    const limited = (await t.call('GET', `/loginHistory/user/${u.id}?limit=1`, { headers: withKey(own.apiKey) })).json();
    expect(limited).toHaveLength(1);
    const since = encodeURIComponent(hist[0].loginTime);
    expect((await t.call('GET', `/loginHistory?startTime=${since}`, { headers: withKey(own.apiKey) })).json()).toHaveLength(1);
    expect((await t.call('GET', '/loginHistory?startTime=yesterday', { headers: withKey(own.apiKey) })).statusCode).toBe(400);
  });
});

describe('OAuth client credentials', () => {
  it('issues a bearer token for an API client from a form body', async () => {
    const created = await t.call('POST', '/apiClients', { body: { name: 'reporting', role: 'read-only' }, headers: withKey(tenant.apiKey) });
    expect(created.statusCode).toBe(201);
    const { clientId, clientSecret } = created.json();
    const form = `client_id=${clientId}&client_secret=${encodeURIComponent(clientSecret)}&grant_type=client_credentials`;
    const res = await t.call('POST', '/oauth/token', { payload: form, headers: { 'content-type': 'application/x-www-form-urlencoded' } });
    expect(res.statusCode).toBe(200);
    const body = res.json();
    expect(body.token_type).toBe('Bearer');
    expect(body.expires_in).toBe(3600);
    expect((await t.call('GET', '/tenant', { headers: bearer(body.access_token) })).json().id).toBe(tenant.id);
    const denied = await t.call('GET', '/apiKeys', { headers: bearer(body.access_token) });
    expect(denied.statusCode).toBe(403);

    const wrong = await t.call('POST', '/oauth/token', { payload: `client_id=${clientId}&client_secret=nope&grant_type=client_credentials`, headers: { 'content-type': 'application/x-www-form-urlencoded' } });
    expect([wrong.statusCode, wrong.json().errorCode]).toEqual([401, 'INVALID_CLIENT']);
    const grant = await t.call('POST', '/oauth/token', { body: { client_id: clientId, client_secret: clientSecret, grant_type: 'password' } });
    expect(grant.statusCode).toBe(400);
    expect(grant.json().message).toBe('body/grant_type must be equal to one of the allowed values: client_credentials');
    const missing = await t.call('POST', '/oauth/token', { body: { client_id: clientId, grant_type: 'client_credentials' } });
    expect(missing.statusCode).toBe(400);

    expect((await t.call('DELETE', `/apiClients/${clientId}`, { headers: withKey(tenant.apiKey) })).statusCode).toBe(204);
    const after = await t.call('GET', '/tenant', { headers: bearer(body.access_token) });
    expect(after.statusCode).toBe(401);
    const again = await t.call('POST', '/oauth/token', { body: { client_id: clientId, client_secret: clientSecret, grant_type: 'client_credentials' } });
    expect(again.statusCode).toBe(401);
  });
});
