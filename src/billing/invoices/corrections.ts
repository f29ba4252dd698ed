import { Dec, sumMoney } from '../../core/money.js';
import type { ScheduledPeriod } from '../periods.js';
import { compareDates, parseDate, type PlainDate as Day } from '../../core/dates.js';
import type { BilledItem, Charge, InvoiceItemDraft, Segment } from './builder.js';
import { firstDifference, piecesOf, segmentsOf, type Piece } from './pieces.js';

// Correction items (DESIGN §4 Change orders, Billing): a difference for a period an earlier invoice
// already billed is never folded into another item. It is written as Adjustment items naming the
// item they correct — the reversal of what was billed for the corrected window and the charge
// under the versions now in force — each reproducing its own amount from its own units, price and
// fraction; together they are exactly what is due minus what was billed. Pure.

const ZERO = new Dec(0);
export const sum = (xs: readonly { amount: Dec }[]) => sumMoney(xs.map((x) => x.amount));
export const sumTax = (xs: readonly { taxAmount: Dec }[]) => sumMoney(xs.map((x) => x.taxAmount));
/** Items that net to nothing, amount and tax (a period billed and credited in full counts as not billed). */
export const netsToZero = (xs: readonly { amount: Dec; taxAmount: Dec }[]) => sum(xs).isZero() && sumTax(xs).isZero();

/** The item a period's corrections name: the first one billed for it. */
export function correctedItemOf(live: readonly BilledItem[]): string | null {
  const first = live[0];
  return first ? first.correctsInvoiceItemId ?? first.id ?? null : null;
}

type PeriodKey = Pick<ScheduledPeriod, 'periodStart' | 'periodEnd'>;

/** A piece of a charge's period as an invoice item (a first bill, or with `corrects` the charge half of a correction). */
export function pieceItem(c: Charge, p: PeriodKey, x: Piece, corrects?: string | null): InvoiceItemDraft {
  return {
    assetId: x.segment.assetId, assetNumber: c.assetNumber, assetType: c.assetType, orderProductId: x.segment.orderProductId, productId: c.productId,
    productName: c.productName, uomId: c.uomId, charge: 'Recurring', billingTiming: c.timing, periodStart: p.periodStart.toString(), periodEnd: p.periodEnd.toString(),
    startDate: x.from.toString(), endDate: x.to.toString(), quantity: x.segment.quantity, netSalesPrice: x.segment.netSalesPrice,
    numerator: x.numerator, denominator: x.denominator, amount: x.amount, taxAmount: x.taxAmount,
    ...(corrects !== undefined && { chargeType: 'Adjustment' as const, correctsInvoiceItemId: corrects }),
  };
}

/** The reversal of a piece billed under an earlier version: the same window, units and price, negated. */
function reversedPiece(c: Charge, p: PeriodKey, x: Piece, corrects: string | null): InvoiceItemDraft {
  const i = pieceItem(c, p, x, corrects);
  return { ...i, quantity: i.quantity.negated(), amount: i.amount.negated(), taxAmount: i.taxAmount.negated() };
}

/** The reversal of a billed item as it was billed (its own dates, units, price and fraction). */
function reversedItem(c: Charge, p: PeriodKey, b: BilledItem, corrects: string | null): InvoiceItemDraft {
  return {
    assetId: b.assetId ?? c.assetId, assetNumber: c.assetNumber, assetType: c.assetType, orderProductId: b.orderProductId ?? c.orderProductId,
    productId: c.productId, productName: c.productName, uomId: c.uomId, charge: 'Recurring', billingTiming: c.timing,
    periodStart: p.periodStart.toString(), periodEnd: p.periodEnd.toString(), startDate: b.startDate ?? p.periodStart.toString(), endDate: b.endDate ?? p.periodEnd.toString(),
    quantity: (b.quantity ?? ZERO).negated(), netSalesPrice: b.netSalesPrice ?? c.netSalesPrice, numerator: b.numerator ?? 1, denominator: b.denominator ?? 1,
    amount: b.amount.negated(), taxAmount: b.taxAmount.negated(), chargeType: 'Adjustment', correctsInvoiceItemId: corrects,
  };
}

const same = (a: InvoiceItemDraft, b: InvoiceItemDraft) => a.startDate === b.startDate && a.endDate === b.endDate && a.quantity.eq(b.quantity.negated())
  && a.netSalesPrice.eq(b.netSalesPrice) && a.amount.eq(b.amount.negated()) && a.taxAmount.eq(b.taxAmount.negated());

/** A reversal and a charge that undo each other are left out (a version unchanged over part of the window). */
function withoutNoOps(reversals: InvoiceItemDraft[], charges: InvoiceItemDraft[]): InvoiceItemDraft[] {
  const left = [...charges];
  const kept: InvoiceItemDraft[] = [];
  for (const r of reversals) {
    const k = left.findIndex((c) => same(r, c));
    if (k >= 0) left.splice(k, 1); else kept.push(r);
  }
  return [...kept, ...left];
}

