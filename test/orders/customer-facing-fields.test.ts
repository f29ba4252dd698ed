import { sql } from 'kysely';
import { beforeAll, describe, expect, it } from 'vitest';
import { withKey } from '../support/app.js';
import { orderSuite } from './support.js';

// What a storefront or self-service credential may set (DESIGN §3, issue 15 part 3): every field
// outside its allow-list, in every body it sends, is a 403 FIELD_NOT_ALLOWED naming the field, and
// nothing is written; the same body without it goes through.
const s = orderSuite({ today: '2023-06-22' });
const today = '2023-06-22';
let keys: Record<'self-service' | 'storefront', Record<string, string>>;
let own: { customerId: string; assetNumber: string; orderId: string; contactId: string };

const rows = async () => (await sql<{ n: string }>`select
  (select count(*) from orders where tenant_id = ${s.f.tenant.id}) + (select count(*) from customers where tenant_id = ${s.f.tenant.id})
  + (select count(*) from contacts where tenant_id = ${s.f.tenant.id}) + (select count(*) from asset_versions where tenant_id = ${s.f.tenant.id})
  + (select count(*) from invoices where tenant_id = ${s.f.tenant.id}) as n`.execute(s.t.rt.database.db)).rows[0]!.n;

beforeAll(async () => {
  await s.f.post(`/catalog/products/${s.f.ids.platform}:publish`, {});
  const placed = await s.f.post('/orders', { options: { activateInvoice: true }, customer: { name: 'Own' }, billToContact: { firstName: 'O', lastName: 'W' },
    lines: [{ productId: s.f.ids.platform, quantity: 2, subscriptionTerm: 12, subscriptionStartDate: today }] });
  const cart = await s.f.post('/orders', { options: { activateOrder: false }, customerId: placed.order.customerId, lines: [{ productId: s.f.ids.platform, quantity: 1 }] });
  own = { customerId: placed.order.customerId, assetNumber: placed.subscriptions[0].name, orderId: cart.order.id, contactId: placed.order.billToContactId };
  // self-service acts for its customer (a key bound to it); a storefront for new customers only
  const key = async (role: string, customerId?: string) => withKey((await s.f.post('/apiKeys', { name: role, role, ...(customerId && { customerId }) })).apiKey);
  keys = { 'self-service': await key('self-service', own.customerId), storefront: await key('storefront') };
});

const line = { productId: '', quantity: 2, subscriptionTerm: 12, subscriptionStartDate: today };
/** [what, method, url, a valid body, the fields it may not carry (path → value)] */
const bodies = () => {
  const l = { ...line, productId: s.f.ids.platform };
  const order = { options: { activateOrder: false }, customer: { name: 'New buyer', email: 'n@example.com' }, billToContact: { firstName: 'N', lastName: 'B' }, lines: [l] };
  const change = { options: { activateOrder: false }, assetChanges: [{ assetNumber: own.assetNumber, changeType: 'UpdateQuantity', quantity: 3, startDate: today }] };
  return [
    ['order', 'POST', '/orders', order, {
      'lines/0/discount': 100, 'lines/0/discountAmount': 5, 'lines/0/listPrice': 0.01, 'lines/0/netSalesPrice': 0, 'lines/0/totalPrice': 0, 'lines/0/includedUnits': 1000,
      'lines/0/subscriptionStartDate': '2023-01-01', 'lines/0/billCycleDay': 5, 'lines/0/customFields': { a__c: 1 },
      'options/calculatePrice': false, 'options/calculateTax': false, 'customer/taxExempt': true, 'customer/parentCustomerId': own.customerId,
      'customer/externalId': 'E-1', 'customer/paymentTerm': 'Net 90', 'customer/billCycleDay': 1, 'billToContact/externalId': 'X', 'paymentTerm': 'Net 90',
      'billCycleDay': 1, 'effectiveDate': '2030-01-01', 'taxRates': [{ productSku: 'NUE-PLATFORM', taxPercentage: 0 }], 'transactionHub': { a: 1 }, 'description': 'x',
    }],
    ['invoice preview', 'POST', '/orders/invoices:preview', { customerId: own.customerId, orderProducts: [l] }, { 'orderProducts/0/discount': 50, 'options/calculateTax': false }],
    ['cart update', 'POST', `/orders/${own.orderId}`, { options: { activateOrder: false }, lines: [l] }, { 'lines/0/netSalesPrice': 1, 'paymentTerm': 'Net 90' }],
    ['activation', 'POST', `/orders/${own.orderId}:activate`, { options: { activateOrder: true } }, { 'additionalFields': { poNumber: 'x' }, 'options/calculateTax': false }],
    ['change order', 'POST', '/orders/change-orders', change, {
      'assetChanges/0/netSalesPrice': 1, 'assetChanges/0/discount': { discountPercentage: 90 }, 'assetChanges/0/startDate': '2023-01-01',
      'assetChanges/0/changeType': 'AdjustPrice', 'options/calculateTax': false,
    }],
    ['change preview', 'POST', '/cpq/change-order:preview', change, { 'assetChanges/0/netSalesPrice': 1, 'assetChanges/0/cancellationDate': '2023-01-01' }],
    ['customer', 'PATCH', `/orders/customers/${own.customerId}`, { name: 'Own renamed', billingCity: 'Paris' }, {
      'taxExempt': true, 'parentCustomerId': own.customerId, 'externalId': 'E-2', 'paymentTerm': 'Net 90', 'billCycleDay': 3, 'defaultPaymentMethodToken': 'pm_x', 'currencyIsoCode': 'EUR',
    }],
    ['contact', 'PATCH', `/orders/contacts/${own.contactId}`, { firstName: 'Renamed' }, { 'customerId': own.customerId, 'externalId': 'X' }],
  ] as const;
};

