import { randomUUID } from 'node:crypto';
import { parseDate, termEndDate, type TermUnit } from '../core/dates.js';
import { Dec, roundMoney } from '../core/money.js';
import { termMonths } from '../pricing/price-line.js';
import type { TermDimension } from '../pricing/model.js';
import type { VersionRow } from './model.js';
import type { NewVersion } from './provisioning.js';

// Auto-renewal (DESIGN "Billing"): when billing reaches an auto-renew subscription's end date, it
// renews for its renewal term at the current price, as a new version that continues from end + 1
// day. Terms count from the original start, so renewals never drift. Pure.

/** Terms count from the paid start: the day after a free trial, else the start. */
function paidStart(v: VersionRow) {
  return v.free_trial_end_date ? parseDate(v.free_trial_end_date, 'freeTrialEndDate').add({ days: 1 }) : parseDate(v.start_date, 'start');
}

export function planRenewal(v: VersionRow, newId: () => string = randomUUID): NewVersion | null {
  if (!v.auto_renew || v.status !== 'Active' || v.price_model !== 'Recurring' || !v.end_date || !v.term || !v.renewal_term || !v.term_dimension) return null;
  const dim = v.term_dimension as TermUnit;
  const term = v.term + v.renewal_term;
  const chargeable = Dec.max(0, new Dec(v.quantity).minus(v.included_units));
  const total = roundMoney(new Dec(v.monthly_price).times(chargeable).times(termMonths(term, dim as TermDimension)), v.currency_iso_code);
  const oldTotal = new Dec(v.total_price);
  // the renewal keeps the tax rate the line had
  const tax = oldTotal.isZero() ? new Dec(0) : roundMoney(new Dec(v.tax_amount).times(total).dividedBy(oldTotal), v.currency_iso_code);
  const delta = total.minus(oldTotal);
  const renewalMonths = termMonths(v.renewal_term, dim as TermDimension);
  const { created_at: _c, custom_fields: _f, ...base } = v;
  return {
    ...base, id: newId(), version: v.version + 1, last_versioned_id: v.id, term,
    end_date: termEndDate(paidStart(v), term, dim).toString(),
    total_price: total.toString(), tax_amount: tax.toString(), total_amount: total.plus(tax).toString(), tcv: total.toString(),
    delta_tcv: delta.toString(), delta_acv: roundMoney(delta.times(12).dividedBy(Dec.max(12, renewalMonths)), v.currency_iso_code).toString(),
    effective_from: parseDate(v.end_date, 'end').add({ days: 1 }).toString(), effective_to: null,
  };
}
