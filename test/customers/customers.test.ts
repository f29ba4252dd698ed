import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CONTACT, CUSTOMER } from '../../src/customers/objects.js';
import { testApp, withKey, type TestApp } from '../support/app.js';

let t: TestApp;
let h: Record<string, string>;
let tenantId: string;
beforeAll(async () => {
  t = await testApp();
  const tenant = await t.newTenant();
  tenantId = tenant.id;
  h = withKey(tenant.apiKey);
});
afterAll(() => t.close());

const post = (url: string, body: unknown, headers = h) => t.call('POST', url, { body, headers });
const get = (url: string, headers = h) => t.call('GET', url, { headers });
const patch = (url: string, body: unknown) => t.call('PATCH', url, { body, headers: h });

describe('customers', () => {
  it('creates customers with contacts; a new customer is a Prospect with no externalId and zero roll-ups', async () => {
    const res = await post('/orders/customers', [{
      name: 'Acme Corp', email: 'ap@acme.test', billingCity: 'San Jose', billingZipCode: '95129', billCycleDay: 15, billingPeriod: 'Quarter',
      paymentTerm: 'Net 45', timezone: 'America/Los_Angeles', taxExempt: true, customFields: { segment__c: 'SMB' },
      contacts: [{ firstName: 'William', lastName: 'Chase', email: 'william@acme.test', birthday: '1988-03-07', shippingzipcode: '95130' },
        { firstName: 'Ada', lastName: 'Byron' }, { firstName: 'Grace', lastName: 'Hopper' }],
    }]);
    expect(res.statusCode).toBe(200);
    const [c] = res.json();
    expect(c).toMatchObject({
      name: 'Acme Corp', type: 'Prospect', externalId: null, billingPostalCode: '95129', billCycleDay: 15, billingPeriod: 'Quarter',
      paymentTerm: 'Net 45', taxExempt: true, todayARR: 0, todayCMRR: 0, totalTCV: 0, invoiceBalance: 0, customFields: { segment__c: 'SMB' },
    });
    expect(c.contacts).toHaveLength(3);
    const william = c.contacts.find((x: { name: string }) => x.name === 'William Chase');
    expect(william).toMatchObject({ customerId: c.id, shippingPostalCode: '95130', birthday: '1988-03-07' });
    // the answer is built from the rows as written; a read of them answers the same, contacts in the same order
    expect((await get(`/orders/customers/${c.id}`)).json()).toEqual(c);
    expect((await get(`/orders/contacts/${william.id}`)).json()).toEqual(william);
  });

  it('a batch is all or nothing and lists every bad item', async () => {
    const before = await count();
    const res = await post('/orders/customers', [{ name: 'Good' }, { email: 'no-name@x.test' }, { name: 'Bad day', billCycleDay: 32 }, { name: 'x', contacts: [{ birthday: '1990-02-30' }] }]);
    expect(res.statusCode).toBe(400);
    expect(res.json().errors).toEqual([
      { index: 1, errorCode: 'INVALID_FIELD', message: 'body/1/name is required' },
      { index: 2, errorCode: 'INVALID_FIELD', message: 'body/2/billCycleDay must be <= 31' },
      { index: 3, errorCode: 'INVALID_FIELD', message: 'body/3/contacts/0/birthday must be a date YYYY-MM-DD from 1900-01-01 to 2199-12-31' },
    ]);
    expect(res.json().message).toBe('body/1/name is required (and 2 more: see errors)');
    expect(await count()).toBe(before);
    const tooMany = await post('/orders/customers', [{ name: 'Crowd', contacts: Array.from({ length: 51 }, (_, i) => ({ lastName: `P${i}` })) }]);
    expect([tooMany.statusCode, tooMany.json().errors[0].errorCode]).toEqual([400, 'TOO_MANY_CONTACTS']);
    const big = await post('/orders/customers', Array.from({ length: 201 }, (_, i) => ({ name: `C${i}` })));
    expect(big.statusCode).toBe(400);
    expect(await count()).toBe(before);
  });

  it('patches updatable fields, adds and patches contacts; type changes stay Keel\'s', async () => {
    const [c] = (await post('/orders/customers', [{ name: 'Patch me', contacts: [{ firstName: 'A', lastName: 'B' }] }])).json();
    const res = await patch(`/orders/customers/${c.id}`, { phone: '555', contacts: [{ id: c.contacts[0].id, title: 'CFO' }, { firstName: 'New', lastName: 'Person' }] });
    expect(res.statusCode).toBe(200);
    expect(res.json().phone).toBe('555');
    expect(res.json().contacts.map((x: { name: string; title: string | null }) => [x.name, x.title])).toEqual([['A B', 'CFO'], ['New Person', null]]);
    // the external id is the caller's (or the CRM sync's) to write since issue 14 (seed 004): test/customers/external-ids.test.ts
    expect((await patch(`/orders/customers/${c.id}`, { parentCustomerId: c.id })).statusCode).toBe(400);
    expect((await patch(`/orders/contacts/${c.contacts[0].id}`, { email: 'a@b.test' })).json().email).toBe('a@b.test');
  });

  it('parents must exist in the tenant; other tenants\' customers and contacts are 404s', async () => {
    const [parent] = (await post('/orders/customers', [{ name: 'Reseller' }])).json();
    const [child] = (await post('/orders/customers', [{ name: 'End customer', parentCustomerId: parent.id }])).json();
    expect(child.parentCustomerId).toBe(parent.id);
    const missing = await post('/orders/customers', [{ name: 'Orphan', parentCustomerId: '00000000-0000-4000-8000-000000000000' }]);
    expect([missing.statusCode, missing.json().errorCode]).toEqual([400, 'REFERENCE_NOT_FOUND']);
    const other = withKey((await t.newTenant()).apiKey);
    expect((await get(`/orders/customers/${parent.id}`, other)).statusCode).toBe(404);
    expect((await get(`/orders/contacts/${child.id}`, other)).statusCode).toBe(404);
    expect((await post(`/orders/customers/${parent.id}/contacts`, [{ lastName: 'X' }], other)).statusCode).toBe(404);
    expect((await get('/orders/customers/not-an-id')).statusCode).toBe(404);
  });

  it('adds contacts to a customer', async () => {
    const [c] = (await post('/orders/customers', [{ name: 'Grows' }])).json();
    const res = await post(`/orders/customers/${c.id}/contacts`, [{ firstName: 'Ada', lastName: 'L', billingZipCode: '10001' }]);
    expect(res.statusCode).toBe(200);
    expect(res.json()[0]).toMatchObject({ name: 'Ada L', customerId: c.id, billingPostalCode: '10001' });
    expect((await get(`/orders/customers/${c.id}`)).json().contacts).toHaveLength(1);
  });
});

