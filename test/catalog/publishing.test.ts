import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config.js';
import { startRuntime, type Runtime } from '../../src/runtime.js';
import { testDatabase } from '../support/db.js';
import { testApp, withKey, type TestApp } from '../support/app.js';

let t: TestApp;
let h: Record<string, string>;
let uomId: string;
let bookId: string;
let privateBookId: string;

beforeAll(async () => {
  t = await testApp();
  h = withKey((await t.newTenant()).apiKey);
  uomId = (await post('/objects/Uom', { name: 'User/Month', quantityDimension: 'User', termDimension: 'Month' })).json().id;
  bookId = (await post('/objects/PriceBook', { name: 'Self-service', selfServiceEnabled: true })).json().id;
  privateBookId = (await post('/objects/PriceBook', { name: 'Enterprise', selfServiceEnabled: false })).json().id;
});
afterAll(() => t.close());

const post = (url: string, body?: unknown) => t.call('POST', url, { body, headers: h });
const get = (url: string) => t.call('GET', url, { headers: h });
const patch = (url: string, body: unknown) => t.call('PATCH', url, { body, headers: h });

async function pricedProduct(sku: string, price: number) {
  const p = (await post('/objects/Product', { name: `Plan ${sku}`, sku, status: 'Active', uomId })).json();
  await post('/objects/PriceBookEntry', { productId: p.id, priceBookId: bookId, uomId, currencyIsoCode: 'USD', listPrice: price });
  await post('/objects/PriceBookEntry', { productId: p.id, priceBookId: privateBookId, uomId, currencyIsoCode: 'USD', listPrice: String((price * 8) / 10) });
  return p as { id: string; sku: string };
}