/** The body with `path` set to `value` (a path of object keys and array indexes). */
function withField(body: unknown, path: string, value: unknown): unknown {
  const copy = structuredClone(body) as Record<string, unknown>;
  const keys = path.split('/');
  let at: Record<string, unknown> = copy;
  for (const k of keys.slice(0, -1)) at = (at[k] ??= {}) as Record<string, unknown>;
  at[keys.at(-1)!] = value;
  return copy;
}

describe('customer-facing callers set only what DESIGN §3 allows', () => {
  it('each role × each field outside its allow-list → 403 FIELD_NOT_ALLOWED naming it, nothing written', async () => {
    let cases = 0;
    for (const role of ['self-service', 'storefront'] as const) {
      for (const [what, method, url, body, refused] of bodies()) {
        for (const [path, value] of Object.entries(refused)) {
          const before = await rows();
          const res = await s.t.call(method, url, { body: withField(body, path, value), headers: keys[role] });
          const said = `${role} ${what} ${path} → ${res.statusCode} ${res.body.slice(0, 200)}`;
          // a storefront reaches no existing customer: its refusal of an existing target may come first
          if (role === 'storefront' && res.json().errorCode === 'OUTSIDE_ORGANISATION') { expect(res.statusCode, said).toBe(403); continue; }
          if (role === 'storefront' && res.statusCode === 403 && res.json().errorCode === 'PERMISSION_DENIED') continue;
          expect([res.statusCode, res.json().errorCode], said).toEqual([403, 'FIELD_NOT_ALLOWED']);
          expect(res.json().message, said).toContain(`body/${path}`);
          expect(await rows(), `${said}: wrote`).toBe(before);
          cases++;
        }
      }
    }
    expect(cases).toBeGreaterThan(50);
  });

  it('bulk price adjustments are never a customer-facing caller\'s', async () => {
    for (const role of ['self-service', 'storefront'] as const) {
      const res = await s.t.call('POST', '/cpq/change-order-in-bulk', { body: { assetChanges: [{ assetNumber: own.assetNumber, changeType: 'AdjustPrice', startDate: today, netSalesPrice: 1 }] }, headers: keys[role] });
      expect([res.statusCode, res.json().errorCode], res.body).toEqual([403, 'FIELD_NOT_ALLOWED']);
    }
  });

  it('the same bodies without those fields go through', async () => {
    for (const [what, method, url, body] of bodies()) {
      const res = await s.t.call(method, url, { body, headers: keys['self-service'] });
      expect(res.statusCode, `${what} → ${res.body.slice(0, 300)}`).toBeLessThan(300);
    }
    // a storefront places an order for a new customer, and is answered with it
    const placed = await s.t.call('POST', '/orders', { body: bodies()[0][3], headers: keys.storefront });
    expect(placed.statusCode, placed.body).toBeLessThan(300);
    expect(placed.json().order.customerId).toBeTruthy();
    // and reaches nothing else
    expect((await s.t.call('GET', `/orders/${own.orderId}`, { headers: keys.storefront })).statusCode).toBe(403);
  });
});
