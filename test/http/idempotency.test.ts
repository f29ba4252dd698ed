import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ADMIN_TOKEN, testApp, withKey, type TestApp } from '../support/app.js';

let t: TestApp;
let tenant: Awaited<ReturnType<TestApp['newTenant']>>;
beforeAll(async () => {
  t = await testApp();
  tenant = await t.newTenant();
});
afterAll(() => t.close());

const keyCount = async (apiKey: string) => (await t.call('GET', '/apiKeys', { headers: withKey(apiKey) })).json().length as number;

describe('Idempotency-Key', () => {
  it('replays the stored response and runs the write once', async () => {
    const before = await keyCount(tenant.apiKey);
    const headers = { ...withKey(tenant.apiKey), 'idempotency-key': 'create-key-1' };
    const first = await t.call('POST', '/apiKeys', { body: { name: 'ci', role: 'sales' }, headers });
    const second = await t.call('POST', '/apiKeys', { body: { name: 'ci', role: 'sales' }, headers });
    expect(first.statusCode).toBe(201);
    expect(second.statusCode).toBe(201);
    // the key itself is shown once: the replay names the key made, never its secret (nothing stores it)
    expect(second.json()).toEqual({ ...first.json(), apiKey: null, secretShownOnce: true });
    expect(second.headers['idempotent-replayed']).toBe('true');
    expect(first.headers['idempotent-replayed']).toBeUndefined();
    expect(await keyCount(tenant.apiKey)).toBe(before + 1);
    const stored = await t.rt.database.db.selectFrom('idempotency_keys').select('response_body').where('tenant_id', '=', tenant.id).execute();
    expect(stored.filter((r) => r.response_body?.includes(first.json().apiKey))).toEqual([]);
  });

  it('is kept per credential: the same key from two credentials is two requests', async () => {
    const other = (await t.call('POST', '/apiKeys', { body: { name: 'second', role: 'admin' }, headers: withKey(tenant.apiKey) })).json().apiKey;
    const before = await keyCount(tenant.apiKey);
    const send = (apiKey: string, name: string) => t.call('POST', '/apiKeys', { body: { name, role: 'sales' }, headers: { ...withKey(apiKey), 'idempotency-key': 'shared-key' } });
    const [a, b] = [await send(tenant.apiKey, 'same'), await send(other, 'same')];
    expect([a.statusCode, b.statusCode]).toEqual([201, 201]);
    expect(b.headers['idempotent-replayed']).toBeUndefined();
    expect(a.json().id).not.toBe(b.json().id);
    // and each credential's replay is its own (a different body under another credential's key is no conflict)
    expect((await send(other, 'different')).statusCode).toBe(422);
    expect(await keyCount(tenant.apiKey)).toBe(before + 2);
  });

  it('the same key with a different body is a 422 and runs nothing', async () => {
    const headers = { ...withKey(tenant.apiKey), 'idempotency-key': 'create-key-2' };
    await t.call('POST', '/apiKeys', { body: { name: 'a', role: 'sales' }, headers });
    const before = await keyCount(tenant.apiKey);
    const other = await t.call('POST', '/apiKeys', { body: { name: 'b', role: 'sales' }, headers });
    expect(other.statusCode).toBe(422);
    expect(other.json()).toMatchObject({ errorCode: 'IDEMPOTENCY_KEY_REUSED', errorType: 'IdempotencyError' });
    const otherPath = await t.call('PATCH', '/tenant', { body: { settings: {} }, headers });
    expect(otherPath.statusCode).toBe(422);
    expect(await keyCount(tenant.apiKey)).toBe(before);
  });

  it('concurrent duplicates never run twice', async () => {
    const before = await keyCount(tenant.apiKey);
    const headers = { ...withKey(tenant.apiKey), 'idempotency-key': 'race-1' };
    const results = await Promise.all(Array.from({ length: 20 }, () =>
      t.call('POST', '/apiKeys', { body: { name: 'race', role: 'read-only' }, headers })));
    const created = results.filter((r) => r.statusCode === 201);
    const busy = results.filter((r) => r.statusCode === 409);
    expect(created.length + busy.length).toBe(20);
    expect(new Set(created.map((r) => r.json().id)).size).toBe(1);
    for (const r of busy) expect(r.json().errorCode).toBe('IDEMPOTENCY_REQUEST_IN_PROGRESS');
    expect(await keyCount(tenant.apiKey)).toBe(before + 1);
  });

  it('keys are per tenant', async () => {
    const other = await t.newTenant();
    const body = { name: 'shared key', role: 'sales' };
    const a = await t.call('POST', '/apiKeys', { body, headers: { ...withKey(tenant.apiKey), 'idempotency-key': 'same' } });
    const b = await t.call('POST', '/apiKeys', { body, headers: { ...withKey(other.apiKey), 'idempotency-key': 'same' } });
    expect(a.statusCode).toBe(201);
    expect(b.statusCode).toBe(201);
    expect(b.json().id).not.toBe(a.json().id);
    expect(b.headers['idempotent-replayed']).toBeUndefined();
  });

  it('client errors are kept and replayed too; validation failures claim nothing', async () => {
    const headers = { ...withKey(tenant.apiKey), 'idempotency-key': 'missing-key' };
    const first = await t.call('DELETE', '/apiKeys/00000000-0000-4000-8000-000000000000', { headers });
    const again = await t.call('DELETE', '/apiKeys/00000000-0000-4000-8000-000000000000', { headers });
    expect([first.statusCode, again.statusCode]).toEqual([404, 404]);
    expect(again.headers['idempotent-replayed']).toBe('true');

    const vh = { ...withKey(tenant.apiKey), 'idempotency-key': 'invalid-then-valid' };
    expect((await t.call('POST', '/apiKeys', { body: { name: 'x' }, headers: vh })).statusCode).toBe(400);
    const ok = await t.call('POST', '/apiKeys', { body: { name: 'x', role: 'sales' }, headers: vh });
    expect(ok.statusCode).toBe(201);
  });

  it('works for the operator API and rejects an empty key', async () => {
    const admin = { authorization: `Bearer ${ADMIN_TOKEN}`, 'idempotency-key': `tenant-${tenant.id}` };
    const body = { name: `idem-${tenant.id}` };
    const a = await t.call('POST', '/admin/tenants', { body, headers: admin });
    const b = await t.call('POST', '/admin/tenants', { body, headers: admin });
    expect(a.statusCode).toBe(201);
    expect(b.json()).toEqual({ ...a.json(), apiKey: null, secretShownOnce: true });
    const c = await t.call('POST', '/admin/tenants', { body, headers: { authorization: `Bearer ${ADMIN_TOKEN}` } });
    expect([c.statusCode, c.json().errorCode]).toEqual([409, 'TENANT_EXISTS']);
    const empty = await t.call('POST', '/apiKeys', { body: { name: 'x', role: 'sales' }, headers: { ...withKey(tenant.apiKey), 'idempotency-key': '' } });
    expect([empty.statusCode, empty.json().errorCode]).toEqual([400, 'INVALID_IDEMPOTENCY_KEY']);
  });
});

