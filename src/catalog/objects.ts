import { bool, en, f, int, num, ref as refTo, str, type FieldDef, type ObjectDef } from '../metadata/fields.js';

// The catalog's object registry: every object the generic API (`/objects/{objectName}`) serves,
// with its table, its fields and its nested children (see src/metadata/fields.ts). The migration
// 0004_catalog.sql creates exactly these columns (a test compares them).

export type { FieldDef, ObjectDef } from '../metadata/fields.js';

export const OBJECT_NAMES = [
  'Uom', 'PriceBook', 'Product', 'Feature', 'ProductFeature', 'ProductOption', 'PriceBookEntry',
  'PriceDimension', 'PriceTier', 'ProductPriceDimension', 'ProductOptionPriceDimension', 'FeaturePriceDimension',
  'CreditType', 'CreditPool', 'CreditConversion', 'BundleSuite', 'BundleSuiteBundle',
] as const;
export type ObjectName = (typeof OBJECT_NAMES)[number];

export const BILLING_TIMING = en('billingTiming', ['InAdvance', 'InArrears'], {
  aliases: { 'In Advance': 'InAdvance', 'In Arrears': 'InArrears' }, caseInsensitive: true,
});
const ref = (name: string, to: ObjectName, opts: Parameters<typeof refTo>[2] = {}) => refTo(name, to, opts);
const ROUNDING = en('roundingMode', ['Up', 'Down'], { default: 'Up' });
const PUBLISH = [
  en('publishStatus', ['Unpublished', 'Published', 'Outdated'], { readOnly: true, default: 'Unpublished' }),
  str('lastPublishedById', { readOnly: true }),
  f('lastPublishedDate', 'datetime', { readOnly: true }),
];
const PRICING_ATTRIBUTES = Array.from({ length: 10 }, (_, i) => str(`pricingAttribute_${i + 1}`, { column: `pricing_attribute_${i + 1}` }));
const tagLink = (owner: string, ownerRef: ObjectName): FieldDef[] => [
  str('name'), int('serialNumber', { required: true, min: 0 }), bool('active', true),
  ref(owner, ownerRef, { required: true, onDelete: 'cascade' }), ref('priceTagId', 'PriceDimension', { required: true }),
];

