import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testApp, withKey, type TestApp } from '../support/app.js';

// seed 004: a customer's external id (the CRM's) is written by the caller, unique per tenant, and
// every customer route takes it in place of the id. Hierarchies have no cycles; e-mails are e-mails;
// a name is never empty. Every refusal writes nothing.
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
const countNamed = async (name: string) => Number((await sql<{ n: string }>`select count(*) as n from customers where tenant_id = ${tenantId} and name = ${name}`.execute(t.rt.database.db)).rows[0]!.n);
const error = (res: { statusCode: number; json(): unknown }) => [res.statusCode, (res.json() as { errorCode: string }).errorCode, (res.json() as { message: string }).message];

describe('customer external ids', () => {
  it('is written on create and PATCH and names the customer on every customer route', async () => {
    const res = await post('/orders/customers', { name: 'Ext One', externalId: 'SF-0001' });
    expect(res.statusCode).toBe(200);
    const [c] = res.json();
    expect(c.externalId).toBe('SF-0001');
    expect((await get('/orders/customers/SF-0001')).json()).toEqual(c);
    const patched = await patch('/orders/customers/SF-0001', { description: 'by external id', externalId: 'SF-0001-B' });
    expect(patched.statusCode).toBe(200);
    expect(patched.json()).toMatchObject({ id: c.id, description: 'by external id', externalId: 'SF-0001-B' });
    expect((await get('/orders/customers/SF-0001')).json().errorCode).toBe('CUSTOMER_NOT_FOUND');
    const contacts = await post('/orders/customers/SF-0001-B/contacts', [{ firstName: 'Ada', lastName: 'Ext', email: 'ada@ext.test' }]);
    expect(contacts.statusCode).toBe(200);
    expect(contacts.json()[0]).toMatchObject({ customerId: c.id, name: 'Ada Ext' });
  });

  it('is unique per tenant: a duplicate on create or PATCH is a 409 naming the field, and nothing is written', async () => {
    await post('/orders/customers', { name: 'Ext Two', externalId: 'SF-0002' });
    const dup = await post('/orders/customers', [{ name: 'Ext Three', externalId: 'SF-0003' }, { name: 'Ext Dup', externalId: 'SF-0002' }]);
    expect(error(dup)).toEqual([409, 'DUPLICATE_EXTERNAL_ID', 'body/1/externalId is the external id of another customer of this tenant']);
    expect([await countNamed('Ext Three'), await countNamed('Ext Dup')]).toEqual([0, 0]);
    const [other] = (await post('/orders/customers', { name: 'Ext Four' })).json();
    const taken = await patch(`/orders/customers/${other.id}`, { externalId: 'SF-0002', description: 'never written' });
    expect(error(taken)).toEqual([409, 'DUPLICATE_EXTERNAL_ID', 'body/externalId is the external id of another customer of this tenant']);
    expect((await get(`/orders/customers/${other.id}`)).json()).toMatchObject({ externalId: null, description: null });
    // another tenant may use the same external id, and never sees this one's
    const elsewhere = await t.newTenant();
    expect((await get('/orders/customers/SF-0002', withKey(elsewhere.apiKey))).statusCode).toBe(404);
    expect((await post('/orders/customers', { name: 'Other tenant', externalId: 'SF-0002' }, withKey(elsewhere.apiKey))).statusCode).toBe(200);
  });

  it('refuses a hierarchy cycle, an address that is not an e-mail and an empty name', async () => {
    const [a] = (await post('/orders/customers', { name: 'Top' })).json();
    const [b] = (await post('/orders/customers', { name: 'Middle', parentCustomerId: a.id })).json();
    const [c] = (await post('/orders/customers', { name: 'Bottom', parentCustomerId: b.id })).json();
    const cycle = await patch(`/orders/customers/${a.id}`, { parentCustomerId: c.id, description: 'never written' });
    expect(error(cycle)).toEqual([400, 'HIERARCHY_CYCLE', `body/parentCustomerId ${c.id} is below this customer in its hierarchy: the hierarchy would be a cycle`]);
    expect(error(await patch(`/orders/customers/${a.id}`, { parentCustomerId: b.id }))[1]).toBe('HIERARCHY_CYCLE');
    expect((await get(`/orders/customers/${a.id}`)).json()).toMatchObject({ parentCustomerId: null, description: null });
    // moving a customer under a sibling branch is no cycle
    const [d] = (await post('/orders/customers', { name: 'Side', parentCustomerId: a.id })).json();
    expect((await patch(`/orders/customers/${c.id}`, { parentCustomerId: d.id })).json()).toMatchObject({ parentCustomerId: d.id });

    expect(error(await post('/orders/customers', { name: 'Bad Mail', email: 'not-an-address' }))).toEqual([400, 'INVALID_FIELD', 'body/email must be an e-mail address such as ada@example.com']);
    expect(error(await post('/orders/customers', { name: 'Bad Contact', contacts: [{ lastName: 'X', email: 'x@' }] }))).toEqual([400, 'INVALID_FIELD', 'body/contacts/0/email must be an e-mail address such as ada@example.com']);
    expect([await countNamed('Bad Mail'), await countNamed('Bad Contact')]).toEqual([0, 0]);
    expect(error(await post('/orders/customers', { name: '   ' }))).toEqual([400, 'INVALID_FIELD', 'body/name must not be empty']);
    expect(error(await patch(`/orders/customers/${a.id}`, { name: '' }))).toEqual([400, 'INVALID_FIELD', 'body/name must not be empty']);
    expect((await get(`/orders/customers/${a.id}`)).json().name).toBe('Top');
  });
});
