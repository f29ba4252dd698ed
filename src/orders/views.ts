import { parseDate } from '../core/dates.js';
import { Dec, toJsonNumber } from '../core/money.js';
import type { LineRow, OrderRow } from './store.js';

// Orders and lines as the seed's CreateOrderResponse shows them. Money is a JSON number, never null.
const n = (v: unknown) => (v === null || v === undefined ? 0 : Number(v));
const nn = (v: unknown) => (v === null || v === undefined ? null : Number(v));
/** part / whole in percent, six decimals, computed in decimal (halves up, as Math.round did); 0 when whole is 0. */
const percent = (part: unknown, whole: unknown) => {
  const w = new Dec(String(whole ?? 0));
  return w.isZero() ? 0 : toJsonNumber(new Dec(String(part ?? 0)).dividedBy(w).times(100).toDecimalPlaces(6, Dec.ROUND_HALF_CEIL));
};
const iso = (v: unknown) => (v instanceof Date ? v.toISOString() : v ?? null);

export function toOrderView(o: OrderRow) {
  const subtotal = n(o.subtotal);
  return {
    id: o.id, name: o.name ?? null, orderNumber: o.order_number, orderType: o.order_type, status: o.status,
    customerId: o.customer_id, billingAccountId: o.billing_account_id ?? o.customer_id, billToContactId: o.bill_to_contact_id ?? null,
    shipToContactId: o.ship_to_contact_id ?? null, priceBookId: o.price_book_id ?? null, currencyIsoCode: o.currency_iso_code,
    effectiveDate: o.effective_date, orderStartDate: o.order_start_date ?? null, orderEndDate: o.order_end_date ?? null,
    billingPeriod: o.billing_period ?? null, billCycleDay: o.bill_cycle_day ?? null, billingTiming: o.billing_timing ?? null, paymentTerm: o.payment_term ?? null,
    description: o.description ?? null, poNumber: o.po_number ?? null, poDate: o.po_date ?? null, orderReferenceNumber: o.order_reference_number ?? null,
    billingAddress: o.billing_address ?? null, shippingAddress: o.shipping_address ?? null, refId: o.ref_id ?? null,
    listTotal: n(o.list_total), subtotal, discount: 0, discountAmount: n(o.discount_amount),
    discountPercentage: percent(o.discount_amount, o.subtotal),
    systemDiscount: percent(o.system_discount_amount, o.list_total),
    systemDiscountAmount: n(o.system_discount_amount), totalPrice: n(o.total_price), taxAmount: n(o.tax_amount), totalAmount: n(o.total_amount),
    orderTCV: n(o.order_tcv), orderACV: n(o.order_acv), cancelOnPaymentFail: o.cancel_on_payment_fail,
    orderPlacedDate: iso(o.order_placed_date), activatedDate: iso(o.activated_date), activatedById: o.activated_by_id ?? null, canceledDate: iso(o.canceled_date),
    customFields: o.custom_fields ?? {}, createdDate: iso(o.created_at), lastModifiedDate: iso(o.updated_at),
  };
}

export function toLineView(l: LineRow) {
  const summary = l.line_type === 'SummaryItem';
  // a change order's SummaryItem shows the resulting state: no unit sales price, no deltas (seed TC-3)
  const delta = (v: unknown) => (summary ? null : nn(v));
  return {
    id: l.id, orderId: l.order_id, sortOrder: l.sort_order, lineType: l.line_type, status: l.status, isChange: l.is_change ?? null,
    parentId: l.parent_id ?? null, rootId: l.root_id, level: l.level, summaryItemId: l.summary_item_id ?? null,
    changeType: l.change_type ?? null, changeAssetNumber: l.change_asset_number ?? null, cancellationDate: l.cancellation_date ?? null,
    productId: l.product_id, productName: l.product_name, sku: l.sku, priceBookEntryId: l.price_book_entry_id ?? null, productOptionId: l.product_option_id ?? null,
    uomId: l.uom_id ?? null, priceModel: l.price_model, productType: l.product_type, bundled: l.bundled,
    quantity: n(l.quantity), actualQuantity: n(l.quantity), includedQuantity: n(l.included_quantity),
    subscriptionTerm: l.subscription_term ?? null, subscriptionTermDimension: l.term_dimension ?? null,
    subscriptionStartDate: l.subscription_start_date, subscriptionEndDate: l.subscription_end_date ?? null,
    freeTrialEndDate: l.free_trial_end_date ?? null, freeTrialConversionDate: trialConversion(l.free_trial_end_date),
    billingTiming: l.billing_timing ?? null, billingPeriod: l.billing_period ?? null, billCycleDay: l.bill_cycle_day ?? null, billCycleStartMonth: l.bill_cycle_start_month ?? null,
    autoRenew: l.auto_renew ?? null, renewalTerm: l.renewal_term ?? null, defaultRenewalTerm: l.renewal_term ?? null, taxCode: l.tax_code ?? null, taxMode: l.tax_mode ?? null,
    listPrice: n(l.list_price), listTotalPrice: n(l.list_total_price), salesPrice: summary ? null : n(l.sales_price), netSalesPrice: summary ? null : n(l.net_sales_price),
    subtotal: n(l.subtotal), totalPrice: n(l.total_price), taxPercentage: n(l.tax_percentage), taxAmount: n(l.tax_amount), totalAmount: n(l.total_amount),
    discount: n(l.discount), discountAmount: n(l.discount_amount), systemDiscount: n(l.system_discount), systemDiscountAmount: n(l.system_discount_amount),
    deltaCMRR: delta(l.delta_cmrr), deltaARR: delta(l.delta_arr), deltaACV: delta(l.delta_acv), deltaTCV: delta(l.delta_tcv),
    appliedPriceTags: l.applied_tags ?? [], description: l.description ?? null, refId: l.ref_id ?? null, customFields: l.custom_fields ?? {},
  };
}

/** The day a free trial converts to the paid term: the day after it ends. */
function trialConversion(end: unknown): string | null {
  return typeof end === 'string' ? parseDate(end, 'freeTrialEndDate').add({ days: 1 }).toString() : null;
}
