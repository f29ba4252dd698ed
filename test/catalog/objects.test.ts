import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testApp, withKey, type TestApp } from '../support/app.js';

let t: TestApp;
let h: Record<string, string>;
let uomId: string;
let bookId: string;

beforeAll(async () => {
  t = await testApp();
  h = withKey((await t.newTenant()).apiKey);
  uomId = (await post('/objects/Uom', { name: 'User/Month', quantityDimension: 'User', termDimension: 'Month', decimalScale: 0, roundingMode: 'Up' })).json().id;
  bookId = (await post('/objects/PriceBook', { name: 'Standard', standard: true, selfServiceEnabled: true })).json().id;
});
afterAll(() => t.close());

const post = (url: string, body: unknown, headers = h) => t.call('POST', url, { body, headers });
const get = (url: string, headers = h) => t.call('GET', url, { headers });
let skuSeq = 0;
const sku = () => `SKU-${++skuSeq}-${Math.random().toString(36).slice(2, 8)}`;
const product = async (extra: Record<string, unknown> = {}) => (await post('/objects/Product', { name: 'Widget', sku: sku(), status: 'Active', ...extra })).json();

describe('generic object create', () => {
  it('returns the stored record with its id, exact money as numbers, enums in the schema spelling', async () => {
    const p = await product({ priceModel: 'recurring', billingTiming: 'In Advance', defaultSubscriptionTerm: 12, customFields: { tier__c: 'gold' } });
    expect(p).toMatchObject({ name: 'Widget', recordType: 'Product', priceModel: 'Recurring', billingTiming: 'InAdvance', status: 'Active', publishStatus: 'Unpublished', defaultSubscriptionTerm: 12, taxMode: 'Exclusive', customFields: { tier__c: 'gold' } });
    expect(p.id).toMatch(/^[0-9a-f-]{36}$/);
    const e = await post('/objects/PriceBookEntry', { productId: p.id, priceBookId: bookId, uomId, currencyIsoCode: 'USD', listPrice: '9.90' });
    expect(e.statusCode).toBe(200);
    expect(e.json()).toMatchObject({ listPrice: 9.9, currencyIsoCode: 'USD', active: true, productId: p.id });
    const read = await get(`/objects/PriceBookEntry/${e.json().id}`);
    expect(read.json()).toEqual(e.json());
    const precise = await post('/objects/PriceBookEntry', { productId: p.id, priceBookId: bookId, uomId, currencyIsoCode: 'EUR', listPrice: 0.1234567 });
    expect(precise.json().listPrice).toBe(0.1234567);
  });

  it('rejects bad input naming the field, and writes nothing', async () => {
    const cases: [unknown, number, string][] = [
      [{ sku: sku() }, 400, 'body/name is required'],
      [{ name: 'x', sku: sku(), priceModel: 'Weekly' }, 400, 'body/priceModel must be one of Recurring, One-Time, Usage'],
      [{ name: 'x', sku: sku(), colour: 'red' }, 400, 'body/colour is not a field of Product'],
      [{ name: 'x', sku: sku(), publishStatus: 'Published' }, 400, 'body/publishStatus is set by Keel and cannot be written'],
      [{ name: 'x', sku: sku(), defaultSubscriptionTerm: -1 }, 400, 'body/defaultSubscriptionTerm must be >= 0'],
      [{ name: 'x', sku: sku(), defaultSubscriptionTerm: 1.5 }, 400, 'body/defaultSubscriptionTerm must be an integer'],
      [{ name: 'x', sku: sku(), startDate: '2023-02-30' }, 400, 'body/startDate must be a date YYYY-MM-DD from 1900-01-01 to 2199-12-31'],
      [{ name: 'x', sku: sku(), startDate: '2024-01-02', endDate: '2024-01-01' }, 400, 'body/endDate must not be before startDate'],
      [{ name: 'x', sku: sku(), uomId: 'nope' }, 400, 'body/uomId must be the id of a Uom'],
      [[1], 400, 'body/0 must be object'], // the body schema's: one object or (…List) an array of objects
    ];
    const before = (await get('/objects/Product?limit=500')).json().records.length;
    for (const [body, status, message] of cases) {
      const res = await post('/objects/Product', body);
      expect([res.statusCode, res.json().message]).toEqual([status, message]);
    }
    const entry = await post('/objects/PriceBookEntry', { productId: (await product()).id, priceBookId: bookId, uomId, currencyIsoCode: 'XYZ', listPrice: 1 });
    expect(entry.json().message).toBe('body/currencyIsoCode must be an ISO 4217 currency code such as USD');
    const money = await post('/objects/PriceBookEntry', { productId: (await product()).id, priceBookId: bookId, uomId, currencyIsoCode: 'USD', listPrice: 'ten' });
    expect(money.json().message).toBe('body/listPrice must be a decimal number');
    expect((await get('/objects/Product?limit=500')).json().records.length).toBe(before + 2);
    const unknown = await post('/objects/Spaceship', { name: 'x' });
    expect([unknown.statusCode, unknown.json().errorCode]).toEqual([404, 'UNKNOWN_OBJECT']);
  });

  it('checks references inside the tenant; another tenant\'s ids are 404s and unusable', async () => {
    const other = withKey((await t.newTenant()).apiKey);
    const theirs = (await post('/objects/Product', { name: 'Theirs', sku: sku() }, other)).json();
    expect((await get(`/objects/Product/${theirs.id}`)).statusCode).toBe(404);
    expect((await t.call('PATCH', `/objects/Product/${theirs.id}`, { body: { name: 'mine now' }, headers: h })).statusCode).toBe(404);
    expect((await t.call('DELETE', `/objects/Product/${theirs.id}`, { headers: h })).statusCode).toBe(404);
    const res = await post('/objects/PriceBookEntry', { productId: theirs.id, priceBookId: bookId, uomId, currencyIsoCode: 'USD', listPrice: 1 });
    expect([res.statusCode, res.json()]).toEqual([400, expect.objectContaining({ errorCode: 'REFERENCE_NOT_FOUND', message: 'body/productId does not name a Product of this tenant' })]);
    expect((await get(`/objects/Product/${theirs.id}`, other)).json().name).toBe('Theirs');
  });

  it('keeps sku, tag code and the entry key unique per tenant', async () => {
    const p = await product();
    const dup = await post('/objects/Product', { name: 'again', sku: p.sku });
    expect([dup.statusCode, dup.json().errorCode]).toEqual([409, 'DUPLICATE_SKU']);
    const other = withKey((await t.newTenant()).apiKey);
    expect((await post('/objects/Product', { name: 'same sku elsewhere', sku: p.sku }, other)).statusCode).toBe(200);
    const entry = { productId: p.id, priceBookId: bookId, uomId, currencyIsoCode: 'USD', listPrice: 5 };
    expect((await post('/objects/PriceBookEntry', entry)).statusCode).toBe(200);
    const again = await post('/objects/PriceBookEntry', { ...entry, listPrice: 6 });
    expect([again.statusCode, again.json().errorCode]).toEqual([409, 'DUPLICATE_PRICE_BOOK_ENTRY']);
    expect((await post('/objects/PriceBookEntry', { ...entry, pricingAttribute_1: 'EU' })).statusCode).toBe(200);
    const code = `TAG-${sku()}`;
    expect((await post('/objects/PriceDimension', { name: 'a', code })).statusCode).toBe(200);
    expect((await post('/objects/PriceDimension', { name: 'b', code })).json().errorCode).toBe('DUPLICATE_CODE');
  });

  it('a product with entries cannot be deleted (409); deactivate instead; without entries it can', async () => {
    const p = await product();
    await post('/objects/PriceBookEntry', { productId: p.id, priceBookId: bookId, uomId, currencyIsoCode: 'USD', listPrice: 5 });
    const del = await t.call('DELETE', `/objects/Product/${p.id}`, { headers: h });
    expect([del.statusCode, del.json().errorCode]).toEqual([409, 'PRODUCT_HAS_ENTRIES']);
    expect((await get(`/objects/Product/${p.id}`)).statusCode).toBe(200);
    expect((await post(`/objects/Product/${p.id}:deactivate`, undefined)).json().status).toBe('Inactive');
    expect((await post(`/objects/Product/${p.id}:activate`, undefined)).json().status).toBe('Active');
    const bare = await product();
    expect((await t.call('DELETE', `/objects/Product/${bare.id}`, { headers: h })).json()).toEqual({ deleted: [bare.id] });
    expect((await get(`/objects/Product/${bare.id}`)).statusCode).toBe(404);
    const uomInUse = await t.call('DELETE', `/objects/Uom/${uomId}`, { headers: h });
    expect([uomInUse.statusCode, uomInUse.json().errorCode]).toEqual([409, 'STILL_REFERENCED']);
  });
});

