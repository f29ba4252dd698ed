import { parseDate } from '../core/dates.js';
import { Dec, toJsonNumber } from '../core/money.js';
import type { Order, OrderLine } from './model.js';

// Orders and lines as the seed's CreateOrderResponse shows them. Money is a JSON number, never null.
const n = (v: string | null) => (v === null ? 0 : Number(v));
const nn = (v: string | null) => (v === null ? null : Number(v));
/** part / whole in percent, six decimals, computed in decimal (halves up, as Math.round did); 0 when whole is 0. */
const percent = (part: string, whole: string) => {
  const w = new Dec(whole);
  return w.isZero() ? 0 : toJsonNumber(new Dec(part).dividedBy(w).times(100).toDecimalPlaces(6, Dec.ROUND_HALF_CEIL));
};
const iso = (v: unknown) => (v instanceof Date ? v.toISOString() : v ?? null);

export function toOrderView(o: Order) {
  return {
    id: o.id, name: o.name, orderNumber: o.orderNumber, orderType: o.orderType, status: o.status,
    customerId: o.customerId, billingAccountId: o.billingAccountId ?? o.customerId, billToContactId: o.billToContactId,
    shipToContactId: o.shipToContactId, priceBookId: o.priceBookId, currencyIsoCode: o.currency,
    effectiveDate: o.effectiveDate, orderStartDate: o.orderStartDate, orderEndDate: o.orderEndDate,
    billingPeriod: o.billingPeriod, billCycleDay: o.billCycleDay, billingTiming: o.billingTiming, paymentTerm: o.paymentTerm,
    description: o.description, poNumber: o.poNumber, poDate: o.poDate, orderReferenceNumber: o.orderReferenceNumber,
    billingAddress: o.billingAddress, shippingAddress: o.shippingAddress, refId: o.refId,
    listTotal: n(o.listTotal), subtotal: n(o.subtotal), discount: 0, discountAmount: n(o.discountAmount),
    discountPercentage: percent(o.discountAmount, o.subtotal),
    systemDiscount: percent(o.systemDiscountAmount, o.listTotal),
    systemDiscountAmount: n(o.systemDiscountAmount), totalPrice: n(o.totalPrice), taxAmount: n(o.taxAmount), taxStatus: o.taxStatus, totalAmount: n(o.totalAmount),
    orderTCV: n(o.orderTCV), orderACV: n(o.orderACV), cancelOnPaymentFail: o.cancelOnPaymentFail,
    orderPlacedDate: iso(o.orderPlacedDate), activatedDate: iso(o.activatedDate), activatedById: o.activatedById, canceledDate: iso(o.canceledDate),
    customFields: o.customFields ?? {}, createdDate: iso(o.createdAt), lastModifiedDate: iso(o.updatedAt),
  };
}

export function toLineView(l: OrderLine) {
  const summary = l.lineType === 'SummaryItem';
  // a change order's SummaryItem shows the resulting state: no unit sales price, no deltas (seed TC-3)
  const delta = (v: string | null) => (summary ? null : nn(v));
  return {
    id: l.id, orderId: l.orderId, sortOrder: l.sortOrder, lineType: l.lineType, status: l.status, isChange: l.isChange,
    parentId: l.parentId, rootId: l.rootId, level: l.level, summaryItemId: l.summaryItemId,
    changeType: l.changeType, changeAssetNumber: l.changeAssetNumber, cancellationDate: l.cancellationDate,
    productId: l.productId, productName: l.productName, sku: l.sku, priceBookEntryId: l.priceBookEntryId, productOptionId: l.productOptionId,
    uomId: l.uomId, priceModel: l.priceModel, productType: l.productType, bundled: l.bundled,
    quantity: n(l.quantity), actualQuantity: n(l.quantity), includedQuantity: n(l.includedQuantity),
    subscriptionTerm: l.subscriptionTerm, subscriptionTermDimension: l.termDimension,
    subscriptionStartDate: l.subscriptionStartDate, subscriptionEndDate: l.subscriptionEndDate,
    freeTrialEndDate: l.freeTrialEndDate, freeTrialConversionDate: trialConversion(l.freeTrialEndDate),
    billingTiming: l.billingTiming, billingPeriod: l.billingPeriod, billCycleDay: l.billCycleDay, billCycleStartMonth: l.billCycleStartMonth,
    autoRenew: l.autoRenew, renewalTerm: l.renewalTerm, defaultRenewalTerm: l.renewalTerm, taxCode: l.taxCode, taxMode: l.taxMode,
    listPrice: n(l.listPrice), listTotalPrice: n(l.listTotalPrice), salesPrice: summary ? null : n(l.salesPrice), netSalesPrice: summary ? null : n(l.netSalesPrice),
    subtotal: n(l.subtotal), totalPrice: n(l.totalPrice), taxPercentage: n(l.taxPercentage), taxAmount: n(l.taxAmount), taxStatus: l.taxStatus, totalAmount: n(l.totalAmount),
    discount: n(l.discount), discountAmount: n(l.discountAmount), systemDiscount: n(l.systemDiscount), systemDiscountAmount: n(l.systemDiscountAmount),
    deltaCMRR: delta(l.deltaCMRR), deltaARR: delta(l.deltaARR), deltaACV: delta(l.deltaACV), deltaTCV: delta(l.deltaTCV),
    appliedPriceTags: l.appliedTags ?? [], description: l.description, refId: l.refId, customFields: l.customFields ?? {},
  };
}

/** The day a free trial converts to the paid term: the day after it ends. */
function trialConversion(end: string | null): string | null {
  return end !== null ? parseDate(end, 'freeTrialEndDate').add({ days: 1 }).toString() : null;
}
