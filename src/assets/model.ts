// Subscriptions, assets and entitlements: one immutable row per version (asset_versions).
export type AssetKind = 'Subscription' | 'Asset' | 'Entitlement';

/** The product's type alone decides what a line becomes (DESIGN "Provisioning"). */
export function kindFor(productType: string): AssetKind {
  if (productType === 'Physical Good') return 'Asset';
  if (productType === 'Service') return 'Entitlement';
  return 'Subscription';
}

/**
 * A version's status as read on `today`: the latest version of an asset that ended before today
 * and was not renewed (no later version) is `Expired`; stored statuses are never rewritten for it.
 * The GraphQL entity computes the same in SQL (src/graphql/entities.ts).
 */
export function statusOn(v: { status: string; endDate: string | null }, isLatest: boolean, today: string): string {
  return v.status === 'Active' && isLatest && v.endDate !== null && v.endDate < today ? 'Expired' : v.status;
}

export const NUMBER_KIND: Record<AssetKind, 'subscription' | 'asset' | 'entitlement'> = {
  Subscription: 'subscription', Asset: 'asset', Entitlement: 'entitlement',
};

/** One order line to provision, with what pricing and the order decided. */
export interface ProvisionLine {
  orderProductId: string;
  parentOrderProductId: string | null;
  productId: string;
  productName: string | null;
  productType: string;
  priceModel: string;
  priceBookId: string | null;
  priceBookEntryId: string | null;
  uomId: string | null;
  termDimension: string | null;
  quantity: string;
  includedQuantity: string;
  bundled: boolean;
  startDate: string;
  endDate: string | null;
  freeTrialEndDate: string | null;
  term: number | null;
  renewalTerm: number | null;
  autoRenew: boolean;
  billingPeriod: string | null;
  billingTiming: string | null;
  billCycleDay: number | null;
  billCycleStartMonth: number | null;
  currency: string;
  listPrice: string;
  salesPrice: string;
  netSalesPrice: string;
  totalPrice: string;
  taxAmount: string;
  /** The percent the line was taxed at (Exclusive); null: an Inclusive line's tax is spread as it is. */
  taxPercentage: string | null;
  totalAmount: string;
  deltaTCV: string;
  deltaACV: string;
  monthlyPrice: string;
  description: string | null;
}

/** One version of a subscription, asset or entitlement, as stored (asset_versions). Decimals are exact strings. */
export interface AssetVersion {
  id: string;
  kind: AssetKind;
  assetNumber: string;
  version: number;
  status: string;
  customerId: string;
  orderId: string;
  orderProductId: string;
  productId: string;
  productName: string | null;
  priceBookId: string | null;
  priceBookEntryId: string | null;
  uomId: string | null;
  parentId: string | null;
  rootId: string;
  level: number;
  bundled: boolean;
  originalId: string;
  lastVersionedId: string | null;
  quantity: string;
  includedUnits: string;
  startDate: string;
  endDate: string | null;
  freeTrialEndDate: string | null;
  term: number | null;
  termDimension: string | null;
  renewalTerm: number | null;
  autoRenew: boolean;
  evergreen: boolean;
  priceModel: string;
  billingPeriod: string | null;
  billingTiming: string | null;
  billCycleDay: number | null;
  billCycleStartMonth: number | null;
  currency: string;
  listPrice: string;
  salesPrice: string;
  netSalesPrice: string;
  totalPrice: string;
  taxAmount: string;
  /** The percent it is taxed at (DESIGN "Tax"): invoices tax it cumulatively at this rate; null (older rows): its own tax spread over its months. */
  taxPercentage: string | null;
  totalAmount: string;
  tcv: string;
  deltaTCV: string;
  deltaACV: string;
  monthlyPrice: string;
  effectiveFrom: string;
  effectiveTo: string | null;
  cancellationDate: string | null;
  description: string | null;
  customFields: unknown;
  createdAt: Date;
}
