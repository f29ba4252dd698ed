import { compareDates, maxDate, type PlainDate } from '../core/dates.js';
import { Dec, roundMoney } from '../core/money.js';
import { dueDate, schedule, type ChargeTerms, type ScheduledPeriod } from './schedule.js';

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
  terms: ChargeTerms;
  currency: string;
}

export interface BilledPeriod { assetNumber: string; charge: LedgerCharge; periodStart: string; amount: Dec; taxAmount: Dec }

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
  startDate: string;             // what it covers
  endDate: string;
  quantity: Dec;
  netSalesPrice: Dec;
  numerator: number;
  denominator: number;
  amount: Dec;                   // without tax
  taxAmount: Dec;
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

export function dueItems(charges: readonly Charge[], billed: readonly BilledPeriod[], o: BuildOptions): InvoiceItemDraft[] {
  const already = new Map<string, { amount: Dec; tax: Dec }>();
  for (const b of billed) {
    const k = key(b.assetNumber, b.charge, b.periodStart);
    const prev = already.get(k) ?? { amount: new Dec(0), tax: new Dec(0) };
    already.set(k, { amount: prev.amount.plus(b.amount), tax: prev.tax.plus(b.taxAmount) });
  }
  const items: InvoiceItemDraft[] = [];
  for (const c of charges) {
    const base = {
      assetId: c.assetId, assetNumber: c.assetNumber, assetType: c.assetType, orderProductId: c.orderProductId, productId: c.productId,
      productName: c.productName, uomId: c.uomId, charge: c.kind, billingTiming: c.timing, quantity: c.quantity, netSalesPrice: c.netSalesPrice,
    };
    if (c.kind === 'OneTime') {
      const start = c.terms.start.toString();
      const seen = already.get(key(c.assetNumber, 'OneTime', start)) ?? { amount: new Dec(0), tax: new Dec(0) };
      const amount = c.totalPrice.minus(seen.amount);
      const tax = c.taxAmount.minus(seen.tax);
      if (compareDates(c.terms.start, o.targetDate) <= 0 && (!amount.isZero() || !tax.isZero())) {
        items.push({ ...base, periodStart: start, startDate: start, endDate: (c.terms.end ?? c.terms.start).toString(), numerator: 1, denominator: 1, amount, taxAmount: tax });
      }
      continue;
    }
    const periods = schedule(c.terms, o.targetDate);
    const term = c.terms.termMonths;
    let before = { amount: new Dec(0), tax: new Dec(0) };
    for (const p of periods) {
      const due = {
        amount: roundMoney(c.monthly.times(p.cumulativeMonths), c.currency),
        tax: term && !term.isZero() ? roundMoney(c.taxAmount.times(p.cumulativeMonths).dividedBy(term), c.currency) : new Dec(0),
      };
      const own = { amount: due.amount.minus(before.amount), tax: due.tax.minus(before.tax) };
      before = due;
      if (!isDue(p, c.timing, o.targetDate)) continue;
      if (o.firstPeriodOnly && p.index > 0) break;
      const ps = p.periodStart.toString();
      const seen = already.get(key(c.assetNumber, 'Recurring', ps)) ?? { amount: new Dec(0), tax: new Dec(0) };
      const amount = own.amount.minus(seen.amount);
      const tax = own.tax.minus(seen.tax);
      if (amount.isZero() && tax.isZero()) continue;
      items.push({ ...base, periodStart: ps, startDate: p.start.toString(), endDate: p.end.toString(), numerator: p.numerator, denominator: p.denominator, amount, taxAmount: tax });
    }
  }
  return items;
}

/** One invoice of the items owed by the target date, or null when nothing is due. */
export function buildInvoice(charges: readonly Charge[], billed: readonly BilledPeriod[], o: BuildOptions): InvoiceDraft | null {
  const items = dueItems(charges, billed, o);
  return items.length === 0 ? null : assembleInvoice(items, charges[0]!.currency, o);
}

/** The first billing period of each charge, each as of its own start (the order-flow invoice). */
export function firstPeriodItems(charges: readonly Charge[], billed: readonly BilledPeriod[], today: PlainDate): InvoiceItemDraft[] {
  return charges.flatMap((c) => dueItems([c], billed, { today, targetDate: c.terms.start, paymentTerm: null, firstPeriodOnly: true }));
}

/** An invoice's header from its items: dates from the items, invoice date max(today, target). */
export function assembleInvoice(items: InvoiceItemDraft[], currency: string, o: Pick<BuildOptions, 'today' | 'targetDate' | 'paymentTerm'>): InvoiceDraft {
  const amountWithoutTax = items.reduce((a, i) => a.plus(i.amount), new Dec(0));
  const taxAmount = items.reduce((a, i) => a.plus(i.taxAmount), new Dec(0));
  const invoiceDate = maxDate(o.today, o.targetDate);
  const starts = items.map((i) => i.startDate).sort();
  const ends = items.map((i) => i.endDate).sort();
  return {
    currency, invoiceDate: invoiceDate.toString(), dueDate: dueDate(invoiceDate, o.paymentTerm).toString(), targetDate: o.targetDate.toString(),
    startDate: starts[0]!, endDate: ends.at(-1)!, amountWithoutTax, taxAmount, amount: amountWithoutTax.plus(taxAmount), items,
  };
}
