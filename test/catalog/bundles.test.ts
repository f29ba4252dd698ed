import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testApp, withKey, type TestApp } from '../support/app.js';

let t: TestApp;
let h: Record<string, string>;
let uomId: string;
let bookId: string;

beforeAll(async () => {
  t = await testApp();
  h = withKey((await t.newTenant()).apiKey);
  uomId = (await post('/objects/Uom', { name: 'User/Month', quantityDimension: 'User', termDimension: 'Month' })).json().id;
  bookId = (await post('/objects/PriceBook', { name: 'Standard', selfServiceEnabled: true })).json().id;
});
afterAll(() => t.close());

const post = (url: string, body: unknown) => t.call('POST', url, { body, headers: h });
const get = (url: string) => t.call('GET', url, { headers: h });
const entry = (listPrice: number) => ({ priceBookId: bookId, uomId, currencyIsoCode: 'USD', listPrice });

function bundleRequest(suffix: string) {
  return {
    persistentObjects: [
      { referenceId: 'storage', content: { name: 'Extra Storage', sku: `STORAGE-${suffix}`, status: 'Active', priceBookEntries: [entry(2)] } },
      { referenceId: 'support', content: { name: 'Premium Support', sku: `SUPPORT-${suffix}`, recordType: 'Service', productType: 'Service', status: 'Active', priceBookEntries: [entry(50)] } },
      {
        referenceId: 'suite',
        content: {
          name: 'Team Suite', sku: `SUITE-${suffix}`, recordType: 'Bundle', configurable: true, status: 'Active', uomId,
          priceBookEntries: [{ ...entry(99), referenceId: 'suite-entry' }],
          productFeatures: [{
            name: 'Add-ons', featureOrder: 1, minOptions: 0, maxOptions: 2,
            productOptions: [
              { optionProductId: '@{storage}', optionOrder: 2, defaultQuantity: 1, minQuantity: 0, maxQuantity: 10, independentPricing: true },
              { optionProductId: '@{support}', optionOrder: 1, required: true, bundled: true, defaultQuantity: 1, minQuantity: 1, maxQuantity: 1 },
            ],
          }],
        },
      },
    ],
  };
}

