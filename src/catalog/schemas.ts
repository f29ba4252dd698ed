import { Type, type TSchema } from 'typebox';
import { CustomFields, DateTime, Nullable, StringEnum, Uuid } from '../http/schemas.js';
import type { FieldDef, ObjectDef } from '../metadata/fields.js';
import { answerFieldSchema } from '../metadata/schemas.js';
import { OBJECTS, OBJECT_NAMES, type ObjectName } from './objects.js';

// The catalog's requests and answers, as the OpenAPI document shows them (and the test suite checks
// every answer against: src/http/validation.ts `serializerCompiler`). Both are built from the
// registry (objects.ts), so a field added there is documented and checked without an edit here.
// `/objects/{objectName}` is one route for every object: its answer is one of the records below,
// its body one of the inputs. Requests are typed only: the service checks each field (and refuses
// unknown and read-only ones), naming it, which a schema over every object at once could not.

/** What a field means, where its name does not say it (`Object.field` or `field`). */
const DESCRIPTIONS: Record<string, string> = {
  'Uom.quantityDimension': 'What is counted, e.g. User',
  'Uom.termDimension': 'The term a quantity is sold for, e.g. Month; none: not a term unit',
  'Uom.decimalScale': 'Decimal places a quantity may have',
  'PriceBook.standard': 'The default price book',
  'PriceBook.selfServiceEnabled': 'Its entries are shown to self-service (set by :enableSelfService)',
  'PriceBook.priceAttributes': 'Pricing attribute names, e.g. ["Currency"]',
  'Product.sku': 'Unique per tenant',
  'Product.recordType': 'Bundle: configurable with features and options',
  'Product.productType': 'What an order line becomes: a subscription, an asset (Physical Good) or an entitlement (Service); defaults from recordType',
  'Product.status': 'Only Active products can be ordered and published',
  'Product.referenceProductId': 'A bundle whose options this one inherits',
  'Product.uomId': 'The default UOM',
  'Product.priceBookId': 'The default price book',
  'ProductOption.optionProductId': 'The product the option adds',
  'ProductOption.configuredProductId': 'The bundle the option belongs to',
  'ProductOption.independentPricing': 'Priced by its own entry, not included in the bundle price',
  'ProductFeature.configuredProductId': 'The bundle the feature belongs to',
  'PriceBookEntry.listPrice': 'The list price per unit (per UOM and term)',
  'PriceBookEntry.currencyIsoCode': 'ISO 4217, e.g. USD',
  'PriceDimension.code': 'Unique per tenant: self-service looks tags up by it',
  'PriceDimension.recordType': 'PriceDimension sets the price; DiscountDimension discounts it (tiers carry discountPercentage)',
  'PriceTier.startUnit': 'Tiers tile the units: the first starts at 0, each where the previous ends',
  'PriceTier.endUnit': 'null: open-ended (the last tier only)',
  'PriceTier.discountPercentage': 'A discount tag\'s tier: 0–100',
  serialNumber: 'The order tags apply in',
  publishStatus: 'Set by Keel: Published by :publish, Outdated once anything in the published tree changes',
  lastPublishedById: 'Set by Keel: the credential that published it',
  lastPublishedDate: 'Set by Keel',
};
const describe = (def: ObjectDef, fd: FieldDef, extra?: string) => {
  const d = [DESCRIPTIONS[`${def.name}.${fd.name}`] ?? DESCRIPTIONS[fd.name], extra].filter(Boolean).join('. ');
  return d ? { description: d } : {};
};
/** A field always has a value when it is required or has a default (the migration says NOT NULL: test/catalog/registry.test.ts). */
const alwaysSet = (fd: FieldDef) => fd.required === true || fd.default !== undefined;

// --- answers ---------------------------------------------------------------------------------