// `satisfies` keeps each definition's table, so the row store answers with that table's rows.
export const OBJECTS = {
  Uom: {
    name: 'Uom', table: 'catalog_uoms',
    fields: [
      str('name', { required: true }), str('quantityDimension', { required: true }),
      en('termDimension', ['Month', 'Year', 'Week', 'Day']), int('decimalScale', { default: 0, min: 0, max: 9 }), ROUNDING, str('unitCode'),
    ],
  },
  PriceBook: {
    name: 'PriceBook', table: 'catalog_price_books',
    fields: [
      str('name', { required: true }), f('description', 'text'), bool('standard', false), bool('active', true), bool('archived', false),
      bool('selfServiceEnabled', false), f('priceAttributes', 'json'),
    ],
  },
  Product: {
    name: 'Product', table: 'catalog_products',
    fields: [
      str('name', { required: true }), str('sku', { required: true }),
      en('recordType', ['Product', 'Service', 'Bundle'], { default: 'Product' }),
      en('productType', ['Subscription', 'Physical Good', 'Service'], { aliases: { PhysicalGood: 'Physical Good', Asset: 'Physical Good', Entitlement: 'Service' }, caseInsensitive: true }),
      bool('configurable', false), bool('soldIndependently', true),
      en('status', ['Draft', 'Active', 'Inactive'], { default: 'Draft' }), bool('bundleTemplate', false), f('description', 'text'), f('longDescription', 'text'),
      en('priceModel', ['Recurring', 'One-Time', 'Usage'], { default: 'Recurring', caseInsensitive: true, aliases: { OneTime: 'One-Time' } }),
      f('startDate', 'date'), f('endDate', 'date'), int('freeTrialUnit', { min: 0 }), en('freeTrialType', ['Days', 'Months']),
      str('productCategory'), bool('autoRenew', false), int('defaultRenewalTerm', { min: 0 }), int('defaultSubscriptionTerm', { min: 0 }),
      BILLING_TIMING, en('billingPeriod', ['Month', 'Quarter', 'Semi-Annual', 'Annual']), bool('showIncludedProductOptions', false),
      ...PUBLISH,
      str('taxCode'), en('taxMode', ['Exclusive', 'Inclusive'], { default: 'Exclusive' }), str('taxCategory'), str('productCode'),
      ref('referenceProductId', 'Product'), ref('uomId', 'Uom'), ref('priceBookId', 'PriceBook'), str('imageUrl'), bool('evergreen', false),
      str('carvesLiabilitySegment'), str('carvesRevenueSegment'), str('contractLiabilitySegment'), str('contractRevenueSegment'),
      bool('carvesEligible', false), ref('creditConversionId', 'CreditConversion'), str('revenueRuleExternalId'),
      // usage terms (shared/design/usage.md "Vocabulary"), beyond the seed
      en('usageAggregation', ['Sum', 'Count', 'Max', 'UniqueCount', 'Latest', 'WeightedSum'], { default: 'Sum' }), str('aggregationProperty'),
      bool('prorateIncludedUnits', true), en('creditOverage', ['Bill', 'Block'], { default: 'Bill' }),
    ],
    children: [
      { key: 'priceBookEntries', object: 'PriceBookEntry', parentField: 'productId' },
      { key: 'productFeatures', object: 'ProductFeature', parentField: 'configuredProductId' },
      { key: 'productOptions', object: 'ProductOption', parentField: 'configuredProductId' },
      { key: 'productPriceTags', object: 'ProductPriceDimension', parentField: 'productId' },
    ],
  },
  Feature: {
    name: 'Feature', table: 'catalog_features',
    fields: [str('name', { required: true }), f('description', 'text'), en('status', ['Draft', 'Active', 'Inactive'], { default: 'Active' })],
    children: [{ key: 'featurePriceTags', object: 'FeaturePriceDimension', parentField: 'featureId' }],
  },
  ProductFeature: {
    name: 'ProductFeature', table: 'catalog_product_features',
    fields: [
      str('name', { required: true }), int('featureOrder', { min: 0 }), int('minOptions', { min: 0 }), int('maxOptions', { min: 0 }),
      str('featureName'), f('featureDescription', 'text'), ref('featureId', 'Feature'), ref('configuredProductId', 'Product', { required: true, onDelete: 'cascade' }),
    ],
    children: [{ key: 'productOptions', object: 'ProductOption', parentField: 'productFeatureId', inherit: [['configuredProductId', 'configuredProductId']] }],
  },
  ProductOption: {
    name: 'ProductOption', table: 'catalog_product_options',
    fields: [
      str('name'), str('optionName'), int('optionOrder', { min: 0 }), str('optionType'),
      num('defaultQuantity', { default: 1, min: 0 }), num('includedQuantity', { default: 0, min: 0 }), num('minQuantity', { default: 0, min: 0 }), num('maxQuantity', { min: 0 }),
      bool('quantityEditable', true), bool('required', false), bool('bundled', false), bool('recommended', false), bool('independentPricing', false),
      ref('optionProductId', 'Product', { required: true }), ref('configuredProductId', 'Product', { required: true, onDelete: 'cascade' }),
      ref('productFeatureId', 'ProductFeature', { onDelete: 'cascade' }), ref('priceBookEntryId', 'PriceBookEntry'), str('defaultQuantityMode'),
    ],
    children: [{ key: 'productOptionPriceTags', object: 'ProductOptionPriceDimension', parentField: 'productOptionId' }],
  },
  PriceBookEntry: {
    name: 'PriceBookEntry', table: 'catalog_price_book_entries',
    fields: [
      num('listPrice', { required: true, min: 0 }), bool('active', true), str('currencyIsoCode', { required: true }), bool('recommended', false), BILLING_TIMING,
      ref('uomId', 'Uom', { required: true }), ref('priceBookId', 'PriceBook', { required: true }), ref('productId', 'Product', { required: true }),
      ...PRICING_ATTRIBUTES,
    ],
  },
  PriceDimension: {
    name: 'PriceDimension', table: 'catalog_price_dimensions',
    fields: [
      str('name', { required: true }), f('description', 'text'), str('code', { required: true }),
      en('recordType', ['PriceDimension', 'DiscountDimension'], { default: 'PriceDimension', aliases: { PriceTag: 'PriceDimension', DiscountTag: 'DiscountDimension' } }),
      en('priceTagType', ['Quantity', 'Term'], { default: 'Quantity' }), en('priceType', ['Volume', 'Tiered'], { default: 'Volume' }),
      f('startTime', 'datetime'), f('endTime', 'datetime'), bool('active', true), str('objectId'), str('objectType'), str('uomDimension'),
      ref('priceBookId', 'PriceBook'), ref('uomId', 'Uom'), ...PUBLISH,
    ],
    children: [{ key: 'priceTiers', object: 'PriceTier', parentField: 'priceDimensionId' }],
  },
  PriceTier: {
    name: 'PriceTier', table: 'catalog_price_tiers',
    fields: [
      str('name'), int('tierNumber', { min: 0 }), num('startUnit', { required: true, min: 0 }), num('endUnit', { min: 0 }),
      str('startUnitDimension'), str('endUnitDimension'), num('amount', { min: 0 }), num('discountPercentage', { min: 0, max: 100 }),
      en('chargeModel', ['PerUnit', 'FlatFee'], { default: 'PerUnit', aliases: { 'Per Unit': 'PerUnit', 'Flat Fee': 'FlatFee' } }),
      ref('priceDimensionId', 'PriceDimension', { required: true, onDelete: 'cascade' }),
    ],
  },
  ProductPriceDimension: {
    name: 'ProductPriceDimension', table: 'catalog_product_price_tags',
    fields: [...tagLink('productId', 'Product'), ref('priceBookEntryId', 'PriceBookEntry')],
  },
  ProductOptionPriceDimension: { name: 'ProductOptionPriceDimension', table: 'catalog_option_price_tags', fields: tagLink('productOptionId', 'ProductOption') },
  FeaturePriceDimension: { name: 'FeaturePriceDimension', table: 'catalog_feature_price_tags', fields: tagLink('featureId', 'Feature') },
  CreditType: {
    name: 'CreditType', table: 'catalog_credit_types',
    fields: [str('name', { required: true }), f('description', 'text'), bool('active', true)],
  },
  CreditPool: {
    name: 'CreditPool', table: 'catalog_credit_pools',
    fields: [str('name', { required: true }), f('description', 'text'), ref('creditTypeId', 'CreditType', { required: true })],
  },
  CreditConversion: {
    name: 'CreditConversion', table: 'catalog_credit_conversions',
    fields: [
      str('name', { required: true }), ref('creditTypeId', 'CreditType', { required: true }), str('uomQuantityDimension'),
      num('uomQuantity', { required: true, min: 0 }), num('creditQuantity', { required: true, min: 0 }), num('conversionRate', { min: 0 }),
      int('decimalScale', { default: 0, min: 0, max: 9 }), ROUNDING,
    ],
  },
  BundleSuite: {
    name: 'BundleSuite', table: 'catalog_bundle_suites',
    fields: [
      str('name', { required: true }), en('status', ['Draft', 'Active', 'Inactive'], { default: 'Draft' }), f('startDate', 'date'), f('endDate', 'date'),
      ...PUBLISH, ref('priceBookId', 'PriceBook'), ref('uomId', 'Uom'),
    ],
    children: [{ key: 'bundles', object: 'BundleSuiteBundle', parentField: 'bundleSuiteId' }],
  },
  BundleSuiteBundle: {
    name: 'BundleSuiteBundle', table: 'catalog_bundle_suite_bundles',
    fields: [str('name'), bool('popular', false), int('sortOrder', { min: 0 }), ref('bundleSuiteId', 'BundleSuite', { required: true, onDelete: 'cascade' }), ref('productId', 'Product', { required: true })],
  },
} satisfies Record<ObjectName, ObjectDef>;

export function isObjectName(v: string): v is ObjectName {
  return (OBJECT_NAMES as readonly string[]).includes(v);
}
