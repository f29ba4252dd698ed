import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testApp, withKey, type TestApp } from '../support/app.js';

// A credential bound to an organisation stays inside it (issue 15 part 2, DESIGN §3): what it makes
// is no wider than itself, it cannot move its customers out of or above its subtree, and no
// hierarchy ever holds a cycle.
let t: TestApp;
let admin: Record<string, string>;
let ids: { parent: string; own: string; child: string; sibling: string };
let scoped: Record<string, string>;

const post = async (url: string, body: unknown, headers: Record<string, string>) => t.call('POST', url, { body, headers });

beforeAll(async () => {
  t = await testApp();
  admin = withKey((await t.newTenant({ sandbox: true })).apiKey);
  const [parent] = (await post('/orders/customers', [{ name: 'Parent' }], admin)).json();
  const [own, sibling] = (await post('/orders/customers', [{ name: 'Own', parentCustomerId: parent.id }, { name: 'Sibling', parentCustomerId: parent.id }], admin)).json();
  const [child] = (await post('/orders/customers', [{ name: 'Child', parentCustomerId: own.id }], admin)).json();
  ids = { parent: parent.id, own: own.id, child: child.id, sibling: sibling.id };
  const client = (await post('/apiClients', { name: 'own', role: 'admin', customerId: own.id }, admin)).json();
  const token = (await post('/oauth/token', { client_id: client.clientId, client_secret: client.clientSecret, grant_type: 'client_credentials' }, {})).json().access_token;
  scoped = { authorization: `Bearer ${token}` };
});
afterAll(() => t.close());

const visible = async (headers: Record<string, string>, id: string) => (await t.call('GET', `/orders/customers/${id}`, { headers })).statusCode;

describe('credentials made by a scoped credential', () => {
  it('an API key it makes carries its scope (its own customer unless it names one inside)', async () => {
    const made = await post('/apiKeys', { name: 'made by own', role: 'billing' }, scoped);
    expect(made.statusCode).toBe(201);
    expect(made.json().customerId).toBe(ids.own);
    const key = withKey(made.json().apiKey);
    expect([await visible(key, ids.own), await visible(key, ids.child), await visible(key, ids.sibling), await visible(key, ids.parent)]).toEqual([200, 200, 404, 404]);
    const forChild = (await post('/apiKeys', { name: 'for child', role: 'read-only', customerId: ids.child }, scoped)).json();
    expect(forChild.customerId).toBe(ids.child);
    expect([await visible(withKey(forChild.apiKey), ids.child), await visible(withKey(forChild.apiKey), ids.own)]).toEqual([200, 404]);
  });

  it('nothing wider: another organisation → 403, a role with more permissions → 403, and nothing is made', async () => {
    const before = (await t.call('GET', '/apiKeys', { headers: admin })).json().length;
    const outside = await post('/apiKeys', { name: 'sibling', role: 'admin', customerId: ids.sibling }, scoped);
    expect([outside.statusCode, outside.json().errorCode]).toEqual([403, 'OUTSIDE_ORGANISATION']);
    expect(outside.json().message).toContain(ids.sibling);
    const client = await post('/apiClients', { name: 'parent', role: 'admin', customerId: ids.parent }, scoped);
    expect([client.statusCode, client.json().errorCode]).toEqual([403, 'OUTSIDE_ORGANISATION']);
    // a role without tenant:admin makes no credentials at all
    const billingKey = withKey((await post('/apiKeys', { name: 'billing', role: 'billing' }, admin)).json().apiKey);
    expect((await post('/apiKeys', { name: 'x', role: 'read-only' }, billingKey)).json().errorCode).toBe('PERMISSION_DENIED');
    // a key made inside makes keys inside, in turn
    const madeInside = withKey((await post('/apiKeys', { name: 'scoped admin', role: 'admin' }, scoped)).json().apiKey);
    const grandchild = (await post('/apiKeys', { name: 'ok', role: 'sales' }, madeInside)).json();
    expect(grandchild.customerId).toBe(ids.own);
    expect((await post('/apiKeys', { name: 'no', role: 'sales', customerId: ids.parent }, madeInside)).statusCode).toBe(403);
    expect((await t.call('GET', '/apiKeys', { headers: admin })).json().length).toBe(before + 3);
  });

  it('the tenant-wide reads are refused: keys, users, login history, the tenant, billing settings', async () => {
    for (const url of ['/apiKeys', '/loginHistory', '/tenant', '/billing/tenant-settings/setting:export', '/roles', '/tax/rates', '/test/clock']) {
      const res = await t.call('GET', url, { headers: scoped });
      expect([url, res.statusCode, res.json().errorCode]).toEqual([url, 403, 'TENANT_WIDE_ROUTE']);
    }
  });
});

describe('the hierarchy', () => {
  it('a scoped credential moves customers only within its subtree, never its own customer', async () => {
    const [leaf] = (await post('/orders/customers', [{ name: 'Leaf' }], scoped)).json();
    expect(leaf.parentCustomerId).toBe(ids.own); // made inside: under the credential's customer
    const patch = (id: string, body: unknown) => t.call('PATCH', `/orders/customers/${id}`, { body, headers: scoped });
    expect((await patch(leaf.id, { parentCustomerId: ids.child })).statusCode).toBe(200);
    for (const [id, parent] of [[leaf.id, ids.sibling], [leaf.id, ids.parent], [leaf.id, null], [ids.own, ids.child], [ids.own, ids.sibling], [ids.own, null]] as const) {
      const res = await patch(id, { parentCustomerId: parent });
      expect([res.statusCode, res.json().errorCode], `${id} under ${parent}`).toEqual([403, 'OUTSIDE_ORGANISATION']);
    }
    expect((await t.call('GET', `/orders/customers/${leaf.id}`, { headers: admin })).json().parentCustomerId).toBe(ids.child);
    expect((await t.call('GET', `/orders/customers/${ids.own}`, { headers: admin })).json().parentCustomerId).toBe(ids.parent);
    // re-parenting the sibling under the organisation is a write on the sibling: refused, not "404 and saved"
    const sibling = await t.call('PATCH', `/orders/customers/${ids.sibling}`, { body: { parentCustomerId: ids.own }, headers: scoped });
    expect([sibling.statusCode, sibling.json().errorCode]).toEqual([403, 'OUTSIDE_ORGANISATION']);
    expect((await t.call('GET', `/orders/customers/${ids.sibling}`, { headers: admin })).json().parentCustomerId).toBe(ids.parent);
    expect(await visible(scoped, ids.sibling)).toBe(404);
  });

  it('any cycle is a 400, for any credential', async () => {
    for (const [id, parent] of [[ids.parent, ids.parent], [ids.parent, ids.own], [ids.parent, ids.child], [ids.own, ids.child]]) {
      const res = await t.call('PATCH', `/orders/customers/${id}`, { body: { parentCustomerId: parent }, headers: admin });
      expect([res.statusCode, res.json().errorCode], `${id} under ${parent}`).toEqual([400, 'HIERARCHY_CYCLE']);
    }
    // two moves at once that would together make a cycle: at most one lands
    const [a, b] = (await post('/orders/customers', [{ name: 'A' }, { name: 'B' }], admin)).json();
    const [x, y] = await Promise.all([
      t.call('PATCH', `/orders/customers/${a.id}`, { body: { parentCustomerId: b.id }, headers: admin }),
      t.call('PATCH', `/orders/customers/${b.id}`, { body: { parentCustomerId: a.id }, headers: admin }),
    ]);
    expect([x.statusCode, y.statusCode].sort()).toEqual([200, 400]);
  });
});
