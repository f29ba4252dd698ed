import type { BillingPeriod } from '../core/billing-periods.js';
import { parseDate } from '../core/dates.js';
import type { TermBasis } from '../core/day-count.js';
import { Dec } from '../core/money.js';
import { termMonths } from '../pricing/price-line.js';
import type { TermDimension } from '../pricing/model.js';
import type { Charge } from './invoice-builder.js';

// What billing needs of a line, whoever owns it (an asset version, or a cart's order line for a
// preview), and how it becomes a charge. Pure. Billing settings resolve line → ... → tenant
// (DESIGN "Billing"); by here the line carries what the order resolved, the tenant fills the rest.

export interface BillableLine {
  assetId: string;
  assetNumber: string;
  assetType: 'Subscription' | 'Asset' | 'Entitlement';
  orderProductId: string;
  productId: string;
  productName: string | null;
  uomId: string | null;
  priceModel: string;
  termDimension: string | null;
  term: number | null;
  startDate: string;
  endDate: string | null;
  /** A free trial to this date bills nothing; the paid term, and billing, start the day after. */
  freeTrialEndDate?: string | null;
  quantity: string;
  includedQuantity: string;
  netSalesPrice: string;
  monthlyPrice: string;
  totalPrice: string;
  taxAmount: string;
  billingPeriod: string | null;
  billingTiming: string | null;
  billCycleDay: number | null;
  billCycleStartMonth: number | null;
  currency: string;
}

export interface BillingDefaults {
  termBasis: TermBasis;
  prorationEnabled: boolean;
  billingPeriod: BillingPeriod;
  billingTiming: 'InAdvance' | 'InArrears';
  billCycleDay: number;
  billingStartMonth: number | null;
}

/** The tenant's billing settings as defaults for lines that do not say. */
export function billingDefaults(s: { termBasis: TermBasis; prorationEnabled: boolean; billingPeriod: BillingPeriod; billingTiming: 'InAdvance' | 'InArrears'; billCycleDay: number; billingStartMonth: number | null }): BillingDefaults {
  return { termBasis: s.termBasis, prorationEnabled: s.prorationEnabled, billingPeriod: s.billingPeriod, billingTiming: s.billingTiming, billCycleDay: s.billCycleDay, billingStartMonth: s.billingStartMonth };
}

/** Still in its free trial on `today`: the order-flow invoice leaves it to billing runs (DESIGN: a trial bills 0 until it ends). */
export const inTrialOn = (l: BillableLine, today: string): boolean => !!l.freeTrialEndDate && l.freeTrialEndDate >= today;

/** Usage lines bill as overage from rated usage, not from the contract: no charge here. */
export function toCharge(l: BillableLine, d: BillingDefaults): Charge | null {
  if (l.priceModel === 'Usage') return null;
  const quantity = new Dec(l.quantity);
  const chargeable = Dec.max(0, quantity.minus(l.includedQuantity));
  const months = l.term ? termMonths(l.term, l.termDimension as TermDimension) : null;
  return {
    assetId: l.assetId, assetNumber: l.assetNumber, assetType: l.assetType, orderProductId: l.orderProductId, productId: l.productId,
    productName: l.productName, uomId: l.uomId, kind: l.priceModel === 'Recurring' ? 'Recurring' : 'OneTime',
    timing: (l.billingTiming as 'InAdvance' | 'InArrears' | null) ?? d.billingTiming, quantity, netSalesPrice: new Dec(l.netSalesPrice),
    monthly: new Dec(l.monthlyPrice).times(chargeable), totalPrice: new Dec(l.totalPrice), taxAmount: new Dec(l.taxAmount), currency: l.currency,
    terms: {
      start: l.freeTrialEndDate ? parseDate(l.freeTrialEndDate, 'freeTrialEndDate').add({ days: 1 }) : parseDate(l.startDate, 'startDate'), end: l.endDate ? parseDate(l.endDate, 'endDate') : null,
      termMonths: months && months.gt(0) ? months : null,
      billingPeriod: (l.billingPeriod as BillingPeriod | null) ?? d.billingPeriod, billCycleDay: l.billCycleDay ?? d.billCycleDay,
      billingStartMonth: l.billCycleStartMonth ?? d.billingStartMonth, basis: d.termBasis, prorationEnabled: d.prorationEnabled,
    },
  };
}
