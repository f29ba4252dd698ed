import { conflict, invalid } from '../core/errors.js';
import { compareDates, parseDate, termEndDate, type PlainDate, type TermUnit } from '../core/dates.js';
import { Dec } from '../core/money.js';
import { termMonths } from '../pricing/price-line.js';
import type { TermDimension } from '../pricing/model.js';
import { APPLY_ORDER, type AssetChange, type AssetPlan, type AssetState, type ChangeStep } from './model.js';

// Applies one asset's changes to its latest state (DESIGN "Change orders"). Pure: "today" is an
// argument. Changes apply in a fixed order — ConvertFreeTrial, Renew, UpdateTerm, CoTerm, then
// UpdateQuantity and AdjustPrice (to the new end date), then Cancel — so the result is the same
// whatever order they were listed in. The asset gets one new version from the changes' date; a
// temporary change (an endDate before the contract's end) adds the version it returns to.

const D = (s: string) => parseDate(s, 'date');
const day = (d: PlainDate) => d.toString();
const DATED = new Set(['UpdateQuantity', 'AdjustPrice', 'ConvertFreeTrial', 'Reconfigure']);

export interface PlanInput {
  assetNumber: string;
  latest: AssetState;
  latestEffectiveFrom: string;
  priceModel: string;
  today: string;
  changes: readonly AssetChange[];
}

function paidStart(s: AssetState): PlainDate {
  return s.freeTrialEndDate ? D(s.freeTrialEndDate).add({ days: 1 }) : D(s.startDate);
}

function unit(s: AssetState, c: AssetChange): TermUnit {
  if (!s.termDimension) throw invalid('NOT_A_TERM', `${c.at}: ${c.assetNumber} has no term to change (its product has no term dimension)`);
  return s.termDimension as TermUnit;
}

/** Whether the state's end is its term's natural end (start + term − 1 day). */
function natural(s: AssetState): boolean {
  return !!(s.term && s.termDimension && s.endDate && day(termEndDate(paidStart(s), s.term, s.termDimension as TermUnit)) === s.endDate);
}

/** The end after moving it by n term units (from the natural end when it is one). */
function moveEnd(s: AssetState, n: number, c: AssetChange): { end: PlainDate; term: number } {
  const u = unit(s, c);
  const term = (s.term ?? 0) + n;
  if (natural(s)) return { end: termEndDate(paidStart(s), term, u), term };
  if (!s.endDate) throw invalid('EVERGREEN', `${c.at}: ${c.assetNumber} is evergreen; it has no end to move`);
  return { end: termEndDate(D(s.endDate).add({ days: 1 }), n, u), term };
}

/** The whole term units from the paid start that reach `end` (for display after a co-term). */
function unitsTo(s: AssetState, end: PlainDate, c: AssetChange): number {
  const u = unit(s, c);
  for (let n = 1; n <= 1200; n++) if (compareDates(termEndDate(paidStart(s), n, u), end) >= 0) return n;
  return 1200;
}

function monthlyFor(s: AssetState, net: Dec): Dec {
  if (!s.netSalesPrice.isZero()) return s.monthlyPrice.times(net).dividedBy(s.netSalesPrice);
  const perUnit = s.termDimension ? termMonths(1, s.termDimension as TermDimension) : new Dec(0);
  return perUnit.isZero() ? new Dec(0) : net.dividedBy(perUnit);
}