describe('publishing products', () => {
  it('self-service sees a snapshot; edits mark the source Outdated and change nothing until republished', async () => {
    const p = await pricedProduct('PUB-1', 9.9);
    expect((await get(`/catalog/products/${p.id}`)).statusCode).toBe(404);

    const published = await post(`/catalog/products/${p.id}:publish`);
    expect(published.statusCode).toBe(200);
    expect(published.json()).toMatchObject({ id: p.id, publishStatus: 'Published', name: 'Plan PUB-1' });
    expect(published.json().lastPublishedDate).toMatch(/^\d{4}-\d{2}-\d{2}T/);
    expect((await get(`/objects/Product/${p.id}`)).json().publishStatus).toBe('Published');

    const seen = (await get(`/catalog/products/${p.id}`)).json();
    expect(seen.name).toBe('Plan PUB-1');
    // only entries of self-service-enabled price books
    expect(seen.priceBookEntries.map((e: { priceBookId: string; listPrice: number }) => [e.priceBookId, e.listPrice])).toEqual([[bookId, 9.9]]);

    await patch(`/objects/Product/${p.id}`, { name: 'Plan renamed' });
    const entryId = seen.priceBookEntries[0].id;
    await patch(`/objects/PriceBookEntry/${entryId}`, { listPrice: 12 });
    expect((await get(`/objects/Product/${p.id}`)).json().publishStatus).toBe('Outdated');
    const still = (await get(`/catalog/products/${p.id}`)).json();
    expect([still.name, still.priceBookEntries[0].listPrice]).toEqual(['Plan PUB-1', 9.9]);

    const republished = await post('/catalog/products:republish');
    expect(republished.json().republished).toContain(p.id);
    const fresh = (await get(`/catalog/products/${p.id}`)).json();
    expect([fresh.name, fresh.priceBookEntries[0].listPrice, fresh.publishStatus]).toEqual(['Plan renamed', 12, 'Published']);
    expect((await get(`/objects/Product/${p.id}`)).json().publishStatus).toBe('Published');
  });

  it('lists only published products, and filters them', async () => {
    const a = await pricedProduct('LIST-A', 1);
    await pricedProduct('LIST-B', 2);
    await post(`/catalog/products/${a.id}:publish`);
    const list = (await get('/catalog/products')).json() as { sku: string }[];
    expect(list.map((x) => x.sku)).toContain('LIST-A');
    expect(list.map((x) => x.sku)).not.toContain('LIST-B');
    const filtered = (await get(`/catalog/products?filter=${encodeURIComponent('{"sku":"LIST-A"}')}`)).json();
    expect(filtered.map((x: { sku: string }) => x.sku)).toEqual(['LIST-A']);
    expect((await get('/catalog/products?filter=sku%3DLIST-A')).statusCode).toBe(400);
  });

  it('unpublish (202) removes the product from self-service; Draft products cannot be published', async () => {
    const p = await pricedProduct('UNPUB-1', 5);
    await post(`/catalog/products/${p.id}:publish`);
    const res = await post(`/catalog/products/${p.id}:unpublish`);
    expect([res.statusCode, res.json()]).toEqual([202, { id: p.id, publishStatus: 'Unpublished' }]);
    expect((await get(`/catalog/products/${p.id}`)).statusCode).toBe(404);
    expect((await get(`/objects/Product/${p.id}`)).json().publishStatus).toBe('Unpublished');
    const draft = (await post('/objects/Product', { name: 'Draft', sku: 'DRAFT-1' })).json();
    const refused = await post(`/catalog/products/${draft.id}:publish`);
    expect([refused.statusCode, refused.json().errorCode]).toEqual([409, 'NOT_ACTIVE']);
    expect((await post('/catalog/products/00000000-0000-4000-8000-000000000000:publish')).statusCode).toBe(404);
  });

  it('outdatePublishStatus marks Outdated by hand', async () => {
    const p = await pricedProduct('OUT-1', 5);
    expect((await post(`/catalog/products/${p.id}:outdatePublishStatus`)).statusCode).toBe(409);
    await post(`/catalog/products/${p.id}:publish`);
    expect((await post(`/catalog/products/${p.id}:outdatePublishStatus`)).json()).toEqual({ id: p.id, publishStatus: 'Outdated' });
    expect((await get(`/catalog/products/${p.id}`)).statusCode).toBe(200);
  });

  it('disabling self-service on a price book hides its entries at once; enabling shows them', async () => {
    const p = await pricedProduct('BOOK-1', 7);
    await post(`/catalog/products/${p.id}:publish`);
    const off = await post(`/catalog/priceBooks/${bookId}:disableSelfService`);
    expect(off.json().selfServiceEnabled).toBe(false);
    expect((await get(`/catalog/products/${p.id}`)).json().priceBookEntries).toEqual([]);
    await post(`/catalog/priceBooks/${privateBookId}:enableSelfService`);
    expect((await get(`/catalog/products/${p.id}`)).json().priceBookEntries.map((e: { listPrice: number }) => e.listPrice)).toEqual([5.6]);
    await post(`/catalog/priceBooks/${privateBookId}:disableSelfService`);
    await post(`/catalog/priceBooks/${bookId}:enableSelfService`);
  });

  it('republish with removeNonexistent drops snapshots of deleted products; inactive ones are unpublished', async () => {
    const gone = (await post('/objects/Product', { name: 'Gone', sku: 'GONE-1', status: 'Active' })).json();
    const sleepy = await pricedProduct('SLEEPY-1', 3);
    await post(`/catalog/products/${gone.id}:publish`);
    await post(`/catalog/products/${sleepy.id}:publish`);
    await t.call('DELETE', `/objects/Product/${gone.id}`, { headers: h });
    await post(`/objects/Product/${sleepy.id}:deactivate`);
    expect((await get(`/catalog/products/${gone.id}`)).statusCode).toBe(200); // an orphan until removed
    const res = (await post('/catalog/products:republish?removeNonexistent=true')).json();
    expect(res.removed).toEqual([gone.id]);
    expect(res.unpublished).toEqual([sleepy.id]);
    expect((await get(`/catalog/products/${gone.id}`)).statusCode).toBe(404);
    expect((await get(`/catalog/products/${sleepy.id}`)).statusCode).toBe(404);
  });

  it('a bundle snapshot carries its options, their products and the tags, tiers included', async () => {
    const tag = (await post('/objects/composite/PriceDimensionList', { persistentObjects: [{ content: {
      name: 'Seat tiers', code: 'SEAT-TIERS', priceType: 'Tiered', priceTiers: [{ startUnit: 0, endUnit: 10, amount: 10 }, { startUnit: 10, amount: 8 }],
    } }] })).json()[0];
    const res = (await post('/objects/composite/ProductList', { persistentObjects: [
      { referenceId: 'addon', content: { name: 'Add-on', sku: 'PB-ADDON', status: 'Active', priceBookEntries: [{ priceBookId: bookId, uomId, currencyIsoCode: 'USD', listPrice: 4 }] } },
      { referenceId: 'bundle', content: {
        name: 'Bundle', sku: 'PB-BUNDLE', recordType: 'Bundle', configurable: true, status: 'Active',
        priceBookEntries: [{ priceBookId: bookId, uomId, currencyIsoCode: 'USD', listPrice: 40 }],
        productOptions: [{ optionProductId: '@{addon}', defaultQuantity: 2 }],
        productPriceTags: [{ priceTagId: tag.id, serialNumber: 1 }],
      } },
    ] })).json();
    const bundleId = res.find((r: { referenceId: string }) => r.referenceId === 'bundle').id;
    await post(`/catalog/products/${bundleId}:publish`);
    const snap = (await get(`/catalog/products/${bundleId}`)).json();
    expect(snap.productOptions[0].product).toMatchObject({ sku: 'PB-ADDON' });
    expect(snap.productOptions[0].product.priceBookEntries.map((e: { listPrice: number }) => e.listPrice)).toEqual([4]);
    expect(snap.productPriceTags[0].priceTag).toMatchObject({ code: 'SEAT-TIERS', priceType: 'Tiered' });
    expect(snap.productPriceTags[0].priceTag.priceTiers.map((x: { startUnit: number; amount: number }) => [x.startUnit, x.amount])).toEqual([[0, 10], [10, 8]]);

    // editing the tag's tiers outdates the bundle that uses it
    await patch(`/objects/PriceTier/${snap.productPriceTags[0].priceTag.priceTiers[1].id}`, { amount: 7 });
    expect((await get(`/objects/Product/${bundleId}`)).json().publishStatus).toBe('Outdated');
    // and editing the option's product outdates the bundle too
    await post(`/catalog/products/${bundleId}:publish`);
    await patch(`/objects/Product/${snap.productOptions[0].product.id}`, { description: 'changed' });
    expect((await get(`/objects/Product/${bundleId}`)).json().publishStatus).toBe('Outdated');
  });
});

