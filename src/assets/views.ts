import { Dec, roundMoney } from '../core/money.js';
import type { VersionWithFigures } from './store.js';

// Versions as the API shows them: subscriptions, assets and entitlements keep the seed's names
// (and its casing differences: totalTCV on subscriptions, totalTcv on assets).
const n = (v: string | null) => (v === null ? null : Number(v));

/** Figures read at query time from the version in force today. */
export function todayFigures(r: VersionWithFigures) {
  if (r.today_quantity === null) return { todaysQuantity: 0, todayCMRR: 0, todayARR: 0 };
  const chargeable = Dec.max(0, new Dec(r.today_quantity).minus(r.today_included ?? 0));
  const cmrr = r.today_price_model === 'Recurring' ? roundMoney(new Dec(r.today_monthly ?? 0).times(chargeable), r.currency_iso_code) : new Dec(0);
  return { todaysQuantity: Number(r.today_quantity), todayCMRR: cmrr.toNumber(), todayARR: cmrr.times(12).toNumber() };
}

function common(r: VersionWithFigures) {
  return {
    id: r.id, status: r.status, customerId: r.customer_id, productId: r.product_id, productName: r.product_name,
    priceBookId: r.price_book_id, priceBookEntryId: r.price_book_entry_id, uomId: r.uom_id, orderId: r.order_id, orderProductId: r.order_product_id,
    parentId: r.parent_id, rootId: r.root_id, bundled: r.bundled, isLatest: r.latest_id === r.id,
    quantity: Number(r.quantity), includedUnits: Number(r.included_units), priceModel: r.price_model,
    listPrice: Number(r.list_price), salesPrice: Number(r.sales_price), netSalesPrice: Number(r.net_sales_price),
    totalPrice: Number(r.total_price), taxAmount: Number(r.tax_amount), totalAmount: Number(r.total_amount), tcv: Number(r.tcv),
    billingPeriod: r.billing_period, billingTiming: r.billing_timing, billCycleDay: r.bill_cycle_day, billCycleStartMonth: r.bill_cycle_start_month,
    currencyIsoCode: r.currency_iso_code, effectiveFrom: r.effective_from, effectiveTo: r.effective_to, cancellationDate: r.cancellation_date,
    description: r.description, externalId: null, customFields: r.custom_fields, createdDate: r.created_at.toISOString(),
    ...todayFigures(r),
  };
}

export function toSubscriptionView(r: VersionWithFigures) {
  return {
    ...common(r),
    name: r.asset_number, subscriptionVersion: r.version, subscriptionCompositeId: `${r.asset_number}_${r.version}`,
    parentObjectType: 'Subscription', subscriptionLevel: r.level,
    originalSubscriptionId: r.original_id, originalSubscriptionNumber: r.asset_number,
    lastVersionedSubscriptionId: r.last_versioned_id, latestVersionedSubscriptionId: r.latest_id,
    subscriptionTerm: r.term, actualSubscriptionTerm: r.term, termDimension: r.term_dimension,
    subscriptionStartDate: r.start_date, subscriptionEndDate: r.end_date, freeTrialEndDate: r.free_trial_end_date ?? null,
    evergreen: r.evergreen, autoRenew: r.auto_renew, renewalTerm: r.renewal_term,
    totalTCV: n(r.total_tcv), totalACV: n(r.total_acv),
  };
}

export function toAssetView(r: VersionWithFigures) {
  return {
    ...common(r),
    name: r.asset_number, assetNumber: r.asset_number, assetVersion: r.version, assetCompositeId: `${r.asset_number}_${r.version}`,
    assetLevel: r.level, originalAssetId: r.original_id, lastVersionedAssetId: r.last_versioned_id, latestVersionedAssetId: r.latest_id,
    startDate: r.start_date, endDate: r.end_date, purchaseDate: r.start_date, installDate: null, price: Number(r.net_sales_price),
    totalTcv: n(r.total_tcv), totalAcv: n(r.total_acv),
  };
}

export function toEntitlementView(r: VersionWithFigures) {
  return {
    ...common(r),
    name: r.asset_number, entitlementNumber: r.asset_number, entitlementVersion: r.version, entitlementCompositeId: `${r.asset_number}_${r.version}`,
    entitlementLevel: r.level, originalEntitlementId: r.original_id, lastVersionedEntitlementId: r.last_versioned_id, latestVersionedEntitlementId: r.latest_id,
    startDate: r.start_date, endDate: r.end_date, termDimension: r.term_dimension, term: r.term,
    totalTcv: n(r.total_tcv), totalAcv: n(r.total_acv),
  };
}