describe('composite create', () => {
  it('creates a bundle with features, options and entries atomically; the tree round-trips through bundleDefinition', async () => {
    const res = await post('/objects/composite/ProductList', bundleRequest('A'));
    expect(res.statusCode, res.body).toBe(200);
    const results = res.json() as { id: string; referenceId: string | null; _action: string }[];
    // every object written, in request order: each product, then its nested children
    expect(results.map((r) => [r.referenceId, r._action])).toEqual([
      ['storage', 'Create'], [null, 'Create'], ['support', 'Create'], [null, 'Create'],
      ['suite', 'Create'], ['suite-entry', 'Create'], [null, 'Create'], [null, 'Create'], [null, 'Create'],
    ]);
    const ids = Object.fromEntries(results.filter((r) => r.referenceId).map((r) => [r.referenceId, r.id]));
    const def = (await get(`/objects/Product/${ids.suite}/bundleDefinition`)).json();
    expect(def).toMatchObject({ id: ids.suite, name: 'Team Suite', recordType: 'Bundle', configurable: true, defaultUomId: uomId });
    expect(def.priceBookEntries.map((e: { id: string; listPrice: number; uom: { name: string } }) => [e.id, e.listPrice, e.uom.name])).toEqual([[ids['suite-entry'], 99, 'User/Month']]);
    expect(def.productFeatures).toHaveLength(1);
    const feature = def.productFeatures[0];
    expect(feature).toMatchObject({ name: 'Add-ons', minOptions: 0, maxOptions: 2, configuredProductId: ids.suite });
    // options in optionOrder, each with its product and that product's entries
    expect(feature.productOptions.map((o: { optionProductId: string; product: { name: string; priceBookEntries: { listPrice: number }[] } }) =>
      [o.optionProductId, o.product.name, o.product.priceBookEntries.map((e) => e.listPrice)])).toEqual([
      [ids.support, 'Premium Support', [50]],
      [ids.storage, 'Extra Storage', [2]],
    ]);
    expect(feature.productOptions[0]).toMatchObject({ required: true, bundled: true, defaultQuantity: 1, productFeatureId: feature.id });
    expect(def.productOptions).toEqual([]);

    const filtered = (await get(`/objects/Product/${ids.suite}/bundleDefinition?priceBookId=00000000-0000-4000-8000-000000000000`)).json();
    expect(filtered.priceBookEntries).toEqual([]);
    const upper = (await get(`/objects/Product/${ids.suite}/bundleDefinition?priceBookId=${bookId.toUpperCase()}&uomId=${uomId.toUpperCase()}`)).json();
    expect([upper.priceBookId, upper.priceBookEntries.map((e: { id: string }) => e.id)]).toEqual([bookId, [ids['suite-entry']]]);
  });

  it('is all or nothing: one bad option rolls back the products created before it', async () => {
    const req = bundleRequest('B');
    (req.persistentObjects[2]!.content.productFeatures![0]!.productOptions[0] as Record<string, unknown>).minQuantity = 5;
    const before = (await get('/objects/Product?limit=500')).json().records.length;
    const res = await post('/objects/composite/ProductList', req);
    expect([res.statusCode, res.json().message]).toEqual([400, 'body/persistentObjects/2/content/productFeatures/0/productOptions/0/defaultQuantity must be >= minQuantity (5)']);
    expect((await get('/objects/Product?limit=500')).json().records.length).toBe(before);
    const sku = await t.call('POST', '/objects/Product', { body: { name: 'x', sku: 'STORAGE-B' }, headers: h });
    expect(sku.statusCode).toBe(200); // the sku was not taken by the failed call
  });

  it('rejects unknown references, duplicate referenceIds and cycles', async () => {
    const unknown = await post('/objects/composite/ProductList', { persistentObjects: [{ content: { name: 'x', sku: 'X-1', referenceProductId: '@{nope}' } }] });
    expect([unknown.statusCode, unknown.json().errorCode]).toEqual([400, 'UNKNOWN_REFERENCE_ID']);
    const twice = await post('/objects/composite/ProductList', { persistentObjects: [{ referenceId: 'a', content: { name: 'x', sku: 'X-2' } }, { referenceId: 'a', content: { name: 'y', sku: 'X-3' } }] });
    expect(twice.json().message).toBe('body/persistentObjects/1/referenceId "a" is used twice');
    const cycle = await post('/objects/composite/ProductList', { persistentObjects: [
      { referenceId: 'a', content: { name: 'a', sku: 'CY-A', referenceProductId: '@{b}' } },
      { referenceId: 'b', content: { name: 'b', sku: 'CY-B', referenceProductId: '@{a}' } },
    ] });
    expect([cycle.statusCode, cycle.json().errorCode]).toEqual([400, 'REFERENCE_CYCLE']);
    const forward = await post('/objects/composite/ProductList', { persistentObjects: [
      { referenceId: 'child', content: { name: 'child', sku: 'FW-CHILD', referenceProductId: '@{parent}' } },
      { referenceId: 'parent', content: { name: 'parent', sku: 'FW-PARENT' } },
    ] });
    expect(forward.statusCode).toBe(200);
    const child = (await get(`/objects/Product/${forward.json()[0].id}`)).json();
    expect(child.referenceProductId).toBe(forward.json()[1].id);
  });

  it('patches and deletes in the same call', async () => {
    const created = (await post('/objects/composite/ProductList', { persistentObjects: [{ content: { name: 'P', sku: 'CP-1' } }, { content: { name: 'Q', sku: 'CP-2' } }] })).json();
    const res = await post('/objects/composite/ProductList', { persistentObjects: [
      { operation: 'Patch', id: created[0].id, content: { description: 'patched' } },
      { operation: 'Delete', id: created[1].id },
    ] });
    expect(res.json().map((r: { _action: string }) => r._action)).toEqual(['Patch', 'Delete']);
    expect((await get(`/objects/Product/${created[0].id}`)).json().description).toBe('patched');
    expect((await get(`/objects/Product/${created[1].id}`)).statusCode).toBe(404);
  });
});