describe('publishing price tags and bundle suites', () => {
  it('price tags are read by code, only once published', async () => {
    const tag = (await post('/objects/composite/PriceDimensionList', { persistentObjects: [{ content: {
      name: 'Volume', code: 'VOL-PUB', priceTiers: [{ startUnit: 0, endUnit: 5, amount: 3 }, { startUnit: 5, amount: 2 }],
    } }] })).json()[0];
    expect((await get('/catalog/price-tags/VOL-PUB')).statusCode).toBe(404);
    const pub = await post(`/catalog/price-tags/${tag.id}:publish`);
    expect(pub.json()).toMatchObject({ code: 'VOL-PUB', publishStatus: 'Published' });
    const seen = (await get('/catalog/price-tags/VOL-PUB')).json();
    expect(seen.priceTiers.map((x: { endUnit: number | null }) => x.endUnit)).toEqual([5, null]);
    expect((await get('/catalog/price-tags')).json().map((x: { code: string }) => x.code)).toContain('VOL-PUB');
    await patch(`/objects/PriceDimension/${tag.id}`, { name: 'Volume 2' });
    expect((await get(`/objects/PriceDimension/${tag.id}`)).json().publishStatus).toBe('Outdated');
    expect((await get('/catalog/price-tags/VOL-PUB')).json().name).toBe('Volume');
    expect((await post(`/catalog/price-tags/${tag.id}:unpublish`)).statusCode).toBe(202);
    expect((await get('/catalog/price-tags/VOL-PUB')).statusCode).toBe(404);
  });

  it('a bundle suite publishes its bundles in order', async () => {
    const a = await pricedProduct('SUITE-A', 10);
    const b = await pricedProduct('SUITE-B', 20);
    const suite = (await post('/objects/composite/BundleSuiteList', { persistentObjects: [{ content: {
      name: 'Pricing page', status: 'Active', priceBookId: bookId, uomId,
      bundles: [{ productId: b.id, sortOrder: 2, popular: true }, { productId: a.id, sortOrder: 1 }],
    } }] })).json()[0];
    expect((await post(`/catalog/bundleSuites/${suite.id}:publish`)).json().publishStatus).toBe('Published');
    const seen = (await get(`/catalog/bundleSuites/${suite.id}`)).json();
    expect(seen.bundles.map((x: { product: { sku: string }; popular: boolean }) => [x.product.sku, x.popular])).toEqual([['SUITE-A', false], ['SUITE-B', true]]);
    expect(seen.bundles[0].product.priceBookEntries.map((e: { listPrice: number }) => e.listPrice)).toEqual([10]);
    await patch(`/objects/Product/${a.id}`, { description: 'x' });
    expect((await get(`/objects/BundleSuite/${suite.id}`)).json().publishStatus).toBe('Outdated');
  });
});

describe('several server processes', () => {
  let other: Runtime;
  beforeAll(async () => {
    const config = { ...loadConfig({}), jwtSecret: 'test-jwt-secret-test-jwt-secret!', encryptionKey: 'test-encryption-key-test-encryption-key!', logLevel: 'silent', loadDemo: false };
    other = await startRuntime(config, { database: await testDatabase() });
  });
  afterAll(() => other.close());

  it('a publish in one process is served by another after its version check', async () => {
    const p = await pricedProduct('PROC-1', 11);
    const apiKey = h.apiAccessKey!;
    const tenantId = (await get('/tenant')).json().id;
    const before = await other.app.inject({ method: 'GET', url: '/catalog/products', headers: { apiAccessKey: apiKey } });
    expect(before.json().map((x: { sku: string }) => x.sku)).not.toContain('PROC-1');
    await post(`/catalog/products/${p.id}:publish`);
    // the other process still serves its cached view until it checks the version (≤ 1 s in production)
    const stale = await other.app.inject({ method: 'GET', url: `/catalog/products/${p.id}`, headers: { apiAccessKey: apiKey } });
    expect(stale.statusCode).toBe(404);
    await other.publishing.checkVersion(tenantId);
    const fresh = await other.app.inject({ method: 'GET', url: `/catalog/products/${p.id}`, headers: { apiAccessKey: apiKey } });
    expect([fresh.statusCode, fresh.json().sku]).toEqual([200, 'PROC-1']);
  });
});
