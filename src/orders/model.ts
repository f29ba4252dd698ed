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
}