/** Billed items whose reversal is also billed cancel out: only the rest needs reversing. */
function unreversed(live: readonly BilledItem[]): BilledItem[] {
  const out: BilledItem[] = [];
  for (const b of live) {
    const k = out.findIndex((o) => o.startDate === b.startDate && o.endDate === b.endDate && o.amount.eq(b.amount.negated()) && o.taxAmount.eq(b.taxAmount.negated())
      && (o.quantity ?? ZERO).eq((b.quantity ?? ZERO).negated()));
    if (k >= 0) out.splice(k, 1); else out.push(b);
  }
  return out;
}

/**
 * The correction of a period when what billed it is not known version by version (a billing run):
 * every billed item of the period reversed as it was billed, and the period charged again piece by
 * piece under the versions in force (`p` null: the contract no longer reaches the period).
 */
export function fullCorrection(c: Charge, key: PeriodKey, p: ScheduledPeriod | null, live: readonly BilledItem[]): InvoiceItemDraft[] {
  const corrects = correctedItemOf(live);
  const reversals = unreversed(live).map((b) => reversedItem(c, key, b, corrects));
  const charges = p ? piecesOf(c, p).map((x) => pieceItem(c, key, x, corrects)) : [];
  return withoutNoOps(reversals, charges);
}

/**
 * The correction a change makes to a billed period, when the period was billed as the previous
 * versions make due (`billed` equals their due): from the first day the versions differ, the
 * previous versions' pieces reversed and the new ones' charged. The rounding cent that a changed
 * contract's months can move sits on the (last) charge. Null when the ledger does not match the
 * previous versions (then the caller corrects the whole period).
 */
export function windowCorrection(i: {
  before: Charge; after: Charge; key: PeriodKey; pb: ScheduledPeriod | null; pa: ScheduledPeriod | null; live: readonly BilledItem[]; from: Day;
}): InvoiceItemDraft[] | null {
  const billed = { amount: sum(i.live), tax: sumTax(i.live) };
  const dueBefore = i.pb ? piecesOf(i.before, i.pb) : [];
  if (!sum(dueBefore).eq(billed.amount) || !sumTax(dueBefore).eq(billed.tax)) return null;
  const dueAfter = i.pa ? piecesOf(i.after, i.pa) : [];
  const owed = { amount: sum(dueAfter).minus(billed.amount), tax: sumTax(dueAfter).minus(billed.tax) };
  if (owed.amount.isZero() && owed.tax.isZero()) return [];
  const corrects = correctedItemOf(i.live);
  const reversals = i.pb ? piecesOf(i.before, i.pb, i.from).map((x) => reversedPiece(i.before, i.key, x, corrects)) : [];
  const charges = i.pa ? piecesOf(i.after, i.pa, i.from).map((x) => pieceItem(i.after, i.key, x, corrects)) : [];
  const items = withoutNoOps(reversals, charges);
  const rest = { amount: owed.amount.minus(sum(items)), tax: owed.tax.minus(sumTax(items)) };
  if (!rest.amount.isZero() || !rest.tax.isZero()) {
    const last = [...items].reverse().find((x) => x.amount.gt(0) || x.quantity.gt(0)) ?? items.at(-1);
    if (!last) return null;
    last.amount = last.amount.plus(rest.amount);
    last.taxAmount = last.taxAmount.plus(rest.tax);
  }
  // reversals first, then charges, each by date (dates are YYYY-MM-DD: they sort as text)
  return items.sort((a, b) => Number(b.amount.lt(0)) - Number(a.amount.lt(0)) || a.startDate.localeCompare(b.startDate));
}

/**
 * What billed a period, as a charge: each billed item is a window of the version it names (items
 * carry their version's id), at that version's monthly amount. Null when the items are not plain
 * pieces of versions still in the chain (corrections, overrides): the period is then corrected whole.
 */
export function billedAsCharge(c: Charge, live: readonly BilledItem[]): Charge | null {
  const segments = segmentsOf(c);
  const out: Segment[] = [];
  for (const b of [...live].sort((x, y) => (x.startDate ?? '').localeCompare(y.startDate ?? ''))) {
    if (b.correctsInvoiceItemId || !b.startDate || !b.endDate || !b.quantity || !b.netSalesPrice) return null;
    const s = segments.find((x) => x.assetId === b.assetId);
    if (!s || !s.quantity.eq(b.quantity) || !s.netSalesPrice.eq(b.netSalesPrice)) return null;
    const from = parseDate(b.startDate, 'startDate');
    if (out.length > 0 && compareDates(from, out.at(-1)!.to!) <= 0) return null;
    out.push({ ...s, from, to: parseDate(b.endDate, 'endDate') });
  }
  return out.length > 0 ? { ...c, segments: out } : null;
}

/**
 * A billed period's correction in a billing run: windowed against what billed it when that is
 * known item by item, else the whole period reversed and charged again.
 */
export function periodCorrection(c: Charge, p: ScheduledPeriod, live: readonly BilledItem[]): InvoiceItemDraft[] {
  const before = billedAsCharge(c, live);
  const from = before && firstDifference(before, c, p.start, p.end);
  return (before && from && windowCorrection({ before, after: c, key: p, pb: p, pa: p, live, from })) || fullCorrection(c, p, p, live);
}
