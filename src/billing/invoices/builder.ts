import { compareDates, maxDate, parseDate, type PlainDate } from '../../core/dates.js';
import { Dec } from '../../core/money.js';
import { correctedItemOf, fullCorrection, netsToZero, periodCorrection, pieceItem, sum as total, sumTax as totalTax } from './corrections.js';
import { piecesOf } from './pieces.js';
import { dueDate, schedule, type ChargeTerms, type ScheduledPeriod } from '../periods.js';

// The invoice builder (STYLE §1): due minus billed. Given the charges in force, a target date and
// what was already billed per asset number, charge and period, it returns the invoice items still
// owed, or null when nothing is due. Pure: no store, no clock.
//
// A recurring charge bills period k as round(P·F_k) − round(P·F_{k−1}) with P the monthly amount
// (and the line's tax spread the same way), so a line's invoices add up exactly to its totalPrice
// and taxAmount. A one-time charge bills its whole totalPrice on the first invoice.

export type ChargeKind = 'Recurring' | 'OneTime';
/** What the billed ledger records: charges, and credits converted to credit memos (never due, never netted against charges). */
export type LedgerCharge = ChargeKind | 'Credit';

export interface Charge {
  assetId: string;
  assetNumber: string;
  assetType: 'Subscription' | 'Asset' | 'Entitlement';
  orderProductId: string;
  productId: string;
  productName: string | null;
  uomId: string | null;
  kind: ChargeKind;
  timing: 'InAdvance' | 'InArrears';
  quantity: Dec;
  netSalesPrice: Dec;
  monthly: Dec;                  // P: the monthly amount of the whole line (unit monthly × chargeable quantity)
  totalPrice: Dec;
  taxAmount: Dec;
  /** r as a fraction (10.25% → 0.1025): its tax is cumulative over the contract (pieces.ts); null: taxAmount spread over its months. */
  taxRate: Dec | null;
  terms: ChargeTerms;
  currency: string;
  /**
   * The asset's versions over time, oldest first (DESIGN "Billing": due under the versions effective
   * in each period). Absent: one segment, the charge itself, over the whole contract.
   */
  segments?: Segment[];
}

/** One version of an asset in force from `from` to `to` (inclusive; null = to the contract's end). */
export interface Segment {
  from: PlainDate;
  to: PlainDate | null;
  monthly: Dec;                  // P of this version
  taxRate: Dec | null;           // r of this version (a fraction): a window [x, y] is taxed round(r·A(y)) − round(r·A(x−1)); else:
  taxAmount: Dec;                // this version's tax over its whole contract ...
  taxMonths: Dec | null;         // ... of these months (spread like its price); null: no tax spread
  quantity: Dec;
  netSalesPrice: Dec;
  orderProductId: string;
  assetId: string;
}

/**
 * One non-canceled item of the billed ledger (of an invoice or a billing credit memo), as due
 * minus billed reads it: its key (asset number, charge, period start), its amounts and what it
 * described (corrections reverse it as it was billed).
 */
export interface BilledItem {
  id?: string;
  assetNumber: string; charge: LedgerCharge; periodStart: string; amount: Dec; taxAmount: Dec;
  quantity?: Dec; netSalesPrice?: Dec; startDate?: string; endDate?: string; numerator?: number; denominator?: number;
  assetId?: string; orderProductId?: string; correctsInvoiceItemId?: string | null;
}

export interface InvoiceItemDraft {
  assetId: string;
  assetNumber: string;
  assetType: Charge['assetType'];
  orderProductId: string;
  productId: string;
  productName: string | null;
  uomId: string | null;
  charge: LedgerCharge;
  billingTiming: Charge['timing'];
  periodStart: string;           // the billing period the amount belongs to (the billed-ledger key)
  periodEnd?: string;            // ... and its last day (recurring charges)
  startDate: string;             // what it covers
  endDate: string;
  quantity: Dec;
  netSalesPrice: Dec;
  numerator: number;
  denominator: number;
  amount: Dec;                   // without tax
  taxAmount: Dec;
  /** A correction of an already-billed period (DESIGN §4): 'Adjustment', naming the item it corrects. */
  chargeType?: 'Adjustment';
  correctsInvoiceItemId?: string | null;
}

export interface InvoiceDraft {
  currency: string;
  invoiceDate: string;
  dueDate: string;
  targetDate: string;
  startDate: string;
  endDate: string;
  amountWithoutTax: Dec;
  taxAmount: Dec;
  amount: Dec;
  items: InvoiceItemDraft[];
}

const key = (assetNumber: string, charge: string, periodStart: string) => `${assetNumber}|${charge}|${periodStart}`;

/** A period is due on the target date: in advance from its start, in arrears the day after it ends. */
function isDue(p: ScheduledPeriod, timing: Charge['timing'], target: PlainDate): boolean {
  return timing === 'InAdvance' ? compareDates(p.start, target) <= 0 : compareDates(p.end, target) < 0;
}

export interface BuildOptions {
  today: PlainDate;
  targetDate: PlainDate;
  paymentTerm: string | null;
  /** Bill only the first period of each charge (the order-flow invoice, previews of a cart). */
  firstPeriodOnly?: boolean;
}

const ZERO = new Dec(0);

/** The billed ledger by (asset number, charge, period start), each key's items in the order they were billed. */
export function ledgerByKey(billed: readonly BilledItem[]): Map<string, BilledItem[]> {
  const out = new Map<string, BilledItem[]>();
  for (const b of billed) {
    const k = key(b.assetNumber, b.charge, b.periodStart);
    out.set(k, [...(out.get(k) ?? []), b]);
  }
  return out;
}

