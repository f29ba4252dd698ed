import fc from 'fast-check';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ADMIN_TOKEN, testApp, withKey, type TestApp } from '../support/app.js';
import { orderFixture } from '../orders/support.js';

// Malformed requests never write; one tenant (or organisation) never reads another's rows, on any
// GET route of the API — whatever ids it tries.
let t: TestApp;
let f: Awaited<ReturnType<typeof orderFixture>>;
let routes: { method: string; path: string }[];
let tables: string[];
const RUNS = Number(process.env.KEEL_FUZZ_RUNS ?? 300);

beforeAll(async () => {
  t = await testApp();
  f = await orderFixture(t, { today: '2023-06-22' });
  await f.post('/orders', { options: { activateInvoice: true }, customer: { name: 'Owner A' }, lines: [{ productId: f.ids.platform, quantity: 2, subscriptionTerm: 12 }, { productId: f.ids.key, quantity: 1 }] });
  const spec = (await t.call('GET', '/openapi.json')).json() as { paths: Record<string, Record<string, unknown>> };
  routes = Object.entries(spec.paths).flatMap(([path, ops]) => Object.keys(ops).filter((m) => ['get', 'post', 'patch', 'delete', 'put'].includes(m)).map((m) => ({ method: m.toUpperCase(), path })));
  // every table a tenant owns, but the request bookkeeping (idempotency records, login attempts) and
  // payments (a declined attempt is logged on purpose)
  tables = (await sql<{ table_name: string }>`select distinct table_name from information_schema.columns where column_name = 'tenant_id' and table_schema = current_schema()`
    .execute(t.rt.database.db)).rows.map((r) => r.table_name).filter((n) => !['idempotency_keys', 'login_history', 'payments', 'tenants'].includes(n)).sort();
});
afterAll(() => t.close());

const rowsOf = async (tenantId: string) => {
  const parts = tables.map((n) => sql`select count(*)::int as n from ${sql.table(n)} where tenant_id = ${tenantId}`);
  const r = await sql<{ n: number }>`select sum(n)::int as n from (${sql.join(parts, sql` union all `)}) x`.execute(t.rt.database.db);
  return r.rows[0]!.n;
};
const idsOf = async (tenantId: string) => {
  const out: string[] = [];
  for (const n of tables) {
    const hasId = (await sql<{ c: number }>`select count(*)::int as c from information_schema.columns where table_name = ${n} and column_name = 'id' and table_schema = current_schema()`.execute(t.rt.database.db)).rows[0]!.c;
    if (!hasId) continue;
    out.push(...(await sql<{ id: string }>`select id::text as id from ${sql.table(n)} where tenant_id = ${tenantId}`.execute(t.rt.database.db)).rows.map((r) => r.id));
  }
  return out;
};

describe('fault fuzzing', () => {
  it('a request that fails writes nothing', async () => {
    const segment = fc.oneof(fc.uuid(), fc.string({ minLength: 1, maxLength: 10 }).map(encodeURIComponent), fc.constantFrom(f.ids.platform, f.book.id));
    const body = fc.oneof(fc.anything({ maxDepth: 3 }), fc.record({ name: fc.anything(), customerId: fc.anything(), lines: fc.anything(), options: fc.anything(), amount: fc.anything() }, { requiredKeys: [] }));
    const writes = routes.filter((r) => r.method !== 'GET' && !r.path.startsWith('/admin'));
    await fc.assert(fc.asyncProperty(fc.nat(), segment, body, async (i, seg, b) => {
      const route = writes[i % writes.length]!;
      const before = await rowsOf(f.tenant.id);
      const res = await t.call(route.method as 'POST', route.path.replace(/\{[^}]+\}/g, seg), { body: b, headers: f.h });
      expect(res.statusCode, `${route.method} ${route.path} → ${res.body}`).toBeLessThan(500);
      if (res.statusCode >= 400) expect(await rowsOf(f.tenant.id), `${route.method} ${route.path} ${JSON.stringify(b)} → ${res.statusCode} wrote`).toBe(before);
    }), { numRuns: RUNS });
  });

  it('another tenant, and another organisation of the same tenant, never read a row that is not theirs', async () => {
    const theirs = await idsOf(f.tenant.id);
    expect(theirs.length).toBeGreaterThan(20);
    const other = withKey((await t.newTenant({ sandbox: true })).apiKey);
    const outsider = (await f.post('/orders/customers', [{ name: 'Outsider org' }]))[0].id;
    const client = (await t.call('POST', '/apiClients', { body: { name: 'outsider portal', role: 'admin', customerId: outsider }, headers: f.h })).json();
    const token = (await t.call('POST', '/oauth/token', { body: { client_id: client.clientId, client_secret: client.clientSecret, grant_type: 'client_credentials' } })).json().access_token;
    const scoped = { authorization: `Bearer ${token}` };
    const reads = routes.filter((r) => r.method === 'GET' && !r.path.startsWith('/admin') && !/tenant|users|roles|apiKeys|apiClients|loginHistory|openapi|docs|metrics|healthz|readyz|catalog|objects|test\/clock|tax/.test(r.path));
    // what an organisation may see of the tenant's own catalog and settings is not the question here
    const ownIds = new Set([outsider]);
    const foreign = theirs.filter((id) => !ownIds.has(id) && !Object.values(f.ids).includes(id) && id !== f.book.id && id !== f.uom.id && id !== f.each.id);
    // every read route with every id of the other party's rows, as the other tenant and as the outside organisation
    let answered = 0;
    for (const route of reads) {
      const candidates = route.path.includes('{') ? foreign : [foreign[0]!];
      for (const id of candidates) {
        const url = `${route.path.replace(/\{[^}]+\}/g, id)}?customerId=${id}&invoiceId=${id}&query=${encodeURIComponent('{ Order { id customerId } Invoice { id } }')}`;
        for (const [who, headers] of [['tenant', other], ['organisation', scoped]] as const) {
          const res = await t.call('GET', url, { headers });
          expect(res.statusCode, `${url} → ${res.body}`).toBeLessThan(500);
          if (res.statusCode !== 200) continue;
          answered++;
          const leaked = foreign.filter((x) => res.body.includes(x));
          expect(leaked, `${who} read ${url} → ${res.body.slice(0, 300)}`).toEqual([]);
        }
      }
    }
    expect(answered).toBeGreaterThan(0);
    expect((await t.call('GET', '/admin/tenants', { headers: { authorization: `Bearer ${ADMIN_TOKEN}` } })).statusCode).toBeLessThan(500);
  });
});