describe('product, price book and price tag actions', () => {
  it('duplicate deep-copies a bundle under a new sku, as a Draft', async () => {
    const results = (await post('/objects/composite/ProductList', bundleRequest('D'))).json();
    const suiteId = results.find((r: { referenceId: string }) => r.referenceId === 'suite').id;
    const copy = await post(`/objects/Product/${suiteId}:duplicate`, undefined);
    expect(copy.statusCode).toBe(201);
    const c = copy.json();
    expect(c).toMatchObject({ name: 'Team Suite (Copy)', sku: 'SUITE-D-copy', status: 'Draft', publishStatus: 'Unpublished', recordType: 'Bundle' });
    expect(c.id).not.toBe(suiteId);
    expect(c.priceBookEntries.map((e: { listPrice: number }) => e.listPrice)).toEqual([99]);
    expect(c.productFeatures[0].productOptions).toHaveLength(2);
    expect(c.productFeatures[0].productOptions[0].configuredProductId).toBe(c.id);
    expect(c.productFeatures[0].productOptions[0].productFeatureId).toBe(c.productFeatures[0].id);
    expect((await post(`/objects/Product/${suiteId}:duplicate`, undefined)).json().sku).toBe('SUITE-D-copy-2');
  });

  it('convertToBundle turns a product into a configurable bundle', async () => {
    const p = (await post('/objects/Product', { name: 'Solo', sku: 'SOLO-1' })).json();
    const b = (await post(`/objects/Product/${p.id}:convertToBundle`, undefined)).json();
    expect(b).toMatchObject({ id: p.id, recordType: 'Bundle', configurable: true });
  });

  it('clone makes an empty price book (201); copy brings entries from another (202)', async () => {
    const p = (await post('/objects/Product', { name: 'Priced', sku: 'PRICED-1' })).json();
    await post('/objects/PriceBookEntry', { ...entry(10), productId: p.id });
    const clone = await post(`/objects/PriceBook/${bookId}:clone`, undefined);
    expect(clone.statusCode).toBe(201);
    expect(clone.json()).toMatchObject({ name: 'Standard (Clone)', standard: false, selfServiceEnabled: false });
    const cloneEntries = (await get('/objects/PriceBookEntry?limit=500')).json().records.filter((e: { priceBookId: string }) => e.priceBookId === clone.json().id);
    expect(cloneEntries).toEqual([]);
    const copy = await post(`/objects/PriceBook/${clone.json().id}:copy`, { fromPriceBookId: bookId });
    expect(copy.statusCode).toBe(202);
    const copied = copy.json().copied;
    expect(copied).toBeGreaterThanOrEqual(1);
    const again = await post(`/objects/PriceBook/${clone.json().id}:copy`, { fromPriceBookId: bookId });
    expect(again.json()).toMatchObject({ copied: 0, skipped: copied });
    expect((await post(`/objects/PriceBook/${bookId}:copy`, { fromPriceBookId: bookId })).statusCode).toBe(400);
  });

  it('duplicates a price tag with its tiers under a new code', async () => {
    const tag = (await post('/objects/composite/PriceDimensionList', { persistentObjects: [{ content: {
      name: 'Seats', code: 'SEATS', priceType: 'Tiered', priceTiers: [{ startUnit: 0, endUnit: 10, amount: 10 }, { startUnit: 10, amount: 8 }],
    } }] })).json();
    const copy = await post(`/objects/PriceDimension/${tag[0].id}:duplicate`, undefined);
    expect(copy.statusCode).toBe(201);
    expect(copy.json()).toMatchObject({ code: 'SEATS-copy', name: 'Seats (Copy)', priceType: 'Tiered' });
    expect(copy.json().priceTiers.map((x: { startUnit: number; endUnit: number | null; amount: number }) => [x.startUnit, x.endUnit, x.amount])).toEqual([[0, 10, 10], [10, null, 8]]);
  });
});
