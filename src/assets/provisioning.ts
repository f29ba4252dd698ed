import { randomUUID } from 'node:crypto';
import { kindFor, type AssetKind, type ProvisionLine, type VersionRow } from './model.js';

// Plans version 1 of every asset an activated order creates (DESIGN "Provisioning", "Versions").
// Pure: numbers are reserved by the caller, ids are made here. Bundle children point at their
// parent's and root's version-1 ids, with their level.

export type NewVersion = Omit<VersionRow, 'created_at' | 'custom_fields'>;

export function planProvisioning(i: {
  lines: readonly ProvisionLine[]; orderId: string; customerId: string;
  numbers: Record<AssetKind, string[]>; newId?: () => string;
}): NewVersion[] {
  const newId = i.newId ?? randomUUID;
  const taken: Record<AssetKind, number> = { Subscription: 0, Asset: 0, Entitlement: 0 };
  const byLine = new Map<string, NewVersion>();
  const out: NewVersion[] = [];
  for (const l of i.lines) {
    const kind = kindFor(l.productType);
    const number = i.numbers[kind][taken[kind]++];
    if (!number) throw new Error(`not enough ${kind} numbers reserved`);
    const id = newId();
    const parent = l.parentOrderProductId ? byLine.get(l.parentOrderProductId) : undefined;
    if (l.parentOrderProductId && !parent) throw new Error('a bundle child must follow its parent');
    const v: NewVersion = {
      id, kind, asset_number: number, version: 1, status: 'Active', customer_id: i.customerId, order_id: i.orderId,
      order_product_id: l.orderProductId, product_id: l.productId, product_name: l.productName, price_book_id: l.priceBookId,
      price_book_entry_id: l.priceBookEntryId, uom_id: l.uomId, parent_id: parent?.id ?? null, root_id: parent?.root_id ?? id,
      level: parent ? parent.level + 1 : 1, bundled: l.bundled, original_id: id, last_versioned_id: null,
      quantity: l.quantity, included_units: l.includedQuantity, start_date: l.startDate, end_date: l.endDate, free_trial_end_date: l.freeTrialEndDate, term: l.term,
      term_dimension: l.termDimension, renewal_term: l.renewalTerm, auto_renew: l.autoRenew, evergreen: false, price_model: l.priceModel,
      billing_period: l.billingPeriod, billing_timing: l.billingTiming, bill_cycle_day: l.billCycleDay, bill_cycle_start_month: l.billCycleStartMonth,
      currency_iso_code: l.currency, list_price: l.listPrice, sales_price: l.salesPrice, net_sales_price: l.netSalesPrice,
      total_price: l.totalPrice, tax_amount: l.taxAmount, total_amount: l.totalAmount, tcv: l.totalPrice,
      delta_tcv: l.deltaTCV, delta_acv: l.deltaACV, monthly_price: l.monthlyPrice,
      effective_from: l.startDate, effective_to: null, cancellation_date: null, description: l.description,
    };
    byLine.set(l.orderProductId, v);
    out.push(v);
  }
  return out;
}

/** How many numbers of each kind an order needs. */
export function numbersNeeded(lines: readonly { productType: string }[]): Record<AssetKind, number> {
  const n: Record<AssetKind, number> = { Subscription: 0, Asset: 0, Entitlement: 0 };
  for (const l of lines) n[kindFor(l.productType)]++;
  return n;
}
