import { customerFacingRole, type Ctx } from '../context.js';
import { allowing, refuseFieldsOutside, type AllowList } from '../core/field-allow-list.js';
import { CUSTOMER_FACING_CONTACT, CUSTOMER_FACING_CUSTOMER } from '../customers/service.js';

// What a storefront or self-service credential may set on an order, a change order or their
// previews (DESIGN §3 What customer-facing callers may set): products of the published catalog and
// their quantities, terms and billing periods, a start of today, the customer's own details and
// contacts, a payment method. Prices, discounts, tax switches, payment terms, bill cycle days,
// references and custom fields are the tenant's to set: 403 FIELD_NOT_ALLOWED, nothing written.

const OPTIONS = allowing('activateOrder', 'previewInvoice', 'generateInvoice', 'activateInvoice', 'cancelOnPaymentFail', 'asyncPayment');
const PAYMENT_METHOD = allowing('token', 'gateway');
const ADD_ON = allowing('productOptionId', 'quantity');
const CHANGE_TYPES = ['UpdateQuantity', 'Renew', 'Cancel', 'UpdateTerm', 'CoTerm', 'ConvertFreeTrial'];

const on = (today: string) => (v: unknown) => (v === today ? null : `a start is today (${today}), never back- or far-dated`);
const fromToday = (today: string) => (v: unknown) => (typeof v === 'string' && v >= today ? null : `it is dated today (${today}) or later`);

function orderList(today: string): AllowList {
  const line: AllowList = {
    ...allowing('id', 'productId', 'sku', 'productSku', 'uomId', 'priceBookEntryId', 'quantity', 'subscriptionTerm', 'billingPeriod', 'Billing Period', 'lineType'),
    subscriptionStartDate: on(today), startDate: on(today), addOns: { each: ADD_ON }, options: { each: ADD_ON },
  };
  return {
    ...allowing('customerId', 'billToContactId', 'shipToContactId', 'priceBookId', 'currencyIsoCode', 'billingPeriod', 'billingCycle', 'Billing Period'),
    customer: CUSTOMER_FACING_CUSTOMER, billToContact: CUSTOMER_FACING_CONTACT, lines: { each: line }, orderProducts: { each: line },
    paymentMethod: PAYMENT_METHOD, options: OPTIONS, effectiveDate: on(today),
  };
}

function changeList(today: string): AllowList {
  const change: AllowList = {
    ...allowing('assetNumber', 'quantity', 'renewalTerm', 'term', 'billingPeriod'),
    changeType: (v) => (typeof v === 'string' && CHANGE_TYPES.includes(v) ? null : `only ${CHANGE_TYPES.join(', ')} changes are the customer's to make`),
    startDate: on(today), cancellationDate: fromToday(today), coTermDate: fromToday(today), convertFreeTrial: { startDate: on(today) },
  };
  return { assetChanges: { each: change }, options: { ...OPTIONS, previewHash: true }, paymentMethod: PAYMENT_METHOD };
}

export type CustomerFacingBody = 'order' | 'invoicePreview' | 'activation' | 'change';

/** Refuses, for a customer-facing caller, any field of the body outside its allow-list (a no-op for everyone else). */
export function refuseCustomerFacingFields(ctx: Ctx, body: unknown, kind: CustomerFacingBody): void {
  const who = customerFacingRole(ctx);
  if (!who) return;
  const today = ctx.clock.today(ctx.timeZone).toString();
  const list = kind === 'order' ? orderList(today)
    : kind === 'invoicePreview' ? { ...orderList(today), ...allowing('targetDate', 'firstInvoiceOnly') }
      : kind === 'activation' ? { options: OPTIONS, paymentMethod: PAYMENT_METHOD }
        : changeList(today);
  refuseFieldsOutside(body, list, 'body', who);
}