describe('the Customer domain type', () => {
  it('names every field of the registry as the API does, with the stored values', async () => {
    const [api] = (await post('/orders/customers', [{
      name: 'Typed Ltd', billingCountry: 'US', billingState: 'CA', billCycleDay: 9, billingPeriod: 'Annual', taxExempt: true,
      paymentTerm: 'Net 15', annualRevenue: '1250000.50', numberOfEmployees: 12, customerSince: '2024-02-29',
      defaultPaymentMethodToken: 'tok_visa', defaultPaymentGateway: 'test', customFields: { tier__c: 'gold' },
    }])).json();
    const ctx = await t.rt.tenancy.systemContext(tenantId, 'test');
    const c = await t.rt.customers.getStoredCustomer(ctx.db, ctx, api.id);
    expect(Object.keys(c).sort()).toEqual([...CUSTOMER.fields.map((f) => f.name), 'id', 'customFields', 'createdAt', 'updatedAt'].sort());
    for (const f of CUSTOMER.fields) {
      const v = c[f.name as keyof typeof c];
      expect(f.type === 'decimal' && v !== null ? Number(v) : v, f.name).toEqual(api[f.name]);
    }
    expect(c).toMatchObject({ id: api.id, type: 'Prospect', currencyIsoCode: null, annualRevenue: '1250000.5', customFields: { tier__c: 'gold' } });
    expect([c.createdAt.toISOString(), c.updatedAt.toISOString()]).toEqual([api.createdDate, api.lastModifiedDate]);
  });
});

describe('customer schema', () => {
  it('the registry and the tables agree', async () => {
    for (const def of [CUSTOMER, CONTACT]) {
      const r = await sql<{ column_name: string }>`select column_name from information_schema.columns where table_schema = 'public' and table_name = ${def.table}`.execute(t.rt.database.db);
      const cols = new Set(r.rows.map((x) => x.column_name));
      expect(cols.size).toBe(def.fields.length + 5);
      for (const f of def.fields) expect(cols.has(f.column), `${def.table}.${f.column}`).toBe(true);
    }
  });
});

async function count(): Promise<number> {
  // this tenant's only: other test files write customers into the same database at the same time
  const r = await sql<{ n: string }>`select count(*) as n from customers where tenant_id = ${tenantId}`.execute(t.rt.database.db);
  return Number(r.rows[0]!.n);
}
