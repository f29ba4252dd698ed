import { sql } from 'kysely';
import { describe, expect, it } from 'vitest';
import { withKey } from '../support/app.js';
import { orderSuite } from './support.js';

// An order line may name its product by `sku` (the preview's `productSku`) in place of `productId`,
// and its UOM by `uomId` (an id or a name such as `User/Year`), which picks the price book entry —
// on POST /orders, the cart, POST /orders/{id} and POST /orders/invoices:preview alike (one reader).
const s = orderSuite({ today: '2023-06-22' });
const newCustomer = (name: string) => ({ customer: { name, email: `${name.toLowerCase()}@example.com` } });
const line = (extra: Record<string, unknown>) => ({ quantity: 2, subscriptionTerm: 12, subscriptionStartDate: '2023-06-22', ...extra });
async function counts() {
  const q = async (table: string) => Number((await sql<{ n: string }>`select count(*) as n from ${sql.table(table)} where tenant_id = ${s.f.tenant.id}`.execute(s.t.rt.database.db)).rows[0]!.n);
  return { customers: await q('customers'), contacts: await q('contacts'), orders: await q('orders'), lines: await q('order_products'), assets: await q('asset_versions'), invoices: await q('invoices') };
}
const lineFigures = (res: { json(): any }) => res.json().orderProducts.map((l: any) => [l.productId, l.priceBookEntryId, l.quantity, l.listPrice, l.totalPrice]);

