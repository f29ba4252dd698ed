import type { Dec } from '../core/money.js';

// The orders domain's types, as its callers see them (the store maps them to rows).

/** What callers need to know of a stored order before acting on it. */
export interface OrderHead {
  id: string;
  orderNumber: string;
  orderType: string;
  status: string;
  customerId: string;
  cancelOnPaymentFail: boolean;
  /** A change order's request as stored on its Draft (change orders read it back). */
  changeRequest: unknown;
  previewHash: string | null;
}

/** A change order's header, as change orders plan it; it is written Draft (and activated later). */
export interface ChangeOrder {
  id: string;
  orderNumber: string;
  customerId: string;
  currency: string;
  effectiveDate: string;
  startDate: string | null;
  endDate: string | null;
  description: string | null;
  refId: string | null;
  totals: { listTotal: Dec; subtotal: Dec; totalPrice: Dec; taxAmount: Dec; totalAmount: Dec; orderTCV: Dec; orderACV: Dec };
  options: unknown;
  cancelOnPaymentFail: boolean;
  /** The request, as readChangeRequest reads it back when the Draft is activated. */
  changeRequest: unknown;
  previewHash: string;
  /** Set by orders when the change order is written (the customer's tax address); Calculated when absent. */
  taxStatus?: string;
}

/** One line of a change order: a SummaryItem (an asset's resulting state) or a LineItem (one change and its delta). */
export interface ChangeLine {
  id: string;
  sortOrder: number;
  lineType: 'SummaryItem' | 'LineItem';
  isChange: boolean;
  rootId: string;
  summaryItemId: string | null;
  changeType: string | null;
  changeAssetNumber: string;
  productId: string;
  productName: string | null;
  priceBookEntryId: string | null;
  uomId: string | null;
  termDimension: string | null;
  priceModel: string;
  productType: string;
  bundled: boolean;
  includedQuantity: string;
  billingTiming: string | null;
  billingPeriod: string | null;
  billCycleDay: number | null;
  billCycleStartMonth: number | null;
  quantity: Dec;
  term: number | null;
  startDate: string;
  endDate: string | null;
  freeTrialEndDate: string | null;
  autoRenew: boolean;
  renewalTerm: number | null;
  cancellationDate: string | null;
  listPrice: Dec;
  salesPrice: Dec;
  netSalesPrice: Dec;
  monthlyPrice: Dec;
  listTotalPrice: Dec;
  subtotal: Dec;
  totalPrice: Dec;
  taxAmount: Dec;
  totalAmount: Dec;
  deltaCMRR: Dec;
  deltaARR: Dec;
  deltaACV: Dec;
  deltaTCV: Dec;
  /** How its tax came about (DESIGN "Tax"); absent: its change order's customer's, as it resolves when written. */
  taxStatus?: string;
  /** The percent it is taxed at (0 when absent). */
  taxPercentage?: Dec;
}

/** A decimal amount as stored (numeric columns come back as exact strings, never floats). */
export type DecimalString = string;

/** A stored order (a cart is a Draft order), as the orders domain and its views see it. */
export interface Order {
  id: string;
  orderNumber: string;
  name: string | null;
  orderType: string;
  status: string;
  customerId: string;
  billingAccountId: string | null;
  billToContactId: string | null;
  shipToContactId: string | null;
  priceBookId: string | null;
  currency: string;
  effectiveDate: string;
  orderStartDate: string | null;
  orderEndDate: string | null;
  billingPeriod: string | null;
  billCycleDay: number | null;
  billingTiming: string | null;
  paymentTerm: string | null;
  description: string | null;
  poNumber: string | null;
  poDate: string | null;
  orderReferenceNumber: string | null;
  billingAddress: string | null;
  shippingAddress: string | null;
  refId: string | null;
  listTotal: DecimalString;
  subtotal: DecimalString;
  discountAmount: DecimalString;
  systemDiscountAmount: DecimalString;
  totalPrice: DecimalString;
  taxAmount: DecimalString;
  /** How the tax came about (DESIGN "Tax"): Calculated, NotCalculated, AddressMissing or NoRate. */
  taxStatus: string;
  totalAmount: DecimalString;
  orderTCV: DecimalString;
  orderACV: DecimalString;
  /** The options the order was placed with (OrderOptions). */
  options: unknown;
  transactionHub: unknown;
  customFields: unknown;
  cancelOnPaymentFail: boolean;
  changeRequest: unknown;
  previewHash: string | null;
  orderPlacedDate: Date | null;
  activatedDate: Date | null;
  activatedById: string | null;
  canceledDate: Date | null;
  createdAt: Date;
  updatedAt: Date;
}

/** An order as it is written: the database sets when it was created and last changed. */
export type NewOrder = Omit<Order, 'createdAt' | 'updatedAt' | 'orderPlacedDate' | 'activatedDate' | 'activatedById' | 'canceledDate' | 'changeRequest' | 'previewHash' | 'orderType'>
  & Partial<Pick<Order, 'orderPlacedDate' | 'activatedDate' | 'activatedById' | 'canceledDate' | 'changeRequest' | 'previewHash' | 'orderType'>>;

/** A stored order line (order product): a cart or order line, a bundle's option, or a change order's line. */
export interface OrderLine {
  id: string;
  orderId: string;
  sortOrder: number;
  lineType: string;
  status: string;
  isChange: boolean | null;
  parentId: string | null;
  rootId: string;
  level: number;
  summaryItemId: string | null;
  changeType: string | null;
  changeAssetNumber: string | null;
  cancellationDate: string | null;
  productId: string;
  productName: string | null;
  sku: string | null;
  priceBookEntryId: string | null;
  productOptionId: string | null;
  uomId: string | null;
  termDimension: string | null;
  priceModel: string;
  productType: string;
  bundled: boolean;
  quantity: DecimalString;
  includedQuantity: DecimalString;
  subscriptionTerm: number | null;
  subscriptionStartDate: string;
  subscriptionEndDate: string | null;
  freeTrialEndDate: string | null;
  billingTiming: string | null;
  billingPeriod: string | null;
  billCycleDay: number | null;
  billCycleStartMonth: number | null;
  autoRenew: boolean | null;
  renewalTerm: number | null;
  taxCode: string | null;
  taxMode: string | null;
  listPrice: DecimalString;
  salesPrice: DecimalString;
  netSalesPrice: DecimalString;
  listTotalPrice: DecimalString;
  subtotal: DecimalString;
  discount: DecimalString;
  discountAmount: DecimalString;
  systemDiscount: DecimalString;
  systemDiscountAmount: DecimalString;
  totalPrice: DecimalString;
  taxPercentage: DecimalString;
  taxAmount: DecimalString;
  /** How the tax came about (DESIGN "Tax"): Calculated, NotCalculated, AddressMissing or NoRate. */
  taxStatus: string;
  totalAmount: DecimalString;
  monthlyPrice: DecimalString;
  deltaCMRR: DecimalString | null;
  deltaARR: DecimalString | null;
  deltaACV: DecimalString | null;
  deltaTCV: DecimalString | null;
  appliedTags: unknown;
  description: string | null;
  refId: string | null;
  customFields: unknown;
}
