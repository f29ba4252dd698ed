import { Type, type TSchema } from 'typebox';
import { CustomFields, DateString, DateTime, Money, Nullable, Quantity, StringEnum, Uuid } from '../http/schemas.js';

// Subscriptions, assets and entitlements as views.ts shows them (one version each, with the figures
// read at query time), and the PATCH body of a subscription. The seed's casing differences stay:
// totalTCV on subscriptions, totalTcv on assets and entitlements.

const Str = Type.String();
/** A date Keel derives (a term's end, its day after): it may fall past the last business date a request takes (2199-12-31). */
const Int = Type.Integer();

/** What every kind's version shows (views.ts `common`). */
const common = {
  id: Type.String({ format: 'uuid', description: 'This version\'s id' }),
  status: StringEnum(['Active', 'Canceled', 'Superseded', 'Expired'], { description: 'As stored (Superseded: a future version a later change order re-derived); Expired: a latest version that ended before today and was not renewed' }),
  customerId: Uuid, productId: Uuid, productName: Nullable(Str), priceBookId: Nullable(Uuid), priceBookEntryId: Nullable(Uuid), uomId: Nullable(Uuid),
  orderId: Type.String({ format: 'uuid', description: 'The order (or change order) that wrote this version' }),
  orderProductId: Type.String({ format: 'uuid', description: 'The order line that wrote it (a change order\'s SummaryItem)' }),
  parentId: Nullable(Type.String({ format: 'uuid', description: 'The parent\'s version-1 id (a bundle\'s option)' })),
  rootId: Uuid, bundled: Type.Boolean(),
  isLatest: Type.Boolean({ description: 'Whether this is its number\'s latest version' }),
  quantity: Quantity, includedUnits: Quantity, priceModel: Type.String({ description: 'Recurring, One-Time or Usage' }),
  listPrice: Money, salesPrice: Money, netSalesPrice: Money, totalPrice: Money, taxAmount: Money, totalAmount: Money,
  tcv: Type.Number({ description: 'This version\'s own contract value' }),
  billingPeriod: Nullable(Str), billingTiming: Nullable(Str), billCycleDay: Nullable(Int), billCycleStartMonth: Nullable(Int),
  currencyIsoCode: Str, effectiveFrom: DateString, effectiveTo: Nullable(DateString), cancellationDate: Nullable(DateString),
  description: Nullable(Str), externalId: Type.Null(), customFields: CustomFields, createdDate: DateTime,
  todaysQuantity: Type.Number({ description: 'The quantity of the version in force today (0 when none is)' }),
  todayCMRR: Type.Number({ description: 'Today\'s monthly recurring revenue: the monthly net price × chargeable units of the version in force today' }),
  todayARR: Type.Number({ description: 'todayCMRR × 12' }),
};
const total = (name: string) => Type.Number({ description: `Σ delta ${name} of the versions up to this one` });

export const SubscriptionSchema = Type.Object({
  ...common,
  name: Type.String({ description: 'The subscription number, e.g. SUB-000001' }), subscriptionVersion: Int,
  subscriptionCompositeId: Type.String({ description: '<number>_<version>, e.g. SUB-000001_2' }),
  parentObjectType: StringEnum(['Subscription']), subscriptionLevel: Int,
  originalSubscriptionId: Type.String({ format: 'uuid', description: 'Version 1\'s id' }), originalSubscriptionNumber: Str,
  lastVersionedSubscriptionId: Nullable(Type.String({ format: 'uuid', description: 'The previous version\'s id' })),
  latestVersionedSubscriptionId: Type.String({ format: 'uuid', description: 'The latest version\'s id' }),
  subscriptionTerm: Nullable(Int), actualSubscriptionTerm: Nullable(Int), termDimension: Nullable(Str),
  subscriptionStartDate: DateString, subscriptionEndDate: Nullable(DateString), freeTrialEndDate: Nullable(DateString),
  evergreen: Type.Boolean(), autoRenew: Type.Boolean(), renewalTerm: Nullable(Int),
  totalTCV: total('TCV'), totalACV: total('ACV'),
}, { $id: 'Subscription', additionalProperties: false, description: 'One version of a subscription (a product of type Subscription)' });

export const AssetSchema = Type.Object({
  ...common,
  name: Type.String({ description: 'The asset number, e.g. AST-000001' }), assetNumber: Str, assetVersion: Int, assetCompositeId: Str,
  assetLevel: Int, originalAssetId: Uuid, lastVersionedAssetId: Nullable(Uuid), latestVersionedAssetId: Uuid,
  startDate: DateString, endDate: Nullable(DateString), purchaseDate: DateString, installDate: Type.Null(),
  price: Type.Number({ description: 'The net sales price' }), totalTcv: total('TCV'), totalAcv: total('ACV'),
}, { $id: 'Asset', additionalProperties: false, description: 'One version of an asset (a product of type Physical Good)' });

export const EntitlementSchema = Type.Object({
  ...common,
  name: Type.String({ description: 'The entitlement number, e.g. ENT-000001' }), entitlementNumber: Str, entitlementVersion: Int, entitlementCompositeId: Str,
  entitlementLevel: Int, originalEntitlementId: Uuid, lastVersionedEntitlementId: Nullable(Uuid), latestVersionedEntitlementId: Uuid,
  startDate: DateString, endDate: Nullable(DateString), termDimension: Nullable(Str), term: Nullable(Int),
  totalTcv: total('TCV'), totalAcv: total('ACV'),
}, { $id: 'Entitlement', additionalProperties: false, description: 'One version of an entitlement (a product of type Service)' });

/** PATCH /orders/subscriptions/{id}: descriptive fields only (the service refuses any other, READ_ONLY_FIELD). */
export const PatchSubscriptionBody = Type.Object({
  description: Type.Optional(Nullable(Type.String({ description: 'null clears it' }))),
  customFields: Type.Optional(Type.Record(Type.String(), Type.Unknown(), { description: 'Merged into the stored custom fields' })),
}, {
  additionalProperties: true,
  description: 'Descriptive fields of the version; quantity, price and dates change through change orders (any other field is a 400 READ_ONLY_FIELD)',
  example: { description: 'Platform seats for the EMEA team' },
});

export const assetSchemas: TSchema[] = [SubscriptionSchema, AssetSchema, EntitlementSchema];