describe('order lines named by sku', () => {
  it('a cart, a placed order and a Draft update take `sku` in place of productId and price it the same', async () => {
    const byId = await s.call('POST', '/orders', { options: { activateOrder: false }, ...newCustomer('ById'), lines: [line({ productId: s.f.ids.platform })] });
    const bySku = await s.call('POST', '/orders', { options: { activateOrder: false }, ...newCustomer('BySku'), lines: [line({ sku: 'NUE-PLATFORM' })] });
    expect([byId.statusCode, bySku.statusCode]).toEqual([200, 200]);
    expect(lineFigures(bySku)).toEqual(lineFigures(byId));
    expect(lineFigures(bySku)[0].slice(0, 1)).toEqual([s.f.ids.platform]);
    expect(bySku.json().order.totalPrice).toBe(237.6);

    const updated = await s.call('POST', `/orders/${bySku.json().order.id}`, { options: { activateOrder: false }, lines: [line({ sku: 'KEY', quantity: 3 })] });
    expect(updated.statusCode).toBe(200);
    expect(updated.json().orderProducts.map((l: any) => [l.productId, l.totalPrice])).toEqual([[s.f.ids.key, 147]]);

    const placed = await s.call('POST', '/orders', { ...newCustomer('Placed'), orderProducts: [line({ sku: 'NUE-PLATFORM' })] });
    expect(placed.statusCode).toBe(200);
    expect(placed.json().order.status).toBe('Activated');
    expect(placed.json().subscriptions.map((x: any) => [x.productId, x.quantity])).toEqual([[s.f.ids.platform, 2]]);
  });

  it('the invoice preview takes the seed\'s `productSku` (and `sku`) in place of productId', async () => {
    const [{ id: customerId }] = (await s.call('POST', '/orders/customers', [{ name: 'Previewer' }])).json();
    const byId = await s.call('POST', '/orders/invoices:preview', { customerId, lines: [line({ productId: s.f.ids.platform })] });
    const bySeedName = await s.call('POST', '/orders/invoices:preview', { customerId, orderProducts: [{ id: 'op-1', productSku: 'NUE-PLATFORM', startDate: '2023-06-22', endDate: '2024-06-21', quantity: 2 }] });
    const bySku = await s.call('POST', '/orders/invoices:preview', { customerId, lines: [line({ sku: 'NUE-PLATFORM' })] });
    expect([byId.statusCode, bySeedName.statusCode, bySku.statusCode]).toEqual([200, 200, 200]);
    const amounts = (res: { json(): any }) => res.json().map((p: any) => [p.invoice.amount, p.items.map((i: any) => [i.productId, i.transactionAmount])]);
    expect(amounts(bySeedName)).toEqual(amounts(byId));
    expect(amounts(bySku)).toEqual(amounts(byId));
    expect(amounts(byId)).toEqual([[5.94, [[s.f.ids.platform, 5.94]]]]);
  });

  it('`uomId` (an id or the UOM\'s name) picks the product\'s entry in that UOM', async () => {
    const year = await s.f.post('/objects/Uom', { name: 'User/Year', quantityDimension: 'User', termDimension: 'Year' });
    const yearly = await s.f.post('/objects/PriceBookEntry', { productId: s.f.ids.platform, priceBookId: s.f.book.id, uomId: year.id, currencyIsoCode: 'USD', listPrice: '99' });
    const cart = (uomId: string) => s.call('POST', '/orders', { options: { activateOrder: false }, ...newCustomer(`Uom${uomId.length}`), lines: [line({ sku: 'NUE-PLATFORM', uomId, subscriptionTerm: 1 })] });
    const byName = await cart('User/Year');
    const byUomId = await cart(year.id);
    expect([byName.statusCode, byUomId.statusCode]).toEqual([200, 200]);
    expect(lineFigures(byName)).toEqual([[s.f.ids.platform, yearly.id, 2, 99, 198]]);
    expect(lineFigures(byUomId)).toEqual(lineFigures(byName));
    expect(byName.json().orderProducts[0]).toMatchObject({ uomId: year.id, subscriptionEndDate: '2024-06-21' });
    // the monthly entry by its UOM's name, with productId
    const monthly = await s.call('POST', '/orders', { options: { activateOrder: false }, ...newCustomer('Monthly'), lines: [line({ productId: s.f.ids.platform, uomId: 'User/Month' })] });
    expect(lineFigures(monthly)).toEqual([[s.f.ids.platform, expect.any(String), 2, 9.9, 237.6]]);
  });

  it.each([
    ['POST /orders', '/orders', (l: unknown) => ({ ...newCustomer('Nobody'), lines: [l] }), 'body/lines/0'],
    ['a cart', '/orders', (l: unknown) => ({ options: { activateOrder: false }, ...newCustomer('Nobody'), orderProducts: [l] }), 'body/orderProducts/0'],
    ['the invoice preview', '/orders/invoices:preview', (l: unknown) => ({ ...newCustomer('Nobody'), lines: [l] }), 'body/lines/0'],
  ])('%s: an unknown sku, an empty one, a sku the id contradicts or a UOM without an entry is a 400 naming the field, nothing written', async (_name, url, body, at) => {
    const cases: [unknown, string][] = [
      [line({ sku: 'NOPE' }), `${at}/sku: no product has sku NOPE`],
      [{ ...line({}), productSku: 'NOPE' }, `${at}/productSku: no product has sku NOPE`],
      [line({ sku: '' }), `${at}/sku must not be empty`],
      [line({ sku: 42 }), `${at}/sku must be string`],
      [line({}), `${at}/productId (or ${at}/sku) is required`],
      [line({ sku: 'KEY', productId: s.f.ids.platform }), `${at}/sku is KEY but product ${s.f.ids.platform} has sku NUE-PLATFORM`],
      [line({ sku: 'DRAFT' }), `${at}/sku: product DRAFT is Draft`],
      [line({ sku: 'NUE-PLATFORM', uomId: 'Each' }), `${at}/uomId: product NUE-PLATFORM has no active entry in UOM Each`],
    ];
    for (const [l, message] of cases) {
      const before = await counts();
      const res = await s.call('POST', url, body(l));
      expect([res.statusCode, res.json()]).toEqual([400, { title: expect.any(String), message, errorCode: expect.any(String), errorType: expect.any(String) }]);
      expect(await counts()).toEqual(before);
    }
  });

  it('a Draft update with an unknown sku is a 400 and keeps the Draft as it was', async () => {
    const cart = (await s.call('POST', '/orders', { options: { activateOrder: false }, ...newCustomer('Keeper'), lines: [line({ sku: 'NUE-PLATFORM' })] })).json();
    const res = await s.call('POST', `/orders/${cart.order.id}`, { options: { activateOrder: false }, lines: [line({ sku: 'GONE' })] });
    expect([res.statusCode, res.json().message]).toEqual([400, 'body/lines/0/sku: no product has sku GONE']);
    const order = (await s.call('GET', `/orders/${cart.order.id}`)).json();
    expect(JSON.stringify(order)).toContain(s.f.ids.platform);
  });

  it('a self-service key resolves skus in the published catalog only', async () => {
    const key = (await s.call('POST', '/apiKeys', { name: 'store', role: 'self-service' })).json().apiKey;
    const order = () => s.t.call('POST', '/orders', { body: { options: { activateOrder: false }, ...newCustomer('Shopper'), lines: [line({ sku: 'ONBOARD', subscriptionTerm: undefined })] }, headers: withKey(key) });
    const unpublished = await order();
    expect([unpublished.statusCode, unpublished.json().message]).toEqual([400, 'body/lines/0/sku: no published product has sku ONBOARD']);
    expect((await s.call('POST', `/catalog/products/${s.f.ids.onboarding}:publish`)).statusCode).toBe(200);
    const published = await order();
    expect(published.statusCode).toBe(200);
    expect(published.json().orderProducts.map((l: any) => [l.productId, l.totalPrice])).toEqual([[s.f.ids.onboarding, 300]]);
  });
});