describe('batch forms', () => {
  it('creates, patches, activates and deletes many, all or nothing', async () => {
    const names = [sku(), sku(), sku()];
    const created = await post('/objects/ProductList', names.map((s) => ({ name: s, sku: s })));
    expect(created.statusCode).toBe(200);
    const ids = created.json().map((p: { id: string }) => p.id);
    expect(created.json().map((p: { status: string }) => p.status)).toEqual(['Draft', 'Draft', 'Draft']);

    const bad = await post('/objects/ProductList', { objectCollection: [{ name: 'ok', sku: sku() }, { name: 'missing sku' }] });
    expect([bad.statusCode, bad.json().message]).toEqual([400, 'body/objectCollection/1/sku is required']);

    const patched = await t.call('PATCH', '/objects/ProductList', { body: ids.map((id: string) => ({ id, description: 'batch' })), headers: h });
    expect(patched.json().map((p: { description: string }) => p.description)).toEqual(['batch', 'batch', 'batch']);
    const activated = await post('/objects/ProductList:activate', { idList: ids });
    expect(activated.json().map((p: { status: string }) => p.status)).toEqual(['Active', 'Active', 'Active']);
    const missing = await post('/objects/ProductList:deactivate', { idList: [ids[0], '00000000-0000-4000-8000-000000000000'] });
    expect(missing.statusCode).toBe(404);
    expect((await get(`/objects/Product/${ids[0]}`)).json().status).toBe('Active');

    const deleted = await t.call('DELETE', '/objects/ProductList', { body: { idList: ids }, headers: h });
    expect(deleted.json()).toEqual({ deleted: ids });
    for (const id of ids) expect((await get(`/objects/Product/${id}`)).statusCode).toBe(404);
  });

  it('pages lists by cursor', async () => {
    const own = withKey((await t.newTenant()).apiKey);
    await post('/objects/UomList', Array.from({ length: 5 }, (_, i) => ({ name: `U${i}`, quantityDimension: 'Unit' })), own);
    const first = (await get('/objects/Uom?limit=2', own)).json();
    const second = (await get(`/objects/Uom?limit=2&cursor=${first.nextCursor}`, own)).json();
    const third = (await get(`/objects/Uom?limit=2&cursor=${second.nextCursor}`, own)).json();
    expect([first.records.length, second.records.length, third.records.length, third.nextCursor]).toEqual([2, 2, 1, null]);
    const all = [...first.records, ...second.records, ...third.records].map((u: { name: string }) => u.name).sort();
    expect(all).toEqual(['U0', 'U1', 'U2', 'U3', 'U4']);
  });
});

