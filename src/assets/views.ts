import { Dec, roundMoney } from '../core/money.js';
import type { VersionWithFigures } from './store.js';
import { statusOn } from './model.js';

// Versions as the API shows them: subscriptions, assets and entitlements keep the seed's names
// (and its casing differences: totalTCV on subscriptions, totalTcv on assets).
const n = (v: string | null) => (v === null ? null : Number(v));

/** Figures read at query time from the version in force today. */
export function todayFigures(r: VersionWithFigures) {
  if (r.todayQuantity === null) return { todaysQuantity: 0, todayCMRR: 0, todayARR: 0 };
  const chargeable = Dec.max(0, new Dec(r.todayQuantity).minus(r.todayIncluded ?? 0));
  const cmrr = r.todayPriceModel === 'Recurring' ? roundMoney(new Dec(r.todayMonthly ?? 0).times(chargeable), r.currency) : new Dec(0);
  return { todaysQuantity: Number(r.todayQuantity), todayCMRR: cmrr.toNumber(), todayARR: cmrr.times(12).toNumber() };
}

function common(r: VersionWithFigures, today: string) {
  return {
    id: r.id, status: statusOn(r, r.latestId === r.id, today), customerId: r.customerId, productId: r.productId, productName: r.productName,
    priceBookId: r.priceBookId, priceBookEntryId: r.priceBookEntryId, uomId: r.uomId, orderId: r.orderId, orderProductId: r.orderProductId,
    parentId: r.parentId, rootId: r.rootId, bundled: r.bundled, isLatest: r.latestId === r.id,
    quantity: Number(r.quantity), includedUnits: Number(r.includedUnits), priceModel: r.priceModel,
    listPrice: Number(r.listPrice), salesPrice: Number(r.salesPrice), netSalesPrice: Number(r.netSalesPrice),
    totalPrice: Number(r.totalPrice), taxAmount: Number(r.taxAmount), totalAmount: Number(r.totalAmount), tcv: Number(r.tcv),
    billingPeriod: r.billingPeriod, billingTiming: r.billingTiming, billCycleDay: r.billCycleDay, billCycleStartMonth: r.billCycleStartMonth,
    currencyIsoCode: r.currency, effectiveFrom: r.effectiveFrom, effectiveTo: r.effectiveTo, cancellationDate: r.cancellationDate,
    description: r.description, externalId: null, customFields: r.customFields, createdDate: r.createdAt.toISOString(),
    ...todayFigures(r),
  };
}

export function toSubscriptionView(r: VersionWithFigures, today: string) {
  return {
    ...common(r, today),
    name: r.assetNumber, subscriptionVersion: r.version, subscriptionCompositeId: `${r.assetNumber}_${r.version}`,
    parentObjectType: 'Subscription', subscriptionLevel: r.level,
    originalSubscriptionId: r.originalId, originalSubscriptionNumber: r.assetNumber,
    lastVersionedSubscriptionId: r.lastVersionedId, latestVersionedSubscriptionId: r.latestId,
    subscriptionTerm: r.term, actualSubscriptionTerm: r.term, termDimension: r.termDimension,
    subscriptionStartDate: r.startDate, subscriptionEndDate: r.endDate, freeTrialEndDate: r.freeTrialEndDate ?? null,
    evergreen: r.evergreen, autoRenew: r.autoRenew, renewalTerm: r.renewalTerm,
    totalTCV: n(r.totalTCV), totalACV: n(r.totalACV),
  };
}

export function toAssetView(r: VersionWithFigures, today: string) {
  return {
    ...common(r, today),
    name: r.assetNumber, assetNumber: r.assetNumber, assetVersion: r.version, assetCompositeId: `${r.assetNumber}_${r.version}`,
    assetLevel: r.level, originalAssetId: r.originalId, lastVersionedAssetId: r.lastVersionedId, latestVersionedAssetId: r.latestId,
    startDate: r.startDate, endDate: r.endDate, purchaseDate: r.startDate, installDate: null, price: Number(r.netSalesPrice),
    totalTcv: n(r.totalTCV), totalAcv: n(r.totalACV),
  };
}

export function toEntitlementView(r: VersionWithFigures, today: string) {
  return {
    ...common(r, today),
    name: r.assetNumber, entitlementNumber: r.assetNumber, entitlementVersion: r.version, entitlementCompositeId: `${r.assetNumber}_${r.version}`,
    entitlementLevel: r.level, originalEntitlementId: r.originalId, lastVersionedEntitlementId: r.lastVersionedId, latestVersionedEntitlementId: r.latestId,
    startDate: r.startDate, endDate: r.endDate, termDimension: r.termDimension, term: r.term,
    totalTcv: n(r.totalTCV), totalAcv: n(r.totalACV),
  };
}