/** The properties of a stored record: id, every field of the registry, custom fields, timestamps. */
function recordProps(name: ObjectName): Record<string, TSchema> {
  const def = OBJECTS[name] as ObjectDef;
  return {
    id: Uuid,
    ...Object.fromEntries(def.fields.map((fd) => [fd.name, answerFieldSchema(fd, describe(def, fd).description)])),
    customFields: CustomFields, createdDate: DateTime, lastModifiedDate: DateTime,
  };
}

const WHAT: Record<ObjectName, string> = {
  Uom: 'A unit of measure', PriceBook: 'A price book', Product: 'A product, service or bundle', Feature: 'A feature (shared by bundles)',
  ProductFeature: 'A feature group of a bundle', ProductOption: 'An option of a bundle', PriceBookEntry: 'A list price of a product in a price book, per UOM and currency',
  PriceDimension: 'A price tag or discount tag', PriceTier: 'A tier of a price tag', ProductPriceDimension: 'A product\'s link to a price tag',
  ProductOptionPriceDimension: 'An option\'s link to a price tag', FeaturePriceDimension: 'A feature\'s link to a price tag',
  CreditType: 'A credit type', CreditPool: 'A credit pool', CreditConversion: 'A conversion of usage into credits',
  BundleSuite: 'A bundle suite (a pricing page of bundles)', BundleSuiteBundle: 'A bundle of a bundle suite',
};
const closed = { additionalProperties: false } as const;

/** Every object as `/objects/{objectName}` stores and answers it: $id = objectName. */
const RECORDS = OBJECT_NAMES.map((name) => Type.Object(recordProps(name), { $id: name, ...closed, description: `${WHAT[name]}, as stored (GET /objects/${name}/{id})` }));

export const CatalogObjectSchema = Type.Union(OBJECT_NAMES.map((name) => Type.Ref(name)), {
  $id: 'CatalogObject', description: 'A record of the object the path names (objectName = the schema\'s name)',
});
export const CatalogObjectPageSchema = Type.Object({
  records: Type.Array(Type.Ref('CatalogObject')),
  nextCursor: Nullable(Type.String({ format: 'uuid', description: 'The cursor of the next page; null on the last' })),
}, { $id: 'CatalogObjectPage', ...closed, description: 'A page of objects in id order' });
export const ObjectsDeletedSchema = Type.Object({ deleted: Type.Array(Uuid, { description: 'The ids deleted, in request order' }) }, { $id: 'ObjectsDeleted', ...closed, description: 'What a delete removed' });
export const CompositePersistentObjectResponseSchema = Type.Object({
  id: Uuid,
  referenceId: Nullable(Type.String({ description: 'The request\'s referenceId for the object, if it gave one' })),
  _action: StringEnum(['Create', 'Patch', 'Update', 'Delete', 'None']),
}, { $id: 'CompositePersistentObjectResponse', ...closed, description: 'One object of a composite call (nested children included), in request order' });