describe('rules', () => {
  it('price tiers must start at 0 and tile with no gap or overlap', async () => {
    const tag = (await post('/objects/PriceDimension', { name: 'Volume', code: `VOL-${sku()}`, priceType: 'Volume' })).json();
    const tier = (startUnit: number, endUnit: number | null, amount = 10) => ({ priceDimensionId: tag.id, startUnit, endUnit, amount, chargeModel: 'PerUnit' });
    const ok = await post('/objects/PriceTierList', [tier(0, 10, 10), tier(10, 100, 8), tier(100, null, 6)]);
    expect(ok.statusCode).toBe(200);
    const gap = await post('/objects/PriceTier', tier(150, 200));
    expect([gap.statusCode, gap.json().errorCode]).toEqual([400, 'INVALID_TIERS']);
    expect(gap.json().message).toBe(`Price tag ${tag.code}: only the last tier may be open-ended; tier 3 (from 100) has no endUnit`);
    const middle = ok.json()[1].id;
    const hole = await t.call('DELETE', `/objects/PriceTier/${middle}`, { headers: h });
    expect(hole.json().message).toBe(`Price tag ${tag.code}: tiers leave a gap between 10 and 100`);
    const overlap = await t.call('PATCH', `/objects/PriceTier/${middle}`, { body: { startUnit: 5 }, headers: h });
    expect(overlap.json().message).toBe(`Price tag ${tag.code}: tiers overlap: a tier starts at 5 before the previous ends at 10`);
    const backwards = await t.call('PATCH', `/objects/PriceTier/${middle}`, { body: { endUnit: 10 }, headers: h });
    expect(backwards.json().message).toBe('body/endUnit must be greater than startUnit (10)');
    const tiers = (await t.call('GET', `/objects/Product/${tag.id}/bundleDefinition`, { headers: h })).statusCode;
    expect(tiers).toBe(404);

    const discount = (await post('/objects/PriceDimension', { name: 'Disc', code: `DISC-${sku()}`, recordType: 'DiscountDimension' })).json();
    const noPercent = await post('/objects/PriceTier', { priceDimensionId: discount.id, startUnit: 0, amount: 5 });
    expect(noPercent.json().message).toBe(`Price tag ${discount.code}: tier 1 needs a discountPercentage (a discount tag)`);
    expect((await post('/objects/PriceTier', { priceDimensionId: discount.id, startUnit: 0, discountPercentage: 12.5 })).statusCode).toBe(200);
    const percent = await post('/objects/PriceTier', { priceDimensionId: discount.id, startUnit: 0, discountPercentage: 101 });
    expect(percent.json().message).toBe('body/discountPercentage must be <= 100');
  });

  it('option quantities: min ≤ default ≤ max', async () => {
    const bundle = await product({ recordType: 'Bundle', configurable: true });
    const child = await product();
    const option = (q: Record<string, unknown>) => post('/objects/ProductOption', { configuredProductId: bundle.id, optionProductId: child.id, ...q });
    expect((await option({ minQuantity: 1, defaultQuantity: 2, maxQuantity: 5 })).statusCode).toBe(200);
    expect((await option({ minQuantity: 3, defaultQuantity: 2 })).json().message).toBe('body/defaultQuantity must be >= minQuantity (3)');
    expect((await option({ defaultQuantity: 6, maxQuantity: 5 })).json().message).toBe('body/defaultQuantity must be <= maxQuantity (5)');
    const feature = await post('/objects/ProductFeature', { name: 'Storage', configuredProductId: bundle.id, minOptions: 2, maxOptions: 1 });
    expect(feature.json().message).toBe('body/minOptions must be <= maxOptions (1)');
  });
});

