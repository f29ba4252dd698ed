import type { Ctx } from '../context.js';
import type { Publishing } from './publishing.js';
import type { CatalogService } from './service.js';

// The demo catalog `npm start` loads into an empty database (and `keel demo` into any tenant):
// the seed's Nue Platform at 9.90 USD per User/Month for 12 months, a tiered storage add-on, a
// physical good, a service, a bundle with options, a self-service price book, all published.
export const DEMO_PLATFORM_SKU = 'NUE-PLATFORM';

export async function loadDemoCatalog(ctx: Ctx, { catalog, publishing }: { catalog: CatalogService; publishing: Publishing }): Promise<{ loaded: boolean; products: number }> {
  const existing = (await catalog.listObjects(ctx, 'Product', { limit: 500 })).records;
  if (existing.some((p) => p.sku === DEMO_PLATFORM_SKU)) return { loaded: false, products: 0 };

  const created = await catalog.composite(ctx, 'UomList', { persistentObjects: [
    { referenceId: 'userMonth', content: { name: 'User/Month', quantityDimension: 'User', termDimension: 'Month', decimalScale: 0, roundingMode: 'Up' } },
    { referenceId: 'gbMonth', content: { name: 'GB/Month', quantityDimension: 'GB', termDimension: 'Month', decimalScale: 0, roundingMode: 'Up' } },
    { referenceId: 'each', content: { name: 'Each', quantityDimension: 'Each', decimalScale: 0, roundingMode: 'Up' } },
    { referenceId: 'hour', content: { name: 'Hour', quantityDimension: 'Hour', decimalScale: 2, roundingMode: 'Up' } },
  ] });
  const uom = Object.fromEntries(created.map((c) => [c.referenceId!, c.id]));
  const [book] = await catalog.createObjects(ctx, 'PriceBook', { name: 'Self-Service USD', description: 'List prices for the web store', standard: true, active: true }, true);
  const entry = (uomId: string, listPrice: string) => ({ priceBookId: book!.id, uomId, currencyIsoCode: 'USD', listPrice, billingTiming: 'InAdvance' });

  const [tag] = await catalog.composite(ctx, 'PriceDimensionList', { persistentObjects: [{ content: {
    name: 'Storage volume tiers', code: 'STORAGE-TIERS', recordType: 'PriceDimension', priceTagType: 'Quantity', priceType: 'Tiered',
    priceTiers: [
      { name: 'First 100 GB', tierNumber: 1, startUnit: 0, endUnit: 100, amount: '0.50', chargeModel: 'PerUnit' },
      { name: 'Next 900 GB', tierNumber: 2, startUnit: 100, endUnit: 1000, amount: '0.40', chargeModel: 'PerUnit' },
      { name: 'Beyond 1 TB', tierNumber: 3, startUnit: 1000, amount: '0.25', chargeModel: 'PerUnit' },
    ],
  } }] });

  const products = await catalog.composite(ctx, 'ProductList', { persistentObjects: [
    { referenceId: 'platform', content: {
      name: 'Nue Platform', sku: DEMO_PLATFORM_SKU, recordType: 'Product', productType: 'Subscription', priceModel: 'Recurring', status: 'Active',
      description: 'The revenue lifecycle platform, per user per month', uomId: uom.userMonth, priceBookId: book!.id,
      defaultSubscriptionTerm: 12, defaultRenewalTerm: 12, autoRenew: true, billingTiming: 'InAdvance', billingPeriod: 'Month', taxCode: 'SW050000',
      priceBookEntries: [entry(uom.userMonth!, '9.90')],
    } },
    { referenceId: 'storage', content: {
      name: 'Extra Storage', sku: 'NUE-STORAGE', productType: 'Subscription', priceModel: 'Recurring', status: 'Active',
      description: 'Storage add-on, priced in tiers per GB per month', uomId: uom.gbMonth, defaultSubscriptionTerm: 12, billingPeriod: 'Month',
      priceBookEntries: [{ ...entry(uom.gbMonth!, '0.50'), referenceId: 'storageEntry' }],
      productPriceTags: [{ priceTagId: tag!.id, serialNumber: 1, priceBookEntryId: '@{storageEntry}' }],
    } },
    { referenceId: 'token', content: {
      name: 'Hardware Security Key', sku: 'NUE-KEY', productType: 'Physical Good', priceModel: 'One-Time', status: 'Active',
      description: 'A FIDO2 security key, shipped', uomId: uom.each, taxCode: 'TANGIBLE',
      priceBookEntries: [entry(uom.each!, '49.00')],
    } },
    { referenceId: 'onboarding', content: {
      name: 'Guided Onboarding', sku: 'NUE-ONBOARDING', recordType: 'Service', productType: 'Service', priceModel: 'One-Time', status: 'Active',
      description: 'Hours of a solution engineer', uomId: uom.hour,
      priceBookEntries: [entry(uom.hour!, '150.00')],
    } },
    { referenceId: 'growth', content: {
      name: 'Nue Growth Bundle', sku: 'NUE-GROWTH', recordType: 'Bundle', configurable: true, productType: 'Subscription', priceModel: 'Recurring',
      status: 'Active', description: 'The platform with storage, onboarding and keys', uomId: uom.userMonth,
      defaultSubscriptionTerm: 12, defaultRenewalTerm: 12, autoRenew: true, billingPeriod: 'Month',
      priceBookEntries: [entry(uom.userMonth!, '29.00')],
      productFeatures: [{
        name: 'Add-ons', featureName: 'Add-ons', featureOrder: 1, minOptions: 1, maxOptions: 3,
        productOptions: [
          { name: 'Onboarding (included)', optionProductId: '@{onboarding}', optionOrder: 1, required: true, bundled: true, defaultQuantity: 4, includedQuantity: 4, minQuantity: 4, maxQuantity: 4, quantityEditable: false },
          { name: 'Extra Storage', optionProductId: '@{storage}', optionOrder: 2, independentPricing: true, defaultQuantity: 100, minQuantity: 0, maxQuantity: 10000 },
          { name: 'Security Keys', optionProductId: '@{token}', optionOrder: 3, independentPricing: true, defaultQuantity: 0, minQuantity: 0, maxQuantity: 500 },
        ],
      }],
    } },
  ] });
  const ids = Object.fromEntries(products.filter((p) => p.referenceId).map((p) => [p.referenceId!, p.id]));
  const [suite] = await catalog.composite(ctx, 'BundleSuiteList', { persistentObjects: [{ content: {
    name: 'Pricing page', status: 'Active', priceBookId: book!.id, uomId: uom.userMonth,
    bundles: [{ name: 'Platform', productId: ids.platform, sortOrder: 1 }, { name: 'Growth', productId: ids.growth, sortOrder: 2, popular: true }],
  } }] });

  await publishing.setSelfService(ctx, book!.id, true);
  await publishing.publish(ctx, 'PriceDimension', tag!.id);
  for (const key of ['platform', 'storage', 'token', 'onboarding', 'growth']) await publishing.publish(ctx, 'Product', ids[key]!);
  await publishing.publish(ctx, 'BundleSuite', suite!.id);
  return { loaded: true, products: 5 };
}