// Trees (src/catalog/tree.ts): a record with its children, as publishing snapshots them and self-service reads them.
export const PriceTagSchema = Type.Object({ ...recordProps('PriceDimension'), priceTiers: Type.Array(Type.Ref('PriceTier'), { description: 'By startUnit' }) }, {
  $id: 'PriceTag', ...closed, description: 'A price tag or discount tag (PriceDimension) with its tiers',
});
const tagLink = (name: ObjectName, $id: string) => Type.Object({ ...recordProps(name), priceTag: Type.Ref('PriceTag') }, { $id, ...closed, description: `${WHAT[name]}, with the tag` });
export const ProductPriceTagLinkSchema = tagLink('ProductPriceDimension', 'ProductPriceTagLink');
export const ProductOptionPriceTagLinkSchema = tagLink('ProductOptionPriceDimension', 'ProductOptionPriceTagLink');
export const FeaturePriceTagLinkSchema = tagLink('FeaturePriceDimension', 'FeaturePriceTagLink');
export const PriceBookEntryWithUomSchema = Type.Object({ ...recordProps('PriceBookEntry'), uom: Nullable(Type.Ref('Uom')) }, {
  $id: 'PriceBookEntryWithUom', ...closed, description: 'A price book entry with its UOM',
});
const entries = Type.Array(Type.Ref('PriceBookEntryWithUom'), { description: 'Its price book entries (published: active ones of self-service price books only)' });
export const OptionProductSchema = Type.Object({ ...recordProps('Product'), priceBookEntries: entries }, {
  $id: 'OptionProduct', ...closed, description: 'The product an option adds, with its entries',
});
export const BundleOptionSchema = Type.Object({
  ...recordProps('ProductOption'),
  product: Nullable(Type.Ref('OptionProduct')),
  productOptionPriceTags: Type.Array(Type.Ref('ProductOptionPriceTagLink'), { description: 'By serialNumber' }),
}, { $id: 'BundleOption', ...closed, description: 'An option of a bundle with its product and tags' });
export const FeatureWithTagsSchema = Type.Object({ ...recordProps('Feature'), featurePriceTags: Type.Array(Type.Ref('FeaturePriceTagLink'), { description: 'By serialNumber' }) }, {
  $id: 'FeatureWithTags', ...closed, description: 'A feature with its tags',
});
export const BundleFeatureSchema = Type.Object({
  ...recordProps('ProductFeature'),
  feature: Nullable(Type.Ref('FeatureWithTags')),
  productOptions: Type.Array(Type.Ref('BundleOption'), { description: 'By optionOrder' }),
}, { $id: 'BundleFeature', ...closed, description: 'A feature group of a bundle with its options' });
const treeProps = {
  ...recordProps('Product'),
  uom: Nullable(Type.Ref('Uom')),
  priceBookEntries: entries,
  productFeatures: Type.Array(Type.Ref('BundleFeature'), { description: 'By featureOrder' }),
  productOptions: Type.Array(Type.Ref('BundleOption'), { description: 'Options outside any feature, by optionOrder' }),
  productPriceTags: Type.Array(Type.Ref('ProductPriceTagLink'), { description: 'By serialNumber' }),
};
export const ProductTreeSchema = Type.Object(treeProps, {
  $id: 'ProductTree', ...closed, description: 'A product with everything pricing needs: entries with their UOM, features, options with their products, and linked tags with tiers (the seed\'s Product)',
});
export const BundleProductSchema = Type.Object({ ...treeProps, defaultUomId: Nullable(Type.String({ format: 'uuid', description: 'The product\'s uomId' })) }, {
  $id: 'BundleProduct', ...closed, description: 'A bundle\'s definition: its tree, entries narrowed to the priceBookId and uomId asked for; priceBookId is the one asked for',
});
export const SuiteBundleSchema = Type.Object({ ...recordProps('BundleSuiteBundle'), product: Nullable(Type.Ref('ProductTree')) }, {
  $id: 'SuiteBundle', ...closed, description: 'A bundle of a suite with its product tree',
});
export const BundleSuiteTreeSchema = Type.Object({ ...recordProps('BundleSuite'), bundles: Type.Array(Type.Ref('SuiteBundle'), { description: 'By sortOrder' }) }, {
  $id: 'BundleSuiteTree', ...closed, description: 'A bundle suite with its bundles',
});

export const PublishStatusChangeSchema = Type.Object({ id: Uuid, publishStatus: StringEnum(['Unpublished', 'Outdated']) }, {
  $id: 'PublishStatusChange', ...closed, description: 'A source\'s new publish status',
});
export const ProductsRepublishedSchema = Type.Object({
  republished: Type.Array(Uuid, { description: 'Active products whose snapshots were rewritten' }),
  unpublished: Type.Array(Uuid, { description: 'Products no longer Active: their snapshots were removed' }),
  removed: Type.Array(Uuid, { description: 'With removeNonexistent: snapshots of deleted products, removed' }),
}, { $id: 'ProductsRepublished', ...closed, description: 'What :republish did' });
export const PriceBookCopySchema = Type.Object({
  priceBookId: Uuid, fromPriceBookId: Uuid,
  copied: Type.Integer({ description: 'Entries copied' }),
  skipped: Type.Integer({ description: 'Entries the target already had (same product, UOM, currency and pricing attributes)' }),
}, { $id: 'PriceBookCopy', ...closed, description: 'What a price book :copy did' });