export function dueItems(charges: readonly Charge[], billed: readonly BilledItem[], o: BuildOptions): InvoiceItemDraft[] {
  const ledger = ledgerByKey(billed);
  const items: InvoiceItemDraft[] = [];
  for (const c of charges) items.push(...(c.kind === 'OneTime' ? oneTimeItems(c, ledger, o) : recurringItems(c, ledger, o)));
  return items;
}

/** A one-time charge bills its whole total on the first invoice; a later difference is an Adjustment. */
function oneTimeItems(c: Charge, ledger: Map<string, BilledItem[]>, o: BuildOptions): InvoiceItemDraft[] {
  const start = c.terms.start.toString();
  const live = ledger.get(key(c.assetNumber, 'OneTime', start)) ?? [];
  const amount = c.totalPrice.minus(total(live));
  const tax = c.taxAmount.minus(totalTax(live));
  if (compareDates(c.terms.start, o.targetDate) > 0 || (amount.isZero() && tax.isZero())) return [];
  const billedQuantity = live.reduce((a, b) => a.plus(b.quantity ?? 0), ZERO);
  return [{
    assetId: c.assetId, assetNumber: c.assetNumber, assetType: c.assetType, orderProductId: c.orderProductId, productId: c.productId,
    productName: c.productName, uomId: c.uomId, charge: 'OneTime', billingTiming: c.timing, netSalesPrice: c.netSalesPrice,
    periodStart: start, startDate: start, endDate: (c.terms.end ?? c.terms.start).toString(), numerator: 1, denominator: 1,
    quantity: c.quantity.minus(billedQuantity), amount, taxAmount: tax,
    ...(live.length > 0 && { chargeType: 'Adjustment' as const, correctsInvoiceItemId: correctedItemOf(live) }),
  }];
}

/**
 * A recurring charge's items. A period nobody billed yet is billed piece by piece (one item per
 * version in force in it, each describing its own window); a billed period whose due no longer
 * equals what was billed is corrected (corrections.ts); periods billed in advance past a shortened
 * contract's end are reversed in full.
 */
function recurringItems(c: Charge, ledger: Map<string, BilledItem[]>, o: BuildOptions): InvoiceItemDraft[] {
  const items: InvoiceItemDraft[] = [];
  const periods = schedule(c.terms, o.targetDate);
  const scheduled = new Set(periods.map((p) => p.periodStart.toString()));
  for (const p of periods) {
    if (!isDue(p, c.timing, o.targetDate)) continue;
    if (o.firstPeriodOnly && p.index > 0) break;
    const live = ledger.get(key(c.assetNumber, 'Recurring', p.periodStart.toString())) ?? [];
    const pieces = piecesOf(c, p);
    const owed = total(pieces).minus(total(live));
    const owedTax = totalTax(pieces).minus(totalTax(live));
    if (owed.isZero() && owedTax.isZero()) continue;
    items.push(...(netsToZero(live) ? pieces.map((x) => pieceItem(c, p, x)) : periodCorrection(c, p, live)));
  }
  // billed in advance for periods past the contract's (new) end: all of it comes back
  if (c.terms.end) {
    for (const live of ledger.values()) {
      const b = live[0]!;
      if (b.assetNumber !== c.assetNumber || b.charge !== 'Recurring' || scheduled.has(b.periodStart)) continue;
      if (compareDates(parseDate(b.periodStart, 'date'), c.terms.end) <= 0) continue;
      if (netsToZero(live)) continue;
      const periodEnd = live.map((x) => x.endDate ?? x.periodStart).sort().at(-1)!;
      items.push(...fullCorrection(c, { periodStart: parseDate(b.periodStart, 'date'), periodEnd: parseDate(periodEnd, 'date') }, null, live));
    }
  }
  return items;
}

/** One invoice of the items owed by the target date, or null when nothing is due. */
export function buildInvoice(charges: readonly Charge[], billed: readonly BilledItem[], o: BuildOptions): InvoiceDraft | null {
  const items = dueItems(charges, billed, o);
  return items.length === 0 ? null : assembleInvoice(items, charges[0]!.currency, o);
}

/** The first billing period of each charge, each as of its own start (the order-flow invoice). */
export function firstPeriodItems(charges: readonly Charge[], billed: readonly BilledItem[], today: PlainDate): InvoiceItemDraft[] {
  return charges.flatMap((c) => dueItems([c], billed, { today, targetDate: c.terms.start, paymentTerm: null, firstPeriodOnly: true }));
}

/**
 * An invoice's header from its items: dates from the items; a run's invoice is dated max(today,
 * target), an order-flow invoice today (`datedToday`: for a line that starts later it is a
 * prepayment of its first period, DESIGN §4 Billing).
 */
export function assembleInvoice(items: InvoiceItemDraft[], currency: string, o: Pick<BuildOptions, 'today' | 'targetDate' | 'paymentTerm'> & { datedToday?: boolean }): InvoiceDraft {
  const amountWithoutTax = items.reduce((a, i) => a.plus(i.amount), new Dec(0));
  const taxAmount = items.reduce((a, i) => a.plus(i.taxAmount), new Dec(0));
  const invoiceDate = o.datedToday ? o.today : maxDate(o.today, o.targetDate);
  const starts = items.map((i) => i.startDate).sort();
  const ends = items.map((i) => i.endDate).sort();
  return {
    currency, invoiceDate: invoiceDate.toString(), dueDate: dueDate(invoiceDate, o.paymentTerm).toString(), targetDate: o.targetDate.toString(),
    startDate: starts[0]!, endDate: ends.at(-1)!, amountWithoutTax, taxAmount, amount: amountWithoutTax.plus(taxAmount), items,
  };
}
