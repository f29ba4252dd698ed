import type { BillingPeriod } from '../core/billing-periods.js';
import { parseDate, termEndDate, type TermUnit } from '../core/dates.js';
import type { TermBasis } from '../core/day-count.js';
import { Dec } from '../core/money.js';
import { termMonths } from '../pricing/price-line.js';
import type { TermDimension } from '../pricing/model.js';
import type { Charge, Segment } from './invoices/builder.js';
import { contractMonths, type ChargeTerms } from './periods.js';
import type { NewVersion } from '../assets/provisioning.js';

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
  /** Every version of the asset, oldest first (absent for previews of new lines: one version). */
  versions?: BillableVersion[];
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

/** A version of an asset as billing sees it: what it charges from the day it takes effect. */
export interface BillableVersion {
  assetId: string;
  orderProductId: string;
  effectiveFrom: string;
  startDate: string;
  endDate: string | null;
  freeTrialEndDate: string | null;
  term: number | null;
  termDimension: string | null;
  quantity: string;
  includedQuantity: string;
  netSalesPrice: string;
  monthlyPrice: string;
  taxAmount: string;
}

/** What billing reads of an asset version: a stored one, one planned in the same transaction
 * (provisioning, a change order) or one planned for a preview (keyed `<productId>_preview`). */
export type ChargeableVersion = Pick<NewVersion,
  'id' | 'asset_number' | 'kind' | 'order_product_id' | 'product_id' | 'product_name' | 'uom_id' | 'price_model' | 'term_dimension' | 'term' |
  'start_date' | 'end_date' | 'free_trial_end_date' | 'quantity' | 'included_units' | 'net_sales_price' | 'monthly_price' | 'total_price' |
  'tax_amount' | 'billing_period' | 'billing_timing' | 'bill_cycle_day' | 'bill_cycle_start_month' | 'currency_iso_code' | 'effective_from'>;

/**
 * The one producer of billing's charge input: an asset version (its latest, with the asset's
 * versions oldest first when it has changed). Carts, previews, an order's first invoice, change
 * orders and billing runs all come through here; toCharge makes it a charge.
 */
export function billableOf(v: ChargeableVersion, chain?: readonly ChargeableVersion[]): BillableLine {
  return {
    assetId: v.id, assetNumber: v.asset_number, assetType: v.kind, orderProductId: v.order_product_id, productId: v.product_id,
    productName: v.product_name, uomId: v.uom_id, priceModel: v.price_model, termDimension: v.term_dimension, term: v.term,
    startDate: v.start_date, endDate: v.end_date, freeTrialEndDate: v.free_trial_end_date, quantity: v.quantity, includedQuantity: v.included_units, netSalesPrice: v.net_sales_price,
    monthlyPrice: v.monthly_price, totalPrice: v.total_price, taxAmount: v.tax_amount, billingPeriod: v.billing_period,
    billingTiming: v.billing_timing, billCycleDay: v.bill_cycle_day, billCycleStartMonth: v.bill_cycle_start_month, currency: v.currency_iso_code,
    ...(chain && {
      versions: chain.map((c) => ({
        assetId: c.id, orderProductId: c.order_product_id, effectiveFrom: c.effective_from, startDate: c.start_date, endDate: c.end_date,
        freeTrialEndDate: c.free_trial_end_date, term: c.term, termDimension: c.term_dimension, quantity: c.quantity, includedQuantity: c.included_units,
        netSalesPrice: c.net_sales_price, monthlyPrice: c.monthly_price, taxAmount: c.tax_amount,
      })),
    }),
  };
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
  const terms = termsOf(l, l, d);
  const charge: Charge = {
    assetId: l.assetId, assetNumber: l.assetNumber, assetType: l.assetType, orderProductId: l.orderProductId, productId: l.productId,
    productName: l.productName, uomId: l.uomId, kind: l.priceModel === 'Recurring' ? 'Recurring' : 'OneTime',
    timing: (l.billingTiming as 'InAdvance' | 'InArrears' | null) ?? d.billingTiming, quantity, netSalesPrice: new Dec(l.netSalesPrice),
    monthly: monthlyOf(l), totalPrice: new Dec(l.totalPrice), taxAmount: new Dec(l.taxAmount), currency: l.currency, terms,
  };
  if (l.versions && l.versions.length > 1) charge.segments = segmentsOf(l, l.versions, d);
  return charge;
}

const monthlyOf = (v: { monthlyPrice: string; quantity: string; includedQuantity: string }) => new Dec(v.monthlyPrice).times(Dec.max(0, new Dec(v.quantity).minus(v.includedQuantity)));

type Dated = Pick<BillableLine, 'startDate' | 'endDate' | 'freeTrialEndDate' | 'term' | 'termDimension'>;

/**
 * A version's contract terms. The paid term starts after a free trial; the term's months cap the
 * last period only when the contract runs to the term's natural end (a co-termed or canceled
 * contract ends where it ends).
 */
function termsOf(v: Dated, l: BillableLine, d: BillingDefaults): ChargeTerms {
  const start = v.freeTrialEndDate ? parseDate(v.freeTrialEndDate, 'freeTrialEndDate').add({ days: 1 }) : parseDate(v.startDate, 'startDate');
  const end = v.endDate ? parseDate(v.endDate, 'endDate') : null;
  const months = v.term ? termMonths(v.term, v.termDimension as TermDimension) : null;
  const natural = v.term && v.termDimension && end ? termEndDate(start, v.term, v.termDimension as TermUnit).equals(end) : false;
  return {
    start, end, termMonths: months && months.gt(0) && natural ? months : null,
    billingPeriod: (l.billingPeriod as BillingPeriod | null) ?? d.billingPeriod, billCycleDay: l.billCycleDay ?? d.billCycleDay,
    billingStartMonth: l.billCycleStartMonth ?? d.billingStartMonth, basis: d.termBasis, prorationEnabled: d.prorationEnabled,
  };
}

/** Versions as segments: each in force from its effective date to the day before the next one's. */
function segmentsOf(l: BillableLine, versions: readonly BillableVersion[], d: BillingDefaults): Segment[] {
  return versions.map((v, i) => {
    const next = versions[i + 1];
    return {
      from: parseDate(v.effectiveFrom, 'effectiveFrom'), to: next ? parseDate(next.effectiveFrom, 'effectiveFrom').subtract({ days: 1 }) : null,
      monthly: monthlyOf(v), taxAmount: new Dec(v.taxAmount), taxMonths: contractMonths(termsOf(v, l, d)), quantity: new Dec(v.quantity),
      netSalesPrice: new Dec(v.netSalesPrice), orderProductId: v.orderProductId, assetId: v.assetId,
    };
  });
}