// --- requests ----------------------------------------------------------------------------------
// Named ($id) like the answers, so each object's fields are written once in the document. Open:
// unknown and read-only fields are the service's to refuse (UNKNOWN_FIELD, READ_ONLY_FIELD), naming them.

/** A field as a request may send it (src/metadata/validate.ts normalizeValue); null clears one that has no default. */
function requestField(def: ObjectDef, fd: FieldDef, required: boolean): TSchema {
  const range = { ...(fd.min !== undefined && { minimum: fd.min }), ...(fd.max !== undefined && { maximum: fd.max }) };
  const spellings = [...(fd.values ?? []), ...Object.keys(fd.aliases ?? {})];
  const t = fd.type === 'integer' ? Type.Integer({ ...range, ...describe(def, fd) })
    : fd.type === 'decimal' ? Type.Union([Type.Number(range), Type.String({ pattern: '^\\s*-?[0-9]+(\\.[0-9]+)?\\s*$', description: 'e.g. "9.90" (exact)' })], describe(def, fd, 'A number or a decimal string'))
      : fd.type === 'boolean' ? Type.Boolean(describe(def, fd))
        : fd.type === 'date' ? Type.String({ format: 'date', ...describe(def, fd, 'YYYY-MM-DD') })
          : fd.type === 'datetime' ? Type.String({ format: 'date-time', ...describe(def, fd, 'With an offset, e.g. 2026-01-31T10:00:00Z') })
            : fd.type === 'enum' && !fd.caseInsensitive ? StringEnum(spellings, describe(def, fd, fd.aliases ? `Stored as one of ${(fd.values ?? []).join(', ')}` : undefined))
              : fd.type === 'enum' ? Type.String(describe(def, fd, `One of ${(fd.values ?? []).join(', ')}${fd.aliases ? ` (also ${Object.keys(fd.aliases).join(', ')})` : ''}, in any case`))
                : fd.type === 'ref' ? Type.String(describe(def, fd, `The id of a ${fd.ref} (in a composite call also "@{referenceId}")`))
                  : fd.type === 'json' ? Type.Unknown(describe(def, fd))
                    : Type.String({ ...(fd.type === 'string' && { maxLength: 2000 }), ...describe(def, fd) });
  const value = alwaysSet(fd) || fd.type === 'json' ? t : Nullable(t);
  return required ? value : Type.Optional(value);
}

