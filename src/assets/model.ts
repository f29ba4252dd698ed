// Subscriptions, assets and entitlements: one immutable row per version (asset_versions).
export type AssetKind = 'Subscription' | 'Asset' | 'Entitlement';

/** The product's type alone decides what a line becomes (DESIGN "Provisioning"). */
export function kindFor(productType: string): AssetKind {
  if (productType === 'Physical Good') return 'Asset';
  if (productType === 'Service') return 'Entitlement';
  return 'Subscription';
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
  totalAmount: string;
  deltaTCV: string;
  deltaACV: string;
  monthlyPrice: string;
  description: string | null;
}

export interface VersionRow {
  id: string;
  kind: AssetKind;
  asset_number: string;
  version: number;
  status: string;
  customer_id: string;
  order_id: string;
  order_product_id: string;
  product_id: string;
  product_name: string | null;
  price_book_id: string | null;
  price_book_entry_id: string | null;
  uom_id: string | null;
  parent_id: string | null;
  root_id: string;
  level: number;
  bundled: boolean;
  original_id: string;
  last_versioned_id: string | null;
  quantity: string;
  included_units: string;
  start_date: string;
  end_date: string | null;
  free_trial_end_date: string | null;
  term: number | null;
  term_dimension: string | null;
  renewal_term: number | null;
  auto_renew: boolean;
  evergreen: boolean;
  price_model: string;
  billing_period: string | null;
  billing_timing: string | null;
  bill_cycle_day: number | null;
  bill_cycle_start_month: number | null;
  currency_iso_code: string;
  list_price: string;
  sales_price: string;
  net_sales_price: string;
  total_price: string;
  tax_amount: string;
  total_amount: string;
  tcv: string;
  delta_tcv: string;
  delta_acv: string;
  monthly_price: string;
  effective_from: string;
  effective_to: string | null;
  cancellation_date: string | null;
  description: string | null;
  custom_fields: Record<string, unknown>;
  created_at: Date;
}
