import { Dec, roundMoney } from '../core/money.js';
import type { PricedLine, PriceLineInput, PricingTag, TermDimension } from './model.js';
import { tierContaining, tieredTotal, volumeTotal } from './tiers.js';

// Prices one line (DESIGN "Pricing" and "Metrics"). Pure: the caller supplies the catalog data,
// the quantity and term, and the instant the tags' windows are read at.
//   list price → a price tag may replace the unit price → discount tags in serialNumber order, each
//   on the running price → a manual discount (percent or amount).
// listTotalPrice = listPrice × qty × term; subtotal = salesPrice × qty × term; totalPrice =
// netSalesPrice × qty × term; each rounded once to the currency. term = 1 for one-time lines and
// UOMs without a term dimension.

const ZERO = new Dec(0);
const HUNDRED = new Dec(100);
const round6 = (x: Dec) => x.toDecimalPlaces(6, Dec.ROUND_HALF_UP);

/** Quantities round to the UOM's decimal scale, Up (away from zero) or Down. */
export function roundQuantity(q: Dec, uom: { decimalScale: number; roundingMode: 'Up' | 'Down' }): Dec {
  return q.toDecimalPlaces(uom.decimalScale, uom.roundingMode === 'Up' ? Dec.ROUND_UP : Dec.ROUND_DOWN);
}

/** Months in a term of n units: Year 12, Week 12/52, Day 12/365. */
export function termMonths(n: number, dim: TermDimension): Dec {
  switch (dim) {
    case 'Month': return new Dec(n);
    case 'Year': return new Dec(n).times(12);
    case 'Week': return new Dec(n).times(12).dividedBy(52);
    case 'Day': return new Dec(n).times(12).dividedBy(365);
    default: return ZERO;
  }
}

/** A unit price per term-dimension unit, as a price per month (Year ÷ 12, Week × 52/12, Day × 365/12). */
export function monthlyPrice(unit: Dec, dim: TermDimension): Dec {
  switch (dim) {
    case 'Year': return unit.dividedBy(12);
    case 'Week': return unit.times(52).dividedBy(12);
    case 'Day': return unit.times(365).dividedBy(12);
    default: return unit;
  }
}

/** A tag counts while active and inside its window. */
export function isTagLive(tag: PricingTag, at: string): boolean {
  if (!tag.active) return false;
  const t = Date.parse(at);
  if (tag.startTime && Date.parse(tag.startTime) > t) return false;
  if (tag.endTime && Date.parse(tag.endTime) < t) return false;
  return true;
}

export function priceLine(i: PriceLineInput): PricedLine {
  const quantity = roundQuantity(i.quantity, i.uom);
  const chargeable = Dec.max(0, quantity.minus(i.includedQuantity ?? 0));
  const hasTerm = i.priceModel === 'Recurring' && i.uom.termDimension !== null;
  const term = hasTerm ? i.term : 1;
  const months = hasTerm ? termMonths(term, i.uom.termDimension) : ZERO;
  const qt = chargeable.times(term);
  const live = i.tags.filter((t) => isTagLive(t, i.pricingTime));
  const lookup = (t: PricingTag) => (t.priceTagType === 'Term' ? new Dec(term) : chargeable);

  // price tag: the first live one replaces the unit price
  let unit = i.listPrice;
  let derived = false; // the unit price came from a graduated total: net is shown to 6 decimals
  const applied: string[] = [];
  const priceTag = live.find((t) => t.recordType === 'PriceDimension' && t.tiers.length > 0);
  if (priceTag && chargeable.gt(0)) {
    applied.push(priceTag.code);
    if (priceTag.priceType === 'Tiered' && priceTag.priceTagType === 'Quantity') {
      unit = tieredTotal(priceTag.tiers, chargeable).dividedBy(chargeable);
      derived = true;
    } else if (priceTag.priceTagType === 'Quantity') {
      unit = volumeTotal(priceTag.tiers, chargeable).dividedBy(chargeable);
    } else {
      const tier = tierContaining(priceTag.tiers, lookup(priceTag));
      unit = tier?.amount ?? unit;
    }
  }
  // discount tags, in order, each on the running price
  for (const tag of live.filter((t) => t.recordType === 'DiscountDimension')) {
    const pct = tierContaining(tag.tiers, lookup(tag))?.discountPercentage;
    if (!pct || pct.isZero()) continue;
    applied.push(tag.code);
    unit = unit.times(HUNDRED.minus(pct)).dividedBy(HUNDRED);
  }
  if (i.included) unit = ZERO;

  const salesPrice = unit;
  const listTotalPrice = i.priceModel === 'Usage' ? ZERO : roundMoney(i.listPrice.times(quantity).times(term), i.currency);
  const subtotal = i.priceModel === 'Usage' ? ZERO : roundMoney(salesPrice.times(qt), i.currency);
  let net = salesPrice;
  let totalPrice: Dec;
  if (i.discountAmount !== undefined && !i.discountAmount.isZero()) {
    totalPrice = Dec.max(0, subtotal.minus(roundMoney(i.discountAmount, i.currency)));
    derived = true;
  } else {
    if (i.discountPercent) net = net.times(HUNDRED.minus(i.discountPercent)).dividedBy(HUNDRED);
    totalPrice = i.priceModel === 'Usage' ? ZERO : roundMoney(net.times(qt), i.currency);
  }
  if (derived) net = qt.isZero() ? net : round6(totalPrice.dividedBy(qt));
  const discountAmount = subtotal.minus(totalPrice);
  const discount = i.discountPercent ?? (subtotal.isZero() ? ZERO : round6(discountAmount.times(100).dividedBy(subtotal)));
  const systemDiscountAmount = listTotalPrice.minus(subtotal);
  const systemDiscount = i.listPrice.isZero() || i.included ? ZERO : round6(HUNDRED.minus(salesPrice.times(100).dividedBy(i.listPrice)));

  // metrics: recurring lines only
  const recurring = i.priceModel === 'Recurring';
  const monthly = recurring ? monthlyPrice(qt.isZero() ? net : totalPrice.dividedBy(qt), i.uom.termDimension) : ZERO;
  const deltaCMRR = recurring ? roundMoney(monthly.times(chargeable), i.currency) : ZERO;
  const deltaTCV = totalPrice;
  const deltaACV = recurring && months.gt(0) ? roundMoney(deltaTCV.times(12).dividedBy(Dec.max(12, months)), i.currency) : deltaTCV;

  return {
    quantity, chargeableQuantity: chargeable, term, termMonths: months, listPrice: i.listPrice,
    salesPrice: derived && !qt.isZero() ? round6(salesPrice) : salesPrice, netSalesPrice: net,
    listTotalPrice, subtotal, systemDiscount, systemDiscountAmount, discount, discountAmount, totalPrice, appliedTags: applied,
    monthlyPrice: monthly, deltaCMRR, deltaARR: deltaCMRR.times(12), deltaTCV, deltaACV,
  };
}