describe('product type and permissions', () => {
  it('a product\'s type defaults from its record type and accepts the provisioning kinds', async () => {
    expect((await product()).productType).toBe('Subscription');
    expect((await product({ recordType: 'Service' })).productType).toBe('Service');
    expect((await product({ productType: 'physical good' })).productType).toBe('Physical Good');
    expect((await post('/objects/Product', { name: 'x', sku: sku(), productType: 'Spaceship' })).json().message)
      .toBe('body/productType must be one of Subscription, Physical Good, Service');
  });

  it('reading needs catalog:read and writing catalog:write', async () => {
    const readOnly = (await post('/apiKeys', { name: 'ro', role: 'read-only' })).json().apiKey;
    const p = await product();
    expect((await get(`/objects/Product/${p.id}`, withKey(readOnly))).statusCode).toBe(200);
    const denied = await post('/objects/Product', { name: 'x', sku: sku() }, withKey(readOnly));
    expect([denied.statusCode, denied.json().message]).toEqual([403, 'This credential lacks the permission catalog:write']);
    expect((await post(`/catalog/products/${p.id}:publish`, undefined, withKey(readOnly))).statusCode).toBe(403);
    const catalogAdmin = (await post('/apiKeys', { name: 'ca', role: 'catalog-admin' })).json().apiKey;
    expect((await post('/objects/Product', { name: 'x', sku: sku() }, withKey(catalogAdmin))).statusCode).toBe(200);
  });
});