describe('a slow first attempt taken for dead', () => {
  it('commits once: the attempt that marks its commit second rolls back with an in-progress 409, and the key keeps the first answer', async () => {
    const { beginRequest, markCommitted, finishRequest } = await import('../../src/idempotency/service.js');
    const { inTransaction } = await import('../../src/db/transaction.js');
    const db = t.rt.database.db;
    const scope = tenant.id;
    const key = `slow-${Date.now()}`;
    expect(await beginRequest(db, scope, key, 'h', 60_000)).toEqual({ kind: 'proceed' });
    // no heartbeat for longer than the stale time: a retry takes the request over and runs it too
    await new Promise((r) => setTimeout(r, 30));
    expect(await beginRequest(db, scope, key, 'h', 10)).toEqual({ kind: 'proceed' });
    // the first attempt was only slow: it commits first
    await inTransaction(db, (tx) => markCommitted(tx, scope, key, '/orders/first'));
    await expect(inTransaction(db, (tx) => markCommitted(tx, scope, key, '/orders/second'))).rejects.toMatchObject({ code: 'IDEMPOTENCY_REQUEST_IN_PROGRESS' });
    // a later retry, once the first is stale, answers with what the first committed
    await new Promise((r) => setTimeout(r, 30));
    expect(await beginRequest(db, scope, key, 'h', 10)).toEqual({ kind: 'recover', ref: '/orders/first' });
    await finishRequest(db, scope, key, { status: 200, body: '{"first":true}', type: 'application/json' });
    expect(await beginRequest(db, scope, key, 'h', 10)).toMatchObject({ kind: 'replay', body: '{"first":true}' });
  });
});
