import { randomUUID } from 'node:crypto';
import { parseDate, termEndDate, type TermUnit } from '../core/dates.js';
import { Dec, roundMoney } from '../core/money.js';
import { termMonths } from '../pricing/price-line.js';
import type { TermDimension } from '../pricing/model.js';
import type { AssetVersion } from './model.js';
import type { NewVersion } from './provisioning.js';

// Auto-renewal (DESIGN "Billing"): when billing reaches an auto-renew subscription's end date, it
// renews for its renewal term at the current price, as a new version that continues from end + 1
// day. Terms count from the original start, so renewals never drift. Pure.

/** Terms count from the paid start: the day after a free trial, else the start. */
function paidStart(v: AssetVersion) {
  return v.freeTrialEndDate ? parseDate(v.freeTrialEndDate, 'freeTrialEndDate').add({ days: 1 }) : parseDate(v.startDate, 'start');
}

export function planRenewal(v: AssetVersion, newId: () => string = randomUUID): NewVersion | null {
  if (!v.autoRenew || v.status !== 'Active' || v.priceModel !== 'Recurring' || !v.endDate || !v.term || !v.renewalTerm || !v.termDimension) return null;
  const dim = v.termDimension as TermUnit;
  const term = v.term + v.renewalTerm;
  const chargeable = Dec.max(0, new Dec(v.quantity).minus(v.includedUnits));
  const total = roundMoney(new Dec(v.monthlyPrice).times(chargeable).times(termMonths(term, dim as TermDimension)), v.currency);
  const oldTotal = new Dec(v.totalPrice);
  // the renewal keeps the tax rate the line had: its percent when it has one, else its tax over its total
  const tax = v.taxPercentage !== null ? roundMoney(total.times(v.taxPercentage).dividedBy(100), v.currency)
    : oldTotal.isZero() ? new Dec(0) : roundMoney(new Dec(v.taxAmount).times(total).dividedBy(oldTotal), v.currency);
  const delta = total.minus(oldTotal);
  const renewalMonths = termMonths(v.renewalTerm, dim as TermDimension);
  const { createdAt: _c, customFields: _f, ...base } = v;
  return {
    ...base, id: newId(), version: v.version + 1, lastVersionedId: v.id, term,
    endDate: termEndDate(paidStart(v), term, dim).toString(),
    totalPrice: total.toString(), taxAmount: tax.toString(), totalAmount: total.plus(tax).toString(), tcv: total.toString(),
    deltaTCV: delta.toString(), deltaACV: roundMoney(delta.times(12).dividedBy(Dec.max(12, renewalMonths)), v.currency).toString(),
    effectiveFrom: parseDate(v.endDate, 'end').add({ days: 1 }).toString(), effectiveTo: null,
  };
}
