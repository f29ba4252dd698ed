import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadDemoCatalog } from '../../src/catalog/demo.js';
import { testApp, withKey, type TestApp } from '../support/app.js';

let t: TestApp;
beforeAll(async () => { t = await testApp(); });
afterAll(() => t.close());

describe('demo catalog', () => {
  it('loads the seed\'s Nue Platform and friends, all published to a self-service price book; loading twice does nothing', async () => {
    const tenant = await t.newTenant({ sandbox: true });
    const ctx = await t.rt.tenancy.systemContext(tenant.id, 'demo');
    expect(await loadDemoCatalog(ctx, t.rt)).toEqual({ loaded: true, products: 5 });
    expect(await loadDemoCatalog(ctx, t.rt)).toEqual({ loaded: false, products: 0 });

    const h = withKey(tenant.apiKey);
    const products = (await t.call('GET', '/catalog/products', { headers: h })).json() as Record<string, any>[];
    expect(products.map((p) => p.sku).sort()).toEqual(['NUE-GROWTH', 'NUE-KEY', 'NUE-ONBOARDING', 'NUE-PLATFORM', 'NUE-STORAGE']);
    const platform = products.find((p) => p.sku === 'NUE-PLATFORM')!;
    expect(platform).toMatchObject({ name: 'Nue Platform', priceModel: 'Recurring', productType: 'Subscription', defaultSubscriptionTerm: 12, publishStatus: 'Published' });
    expect(platform.priceBookEntries.map((e: any) => [e.listPrice, e.currencyIsoCode, e.uom.name, e.uom.termDimension])).toEqual([[9.9, 'USD', 'User/Month', 'Month']]);
    expect(products.find((p) => p.sku === 'NUE-KEY')).toMatchObject({ productType: 'Physical Good', priceModel: 'One-Time' });
    expect(products.find((p) => p.sku === 'NUE-ONBOARDING')).toMatchObject({ productType: 'Service', recordType: 'Service' });
    const storage = products.find((p) => p.sku === 'NUE-STORAGE')!;
    expect(storage.productPriceTags[0].priceTag.priceTiers.map((x: any) => [x.startUnit, x.endUnit, x.amount])).toEqual([[0, 100, 0.5], [100, 1000, 0.4], [1000, null, 0.25]]);
    const growth = products.find((p) => p.sku === 'NUE-GROWTH')!;
    expect(growth.productFeatures[0].productOptions.map((o: any) => o.product.sku)).toEqual(['NUE-ONBOARDING', 'NUE-STORAGE', 'NUE-KEY']);
    const tag = (await t.call('GET', '/catalog/price-tags/STORAGE-TIERS', { headers: h })).json();
    expect(tag.priceType).toBe('Tiered');
  });
});