export function planAssetChanges(i: PlanInput): AssetPlan {
  const seen = new Set<string>();
  for (const c of i.changes) {
    if (seen.has(c.changeType)) throw invalid('DUPLICATE_CHANGE', `${c.at}: ${c.assetNumber} already has a ${c.changeType} change in this order`);
    seen.add(c.changeType);
  }
  const changes = [...i.changes].sort((a, b) => APPLY_ORDER[a.changeType] - APPLY_ORDER[b.changeType]);
  if (i.latest.cancellationDate) {
    const c = changes[0]!;
    throw conflict('ASSET_CANCELED', `${c.at}: ${c.assetNumber} was canceled from ${i.latest.cancellationDate}; it cannot change`);
  }
  const start = D(i.latest.startDate);
  // dated changes share one date: the new version's
  const defaultDate = day(compareDates(D(i.today), start) < 0 ? start : D(i.today));
  const dated = changes.filter((c) => DATED.has(c.changeType)).map((c) => ({ c, date: c.startDate ?? defaultDate }));
  const dates = [...new Set(dated.map((x) => x.date))];
  if (dates.length > 1) throw invalid('CONFLICTING_DATES', `${dated[1]!.c.at}/startDate: changes to ${i.assetNumber} in one order take effect on one date (${dates.join(' and ')} given)`);
  const cancel = changes.find((c) => c.changeType === 'Cancel');
  if (cancel && dates[0] && dates[0] >= cancel.cancellationDate!) {
    throw invalid('CHANGE_AFTER_CANCELLATION', `${dated[0]!.c.at}: ${i.assetNumber} is canceled from ${cancel.cancellationDate} in this order; no change can be dated on or after it`);
  }
  const renew = changes.find((c) => c.changeType === 'Renew');
  const effectiveFrom = dates[0]
    ?? (renew && i.latest.endDate ? day(D(i.latest.endDate).add({ days: 1 }))
      : cancel ? cancel.cancellationDate!
        : (i.latestEffectiveFrom > defaultDate ? i.latestEffectiveFrom : defaultDate));
  if (effectiveFrom < i.latestEffectiveFrom) {
    const c = dated[0]?.c ?? cancel ?? changes[0]!;
    throw conflict('STALE_CHANGE', `${c.at}: ${i.assetNumber}'s latest version took effect on ${i.latestEffectiveFrom}; a change cannot take effect before it (${effectiveFrom})`);
  }

  let s: AssetState = { ...i.latest };
  const reverts: { from: string; undo: (x: AssetState) => AssetState }[] = [];
  const steps: ChangeStep[] = [];
  const versionsOf = (state: AssetState) => {
    const out = [{ from: effectiveFrom, state }];
    let cur = state;
    for (const r of [...reverts].sort((a, b) => (a.from < b.from ? -1 : 1))) {
      if (cur.endDate && r.from > cur.endDate) continue;
      cur = r.undo(cur);
      out.push({ from: r.from, state: cur });
    }
    return out;
  };
  const inTerm = (c: AssetChange, d: string, field: string) => {
    if (d < i.latest.startDate) throw invalid('CHANGE_OUTSIDE_TERM', `${c.at}/${field} ${d} is before ${i.assetNumber} starts (${i.latest.startDate})`);
    if (s.endDate && d > s.endDate) throw invalid('CHANGE_OUTSIDE_TERM', `${c.at}/${field} ${d} is after ${i.assetNumber} ends (${s.endDate})`);
  };

  for (const c of changes) {
    let window: ChangeStep['window'];
    switch (c.changeType) {
      case 'ConvertFreeTrial': {
        if (!s.freeTrialEndDate || (c.startDate ?? i.today) > s.freeTrialEndDate) throw conflict('NOT_IN_TRIAL', `${c.at}: ${i.assetNumber} is not in a free trial (on ${c.startDate ?? i.today})`);
        let trialEnd: string | null = s.freeTrialEndDate;
        if (c.startDate && c.overrideTrialEnd && c.startDate <= s.freeTrialEndDate) trialEnd = c.startDate <= s.startDate ? null : day(D(c.startDate).subtract({ days: 1 }));
        const term = c.term ?? s.term;
        const next = { ...s, freeTrialEndDate: trialEnd, term };
        s = { ...next, endDate: term && s.termDimension ? day(termEndDate(paidStart(next), term, s.termDimension as TermUnit)) : s.endDate };
        window = { from: day(paidStart(s)), to: s.endDate };
        break;
      }
      case 'Renew': {
        if (!s.endDate) throw invalid('EVERGREEN', `${c.at}: ${i.assetNumber} is evergreen; there is nothing to renew`);
        const n = c.renewalTerm ?? s.renewalTerm;
        if (!n) throw invalid('INVALID_FIELD', `${c.at}/renewalTerm is required: ${i.assetNumber} has no default renewal term`);
        const moved = moveEnd(s, n, c);
        window = { from: day(D(s.endDate).add({ days: 1 })), to: day(moved.end) };
        s = { ...s, endDate: day(moved.end), term: moved.term };
        break;
      }
      case 'UpdateTerm': {
        if (!s.endDate) throw invalid('EVERGREEN', `${c.at}: ${i.assetNumber} is evergreen; it has no term to change`);
        const moved = moveEnd(s, c.term!, c);
        if (moved.term < 1 || compareDates(moved.end, paidStart(s)) < 0) throw invalid('TERM_TOO_SHORT', `${c.at}/term: ${i.assetNumber}'s term cannot go below one ${s.termDimension ?? 'unit'}`);
        window = c.term! > 0 ? { from: day(D(s.endDate).add({ days: 1 })), to: day(moved.end) } : { from: day(moved.end.add({ days: 1 })), to: s.endDate };
        s = { ...s, endDate: day(moved.end), term: moved.term };
        break;
      }
      case 'CoTerm': {
        const end = D(c.coTermDate!);
        if (compareDates(end, paidStart(s)) < 0) throw invalid('CHANGE_OUTSIDE_TERM', `${c.at}/coTermDate ${c.coTermDate} is before ${i.assetNumber}'s term starts`);
        window = !s.endDate || c.coTermDate! < s.endDate ? { from: day(end.add({ days: 1 })), to: s.endDate } : { from: day(D(s.endDate).add({ days: 1 })), to: c.coTermDate! };
        s = { ...s, endDate: c.coTermDate!, term: s.termDimension ? unitsTo(s, end, c) : s.term };
        break;
      }
      case 'UpdateQuantity': {
        const d = c.startDate ?? effectiveFrom;
        inTerm(c, d, 'startDate');
        const q = s.quantity.plus(c.quantity!);
        if (q.lt(0)) throw invalid('QUANTITY_BELOW_ZERO', `${c.at}/quantity: ${i.assetNumber} has ${s.quantity.toString()}; removing ${c.quantity!.negated().toString()} would leave less than none`);
        const temporary = c.endDate && (!s.endDate || c.endDate < s.endDate);
        const delta = c.quantity!;
        if (temporary) reverts.push({ from: day(D(c.endDate!).add({ days: 1 })), undo: (x) => ({ ...x, quantity: x.quantity.minus(delta) }) });
        window = { from: d, to: temporary ? c.endDate! : s.endDate };
        s = { ...s, quantity: q };
        break;
      }
      case 'AdjustPrice': {
        const d = c.startDate ?? effectiveFrom;
        inTerm(c, d, 'startDate');
        const net = (c.netSalesPrice ?? s.listPrice.times(new Dec(100).minus(c.discountPercentage!)).dividedBy(100)).toDecimalPlaces(6, Dec.ROUND_HALF_UP);
        const end = c.endDate ?? (c.term && s.termDimension ? day(termEndDate(D(d), c.term, s.termDimension as TermUnit)) : undefined);
        const temporary = end && (!s.endDate || end < s.endDate);
        const old = { net: s.netSalesPrice, sales: s.salesPrice, monthly: s.monthlyPrice };
        if (temporary) reverts.push({ from: day(D(end).add({ days: 1 })), undo: (x) => ({ ...x, netSalesPrice: old.net, salesPrice: old.sales, monthlyPrice: old.monthly }) });
        window = { from: d, to: temporary ? end : s.endDate };
        s = { ...s, netSalesPrice: net, salesPrice: net, monthlyPrice: i.priceModel === 'Recurring' ? monthlyFor(s, net) : s.monthlyPrice };
        break;
      }
      case 'Reconfigure': {
        const d = c.startDate ?? effectiveFrom;
        inTerm(c, d, 'startDate');
        window = { from: d, to: s.endDate };
        break;
      }
      case 'Cancel': {
        const cd = c.cancellationDate!;
        if (cd < i.latest.startDate) throw invalid('CHANGE_OUTSIDE_TERM', `${c.at}/cancellationDate ${cd} is before ${i.assetNumber} starts (${i.latest.startDate})`);
        if (s.endDate && cd > day(D(s.endDate).add({ days: 1 }))) throw invalid('CHANGE_OUTSIDE_TERM', `${c.at}/cancellationDate ${cd} is after ${i.assetNumber} ends (${s.endDate})`);
        window = { from: cd, to: s.endDate };
        s = { ...s, endDate: day(D(cd).subtract({ days: 1 })), cancellationDate: cd, autoRenew: false };
        break;
      }
    }
    steps.push({ change: c, after: s, window, versions: versionsOf(s) });
  }
  return { assetNumber: i.assetNumber, effectiveFrom, steps, versions: versionsOf(s) };
}