const EXAMPLES: Partial<Record<ObjectName, Record<string, unknown>>> = {
  Uom: { name: 'User/Month', quantityDimension: 'User', termDimension: 'Month', decimalScale: 0, roundingMode: 'Up' },
  PriceBook: { name: 'Standard Price Book', standard: true, active: true },
  Product: {
    name: 'Nue Platform', sku: 'NUE-PLATFORM', recordType: 'Product', productType: 'Subscription', priceModel: 'Recurring', status: 'Active',
    uomId: '5e1f6c7a-0000-4000-8000-000000000001', defaultSubscriptionTerm: 12, billingTiming: 'In Advance', billingPeriod: 'Month',
  },
  PriceBookEntry: {
    productId: '5e1f6c7a-0000-4000-8000-000000000002', priceBookId: '5e1f6c7a-0000-4000-8000-000000000003', uomId: '5e1f6c7a-0000-4000-8000-000000000001',
    currencyIsoCode: 'USD', listPrice: 9.9, billingTiming: 'In Advance',
  },
  PriceDimension: { name: 'Storage volume tiers', code: 'STORAGE-TIERS', recordType: 'PriceDimension', priceTagType: 'Quantity', priceType: 'Tiered' },
  PriceTier: { priceDimensionId: '5e1f6c7a-0000-4000-8000-000000000004', tierNumber: 1, startUnit: 0, endUnit: 100, amount: 0.5, chargeModel: 'PerUnit' },
};
const common = {
  customFields: Type.Optional(Type.Record(Type.String(), Type.Unknown(), { description: 'The tenant\'s custom fields, by API name: merged into the stored ones' })),
  referenceId: Type.Optional(Type.String({ description: 'Composite calls: a temporary id other objects of the call refer to as "@{referenceId}"' })),
};
const writable = (def: ObjectDef) => def.fields.filter((fd) => !fd.readOnly);
const inputOf = (name: ObjectName, mode: 'create' | 'patch') => {
  const def = OBJECTS[name] as ObjectDef;
  return Type.Object({
    ...(mode === 'patch' && { id: Type.Optional(Type.String({ format: 'uuid', description: 'The object to patch: required in a list, the path\'s in PATCH /objects/{objectName}/{id}' })) }),
    ...Object.fromEntries(writable(def).map((fd) => [fd.name, requestField(def, fd, mode === 'create' && fd.required === true)])),
    ...common,
  }, {
    additionalProperties: true, $id: `${name}${mode === 'create' ? 'Input' : 'Patch'}`,
    description: mode === 'create' ? `A new ${name}` : `The ${name} fields to change (null clears one)`,
    ...(mode === 'create' && EXAMPLES[name] && { example: EXAMPLES[name] }),
  });
};

const LIST = 'In a …List call: an array of 1 to 200, or {"objectCollection": [...]} (or {"records": [...]}), all or nothing';
const listOf = (item: TSchema) => Type.Union([
  Type.Array(item),
  Type.Object({ objectCollection: Type.Array(Type.Object({}, { additionalProperties: true }), { description: 'The objects, as in the array form' }) }, { additionalProperties: true }),
], { description: LIST });

// Each union ends in any object: the path, not the body, says which object it is, so the
// schema only documents the objects' fields; the service checks them against the path's object
// (a union failing in some branch would answer a message about another object).
const anyObject = Type.Object({}, { additionalProperties: true, description: 'Checked by the service against the object the path names' });
const INPUTS = OBJECT_NAMES.flatMap((n) => [inputOf(n, 'create'), inputOf(n, 'patch')]);
const CatalogObjectInputSchema = Type.Union([...OBJECT_NAMES.map((n) => Type.Ref(`${n}Input`)), anyObject], { $id: 'CatalogObjectInput', description: 'One object of the type the path names' });
const CatalogObjectPatchSchema = Type.Union([...OBJECT_NAMES.map((n) => Type.Ref(`${n}Patch`)), anyObject], { $id: 'CatalogObjectPatch', description: 'The fields to change of one object of the type the path names' });
const creates = Type.Ref('CatalogObjectInput');
const patches = Type.Ref('CatalogObjectPatch');

/** POST /objects/{objectName} (one object) and /objects/{objectName}List (many). */
export const CreateObjectsBody = Type.Union([creates, listOf(creates)], {
  description: `One {objectName} object, or (…List) many. ${LIST}`, example: EXAMPLES.Product,
});
/** PATCH /objects/{objectName}/{id}. */
export const PatchObjectBody = patches;
/** PATCH /objects/{objectName}List: objects that carry their id. */
export const PatchObjectsBody = listOf(patches);

/** The seed's ProductListRequest (list deletes, list activate and deactivate). */
export const IdListBody = Type.Object({ idList: Type.Array(Type.String({ format: 'uuid' }), { minItems: 1, maxItems: 200, description: '1 to 200 ids' }) }, {
  additionalProperties: true, title: 'ProductListRequest', example: { idList: ['5e1f6c7a-0000-4000-8000-000000000002'] },
});
/** The seed's CopyPriceBookRequest. */
export const CopyPriceBookBody = Type.Object({ fromPriceBookId: Type.String({ description: 'The price book to copy entries from (the path names the target)' }) }, {
  additionalProperties: true, title: 'CopyPriceBookRequest', example: { fromPriceBookId: '5e1f6c7a-0000-4000-8000-000000000003' },
});

