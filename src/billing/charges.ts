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
  /** The percent the asset is taxed at (its latest version's); null or absent: its tax spread over its months. */
  taxPercentage?: string | null;
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
  taxPercentage?: string | null;
}

/** What billing reads of an asset version: a stored one, one planned in the same transaction
 * (provisioning, a change order) or one planned for a preview (keyed `<productId>_preview`). */
export type ChargeableVersion = Pick<NewVersion,
  'id' | 'assetNumber' | 'kind' | 'orderProductId' | 'productId' | 'productName' | 'uomId' | 'priceModel' | 'termDimension' | 'term' |
  'startDate' | 'endDate' | 'freeTrialEndDate' | 'quantity' | 'includedUnits' | 'netSalesPrice' | 'monthlyPrice' | 'totalPrice' |
  'taxAmount' | 'taxPercentage' | 'billingPeriod' | 'billingTiming' | 'billCycleDay' | 'billCycleStartMonth' | 'currency' | 'effectiveFrom'>;

/**
 * The one producer of billing's charge input: an asset version (its latest, with the asset's
 * versions oldest first when it has changed). Carts, previews, an order's first invoice, change
 * orders and billing runs all come through here; toCharge makes it a charge.
 */
export function billableOf(v: ChargeableVersion, chain?: readonly ChargeableVersion[]): BillableLine {
  return {
    assetId: v.id, assetNumber: v.assetNumber, assetType: v.kind, orderProductId: v.orderProductId, productId: v.productId,
    productName: v.productName, uomId: v.uomId, priceModel: v.priceModel, termDimension: v.termDimension, term: v.term,
    startDate: v.startDate, endDate: v.endDate, freeTrialEndDate: v.freeTrialEndDate, quantity: v.quantity, includedQuantity: v.includedUnits, netSalesPrice: v.netSalesPrice,
    monthlyPrice: v.monthlyPrice, totalPrice: v.totalPrice, taxAmount: v.taxAmount, taxPercentage: v.taxPercentage, billingPeriod: v.billingPeriod,
    billingTiming: v.billingTiming, billCycleDay: v.billCycleDay, billCycleStartMonth: v.billCycleStartMonth, currency: v.currency,
    ...(chain && {
      versions: chain.map((c) => ({
        assetId: c.id, orderProductId: c.orderProductId, effectiveFrom: c.effectiveFrom, startDate: c.startDate, endDate: c.endDate,
        freeTrialEndDate: c.freeTrialEndDate, term: c.term, termDimension: c.termDimension, quantity: c.quantity, includedQuantity: c.includedUnits,
        netSalesPrice: c.netSalesPrice, monthlyPrice: c.monthlyPrice, taxAmount: c.taxAmount, taxPercentage: c.taxPercentage,
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
    monthly: monthlyOf(l), totalPrice: new Dec(l.totalPrice), taxAmount: new Dec(l.taxAmount), taxRate: rateOf(l), currency: l.currency, terms,
  };
  if (l.versions && l.versions.length > 1) charge.segments = segmentsOf(l, l.versions, d);
  return charge;
}

/** A percent as a fraction of the amount (10.25 → 0.1025); null when the line has none. */
const rateOf = (v: { taxPercentage?: string | null }) => (v.taxPercentage === null || v.taxPercentage === undefined ? null : new Dec(v.taxPercentage).dividedBy(100));

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
      monthly: monthlyOf(v), taxAmount: new Dec(v.taxAmount), taxRate: rateOf(v), taxMonths: contractMonths(termsOf(v, l, d)), quantity: new Dec(v.quantity),
      netSalesPrice: new Dec(v.netSalesPrice), orderProductId: v.orderProductId, assetId: v.assetId,
    };
  });
}
