import { Dec } from '../../core/money.js';

// What a credit holds, and what converting part of it credits. Pure.
//
// A product with a credit conversion sells credits: `uomQuantity` units buy `creditQuantity` credits,
// rounded to `decimalScale` places by `roundingMode` (seed 002 part A §6). The customer paid the
// line's totalPrice for them; that cash is what a conversion can give back as a credit memo, at the
// line's unit price (seed TC-4: 50 converted at 2.00 a unit is a memo item of quantity 25).

export interface Conversion { uomQuantity: string; creditQuantity: string; decimalScale: number; roundingMode: 'Up' | 'Down' }

export interface Grant { quantity: Dec; amount: Dec; unitPrice: Dec }

export function creditGrant(line: { quantity: string; totalPrice: string; netSalesPrice: string }, c: Conversion): Grant | null {
  const per = new Dec(c.uomQuantity);
  if (per.lte(0)) return null;
  const quantity = new Dec(line.quantity).times(c.creditQuantity).dividedBy(per)
    .toDecimalPlaces(c.decimalScale, c.roundingMode === 'Up' ? Dec.ROUND_UP : Dec.ROUND_DOWN);
  const amount = new Dec(line.totalPrice);
  if (amount.lte(0) && quantity.lte(0)) return null;
  return { quantity, amount: Dec.max(amount, 0), unitPrice: new Dec(line.netSalesPrice) };
}

/** The asset quantity a converted amount stands for (6 places; 0 when the credit was free). */
export function convertedQuantity(amount: Dec, unitPrice: Dec): Dec {
  return unitPrice.gt(0) ? amount.dividedBy(unitPrice).toDecimalPlaces(6, Dec.ROUND_HALF_UP) : new Dec(0);
}