// Composite content: an object's fields and, nested under its children's keys, its children,
// each plain or wrapped like a persistent object ({content, referenceId, operation, id}).
function contentOf(name: ObjectName): TSchema {
  const def = OBJECTS[name] as ObjectDef;
  const children = Object.fromEntries((def.children ?? []).map((c) => [c.key, Type.Optional(Type.Array(Type.Ref(`${c.object}Content`), {
    description: `Its ${c.object} objects (${c.parentField} is set to this one), each plain or as {content, referenceId, operation, id}`,
  }))]));
  return Type.Object({
    ...Object.fromEntries(writable(def).map((fd) => [fd.name, requestField(def, fd, false)])),
    ...common, ...children,
  }, { additionalProperties: true, $id: `${name}Content`, description: `A ${name}: its fields (required ones on Create) and its children` });
}
const COMPOSITE_EXAMPLE = { persistentObjects: [{ referenceId: 'growth', operation: 'Create', content: {
  name: 'Nue Growth Bundle', sku: 'NUE-GROWTH', recordType: 'Bundle', configurable: true, status: 'Active', uomId: '5e1f6c7a-0000-4000-8000-000000000001',
  priceBookEntries: [{ priceBookId: '5e1f6c7a-0000-4000-8000-000000000003', uomId: '5e1f6c7a-0000-4000-8000-000000000001', currencyIsoCode: 'USD', listPrice: 29 }],
  productFeatures: [{ name: 'Add-ons', featureOrder: 1, minOptions: 1, maxOptions: 3, productOptions: [{ name: 'Extra Storage', optionProductId: '@{storage}', optionOrder: 1 }] }],
} }, { referenceId: 'storage', content: { name: 'Extra Storage', sku: 'NUE-STORAGE', status: 'Active' } }] };
/** The seed's CompositePersistentObjectCollection. */
export const CompositeBody = Type.Object({
  persistentObjects: Type.Array(Type.Object({
    content: Type.Optional(Type.Union([...OBJECT_NAMES.map((n) => Type.Ref(`${n}Content`)), anyObject], { description: 'The object (of the type the path names); left out for a Delete' })),
    id: Type.Optional(Type.String({ description: 'The object\'s id: required for Patch, Update, Delete and None' })),
    operation: Type.Optional(StringEnum(['Create', 'Patch', 'Update', 'Delete', 'None'], { description: 'Create by default; Update is Patch' })),
    referenceId: Type.Optional(Type.String({ description: 'A temporary id other objects of the call refer to as "@{referenceId}"' })),
  }, { additionalProperties: true, title: 'CompositePersistentObject' }), { minItems: 1, maxItems: 500 }),
}, { additionalProperties: true, title: 'CompositePersistentObjectCollection', example: COMPOSITE_EXAMPLE });

/** Every schema catalog's answers and bodies refer to by $id (registered at the root: src/http/app.ts). */
export const catalogSchemas: TSchema[] = [
  ...INPUTS, CatalogObjectInputSchema, CatalogObjectPatchSchema, ...OBJECT_NAMES.map(contentOf),
  ...RECORDS, CatalogObjectSchema, CatalogObjectPageSchema, ObjectsDeletedSchema, CompositePersistentObjectResponseSchema,
  PriceTagSchema, ProductPriceTagLinkSchema, ProductOptionPriceTagLinkSchema, FeaturePriceTagLinkSchema, PriceBookEntryWithUomSchema,
  OptionProductSchema, BundleOptionSchema, FeatureWithTagsSchema, BundleFeatureSchema, ProductTreeSchema, BundleProductSchema,
  SuiteBundleSchema, BundleSuiteTreeSchema, PublishStatusChangeSchema, ProductsRepublishedSchema, PriceBookCopySchema,
];
