import { periodMonths, proratedFraction } from '../../core/billing-periods.js';
import { compareDates, maxDate, minDate, parseDate, type PlainDate } from '../../core/dates.js';
import { Dec, roundMoney } from '../../core/money.js';
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
  taxAmount: Dec;                // this version's tax over its whole contract ...
  taxMonths: Dec | null;         // ... of these months (spread like its price); null: no tax spread
  quantity: Dec;
  netSalesPrice: Dec;
  orderProductId: string;
  assetId: string;
}

export interface BilledPeriod {
  assetNumber: string; charge: LedgerCharge; periodStart: string; amount: Dec; taxAmount: Dec;
  quantity?: Dec; startDate?: string; endDate?: string;   // what the billed items covered (corrections show them)
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

interface Seen { amount: Dec; tax: Dec; quantity: Dec; startDate: string | null; endDate: string | null; periodStart: string; charge: LedgerCharge; assetNumber: string }
const NONE = (assetNumber: string, charge: LedgerCharge, periodStart: string): Seen => ({ amount: new Dec(0), tax: new Dec(0), quantity: new Dec(0), startDate: null, endDate: null, periodStart, charge, assetNumber });

export function dueItems(charges: readonly Charge[], billed: readonly BilledPeriod[], o: BuildOptions): InvoiceItemDraft[] {
  const already = new Map<string, Seen>();
  for (const b of billed) {
    const k = key(b.assetNumber, b.charge, b.periodStart);
    const prev = already.get(k) ?? NONE(b.assetNumber, b.charge, b.periodStart);
    already.set(k, {
      ...prev, amount: prev.amount.plus(b.amount), tax: prev.tax.plus(b.taxAmount), quantity: prev.quantity.plus(b.quantity ?? 0),
      startDate: [prev.startDate, b.startDate ?? null].filter((x): x is string => !!x).sort()[0] ?? null,
      endDate: [prev.endDate, b.endDate ?? null].filter((x): x is string => !!x).sort().at(-1) ?? null,
    });
  }
  const items: InvoiceItemDraft[] = [];
  for (const c of charges) {
    const base = {
      assetId: c.assetId, assetNumber: c.assetNumber, assetType: c.assetType, orderProductId: c.orderProductId, productId: c.productId,
      productName: c.productName, uomId: c.uomId, charge: c.kind, billingTiming: c.timing, quantity: c.quantity, netSalesPrice: c.netSalesPrice,
    };
    if (c.kind === 'OneTime') {
      const start = c.terms.start.toString();
      const seen = already.get(key(c.assetNumber, 'OneTime', start)) ?? NONE(c.assetNumber, 'OneTime', start);
      const amount = c.totalPrice.minus(seen.amount);
      const tax = c.taxAmount.minus(seen.tax);
      if (compareDates(c.terms.start, o.targetDate) <= 0 && (!amount.isZero() || !tax.isZero())) {
        items.push({ ...base, periodStart: start, startDate: start, endDate: (c.terms.end ?? c.terms.start).toString(), numerator: 1, denominator: 1, quantity: c.quantity.minus(seen.quantity), amount, taxAmount: tax });
      }
      continue;
    }
    items.push(...recurringItems(c, already, o));
  }
  return items;
}

/** The asset's versions as segments; a charge without them is one segment over its whole contract. */
function segmentsOf(c: Charge): Segment[] {
  return c.segments ?? [{
    from: c.terms.start, to: null, monthly: c.monthly, taxAmount: c.taxAmount, taxMonths: c.terms.termMonths, quantity: c.quantity,
    netSalesPrice: c.netSalesPrice, orderProductId: c.orderProductId, assetId: c.assetId,
  }];
}

/**
 * A recurring charge's items. Each segment s bills a window [x, y] of a period as
 * round(P_s·F(y)) − round(P_s·F(x−1)) (its tax likewise, spread over its own contract months), so a
 * segment's windows add up to round(P_s·F(to)) − round(P_s·F(from−1)) exactly; the period's item is
 * the sum minus what was billed for it. Periods billed in advance past a shortened contract's end
 * are credited in full.
 */
function recurringItems(c: Charge, already: Map<string, Seen>, o: BuildOptions): InvoiceItemDraft[] {
  const items: InvoiceItemDraft[] = [];
  const segments = segmentsOf(c);
  const months = periodMonths(c.terms.billingPeriod);
  const periods = schedule(c.terms, o.targetDate);
  const scheduled = new Set(periods.map((p) => p.periodStart.toString()));
  for (const p of periods) {
    if (!isDue(p, c.timing, o.targetDate)) continue;
    if (o.firstPeriodOnly && p.index > 0) break;
    const before = p.monthsBefore;
    // F at a date inside this period (F(p.start − 1) = before, F(p.end) = the period's cumulative months)
    const F = (d: PlainDate): Dec => {
      if (compareDates(d, p.start) < 0) return before;
      if (compareDates(d, p.end) >= 0) return p.cumulativeMonths;
      if (!c.terms.prorationEnabled) return before;
      return before.plus(proratedFraction({ start: p.start, endInclusive: d, period: { n: 0, start: p.periodStart, end: p.periodEnd }, months, basis: c.terms.basis }).fraction.times(months));
    };
    let amount = new Dec(0);
    let tax = new Dec(0);
    let last: { s: Segment; from: PlainDate } | null = null;
    for (const s of segments) {
      const x = maxDate(p.start, s.from);
      const y = s.to ? minDate(p.end, s.to) : p.end;
      if (compareDates(x, y) > 0) continue;
      const [fy, fx] = [F(y), F(x.subtract({ days: 1 }))];
      amount = amount.plus(roundMoney(s.monthly.times(fy), c.currency)).minus(roundMoney(s.monthly.times(fx), c.currency));
      if (s.taxMonths && !s.taxMonths.isZero()) {
        tax = tax.plus(roundMoney(s.taxAmount.times(fy).dividedBy(s.taxMonths), c.currency)).minus(roundMoney(s.taxAmount.times(fx).dividedBy(s.taxMonths), c.currency));
      }
      last = { s, from: x };
    }
    if (!last) continue;
    const ps = p.periodStart.toString();
    const seen = already.get(key(c.assetNumber, 'Recurring', ps)) ?? NONE(c.assetNumber, 'Recurring', ps);
    const owed = amount.minus(seen.amount);
    const owedTax = tax.minus(seen.tax);
    if (owed.isZero() && owedTax.isZero()) continue;
    // a first bill covers the period; a correction, the window its last version covers
    const correction = seen.startDate !== null;
    const start = correction ? last.from : p.start;
    const end = correction && seen.endDate && compareDates(PlainDateOf(seen.endDate), p.end) > 0 ? PlainDateOf(seen.endDate) : p.end;
    const f = correction ? windowFraction(start, minDate(end, p.periodEnd), p, months, c.terms.basis) : { numerator: p.numerator, denominator: p.denominator };
    items.push({
      ...base(c, last.s), periodStart: ps, periodEnd: p.periodEnd.toString(), startDate: start.toString(), endDate: end.toString(), numerator: f.numerator, denominator: f.denominator,
      quantity: last.s.quantity.minus(seen.quantity), amount: owed, taxAmount: owedTax,
    });
  }
  // billed in advance for periods past the contract's (new) end: all of it comes back
  if (c.terms.end) {
    for (const seen of already.values()) {
      if (seen.assetNumber !== c.assetNumber || seen.charge !== 'Recurring' || scheduled.has(seen.periodStart)) continue;
      if (compareDates(PlainDateOf(seen.periodStart), c.terms.end) <= 0) continue;
      if (seen.amount.isZero() && seen.tax.isZero()) continue;
      const last = segments.at(-1)!;
      items.push({
        ...base(c, last), periodStart: seen.periodStart, startDate: seen.startDate ?? seen.periodStart, endDate: seen.endDate ?? seen.periodStart,
        numerator: 1, denominator: 1, quantity: seen.quantity.negated(), amount: seen.amount.negated(), taxAmount: seen.tax.negated(),
      });
    }
  }
  return items;
}

const PlainDateOf = (s: string) => parseDate(s, 'date');

function windowFraction(start: PlainDate, end: PlainDate, p: ScheduledPeriod, months: number, basis: ChargeTerms['basis']) {
  if (compareDates(start, end) > 0) return { numerator: 0, denominator: 1 };
  return proratedFraction({ start, endInclusive: end, period: { n: 0, start: p.periodStart, end: p.periodEnd }, months, basis });
}

function base(c: Charge, s: Segment) {
  return {
    assetId: s.assetId, assetNumber: c.assetNumber, assetType: c.assetType, orderProductId: s.orderProductId, productId: c.productId,
    productName: c.productName, uomId: c.uomId, charge: 'Recurring' as const, billingTiming: c.timing, netSalesPrice: s.netSalesPrice,
  };
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
