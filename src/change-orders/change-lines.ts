import { randomUUID } from 'node:crypto';
import { Dec, roundMoney } from '../core/money.js';
import type { AssetVersion } from '../assets/model.js';
import type { NewVersion } from '../assets/provisioning.js';
import type { ChangeLine } from '../orders/model.js';
import type { ChangeTax } from '../orders/service.js';
import type { AssetPlan, AssetState, ChangeStep } from './model.js';

// The rows a planned change order writes (DESIGN "Change orders"). Pure: the caller values the
// contract before and after each step (billing's contract value) and passes the figures in.
//   per changed asset: one SummaryItem (the resulting state, isChange false, no deltas)
//                      + one LineItem per change (isChange true, its delta, summaryItemId);
//   lines are the orders domain's ChangeLine (orders writes them);
//   one new version from the changes' date (+ the version a temporary change returns to);
//   order totals count the change lines only.

export interface StepFigures { deltaTCV: Dec; deltaCMRR: Dec; windowMonths: Dec }
/** A version's own figures; `taxPercentage` the rate it is taxed at (undefined: the previous version's, null: none, its tax spread). */
export interface VersionFigures { totalPrice: Dec; taxAmount: Dec; taxPercentage?: string | null }

export interface AssetRows {
  summary: ChangeLine;
  changes: ChangeLine[];
  versions: NewVersion[];
}

const KIND_TYPE: Record<string, string> = { Subscription: 'Subscription', Asset: 'Physical Good', Entitlement: 'Service' };

/** What every line of an asset's changes shares, from its latest version. */
function lineBase(v: AssetVersion) {
  return {
    productId: v.productId, productName: v.productName, priceBookEntryId: v.priceBookEntryId, uomId: v.uomId, termDimension: v.termDimension,
    priceModel: v.priceModel, productType: KIND_TYPE[v.kind] ?? 'Subscription', bundled: v.bundled, includedQuantity: v.includedUnits,
    billingTiming: v.billingTiming, billingPeriod: v.billingPeriod, billCycleDay: v.billCycleDay, billCycleStartMonth: v.billCycleStartMonth,
    changeAssetNumber: v.assetNumber,
  };
}

const months12 = new Dec(12);
const zero = new Dec(0);

export function assetRows(i: {
  orderId: string; sortFrom: number; latest: AssetVersion; nextVersion: number; plan: AssetPlan; steps: StepFigures[]; finalFigures: VersionFigures[];
  currency: string; newId?: () => string;
}): AssetRows {
  const id = i.newId ?? randomUUID;
  const v = i.latest;
  const base = lineBase(v);
  const final = i.plan.versions[0]!.state;
  const summaryId = id();
  const money = (d: Dec) => d.toString();
  const f0 = i.finalFigures[0]!;
  const summary: ChangeLine = {
    ...base, id: summaryId, sortOrder: i.sortFrom, lineType: 'SummaryItem', isChange: false, rootId: summaryId, changeType: null, summaryItemId: null,
    quantity: final.quantity, term: final.term, startDate: final.startDate, endDate: final.endDate,
    freeTrialEndDate: final.freeTrialEndDate, autoRenew: final.autoRenew, renewalTerm: final.renewalTerm, cancellationDate: final.cancellationDate,
    listPrice: final.listPrice, salesPrice: final.salesPrice, netSalesPrice: final.netSalesPrice, monthlyPrice: final.monthlyPrice,
    listTotalPrice: f0.totalPrice, subtotal: f0.totalPrice, totalPrice: f0.totalPrice,
    taxAmount: f0.taxAmount, totalAmount: f0.totalPrice.plus(f0.taxAmount),
    deltaCMRR: zero, deltaARR: zero, deltaACV: zero, deltaTCV: zero,
  };
  const changes = i.plan.steps.map((step: ChangeStep, k): ChangeLine => {
    const f = i.steps[k]!;
    const lineId = id();
    const acv = roundMoney(f.deltaTCV.times(12).dividedBy(Dec.max(months12, f.windowMonths)), i.currency);
    return {
      ...base, id: lineId, sortOrder: i.sortFrom + 1 + k, lineType: 'LineItem', isChange: true, rootId: summaryId, changeType: step.change.changeType,
      summaryItemId: summaryId, quantity: changeQuantity(step, k === 0 ? stateOf(v) : i.plan.steps[k - 1]!.after),
      term: step.after.term, startDate: step.window.from, endDate: step.window.to,
      freeTrialEndDate: step.after.freeTrialEndDate, autoRenew: step.after.autoRenew, renewalTerm: step.after.renewalTerm, cancellationDate: step.after.cancellationDate,
      listPrice: step.after.listPrice, salesPrice: step.after.salesPrice, netSalesPrice: step.after.netSalesPrice, monthlyPrice: step.after.monthlyPrice,
      // taxed by taxLines once the contract's values are known
      listTotalPrice: f.deltaTCV, subtotal: f.deltaTCV, totalPrice: f.deltaTCV, taxAmount: zero,
      totalAmount: f.deltaTCV, deltaCMRR: f.deltaCMRR, deltaARR: f.deltaCMRR.times(12), deltaACV: acv,
      deltaTCV: f.deltaTCV,
    };
  });
  const deltaTCV = i.steps.reduce((a, s) => a.plus(s.deltaTCV), new Dec(0));
  const deltaACV = changes.reduce((a, c) => a.plus(c.deltaACV), new Dec(0));
  let previous: AssetVersion | NewVersion = v;
  const versions: NewVersion[] = i.plan.versions.map((pv, k) => {
    const row: NewVersion = {
      ...versionIn(previous, pv.from, pv.state, i.finalFigures[k]!), id: id(), version: i.nextVersion + k, lastVersionedId: previous.id, orderId: i.orderId,
      orderProductId: summaryId, status: 'Active',
      // the whole delta sits on the order's first new version: the chain's TCV is the sum of deltas
      deltaTCV: money(k === 0 ? deltaTCV : new Dec(0)), deltaACV: money(k === 0 ? deltaACV : new Dec(0)),
    };
    previous = row;
    return row;
  });
  return { summary, changes, versions };
}

/** A version in the contract state `s` from `from`, on top of `previous` (its product, billing settings and
 * ids): what change orders value while planning, and what assetRows writes with its own ids. */
export function versionIn(previous: AssetVersion | NewVersion, from: string, s: AssetState, f: VersionFigures): NewVersion {
  const { createdAt: _c, customFields: _f, ...base } = previous as AssetVersion;
  const money = (d: Dec) => d.toString();
  return {
    ...base, quantity: s.quantity.toString(), startDate: s.startDate, endDate: s.endDate, freeTrialEndDate: s.freeTrialEndDate,
    term: s.term, renewalTerm: s.renewalTerm, autoRenew: s.autoRenew, evergreen: s.evergreen,
    listPrice: money(s.listPrice), salesPrice: money(s.salesPrice), netSalesPrice: money(s.netSalesPrice),
    monthlyPrice: money(s.monthlyPrice), totalPrice: money(f.totalPrice), taxAmount: money(f.taxAmount),
    taxPercentage: f.taxPercentage === undefined ? base.taxPercentage : f.taxPercentage,
    totalAmount: money(f.totalPrice.plus(f.taxAmount)), tcv: money(f.totalPrice),
    effectiveFrom: from, effectiveTo: null, cancellationDate: s.cancellationDate,
  };
}

/**
 * An asset's lines taxed (DESIGN §4 Tax): change line k takes tax(T_k) − tax(T_{k−1}), with T_0 the
 * contract's value before the order and T_k after its k-th change, all at the rate in effect now —
 * so the taxes of all the asset's lines add up to tax(T) of the contract as it stands. Every line
 * carries the rate and how it came about (AddressMissing and NoRate tax 0, never silently).
 */
export function taxLines(rows: { summary: ChangeLine; changes: ChangeLine[] }, values: readonly Dec[], t: ChangeTax & { taxOf: (total: Dec) => Dec }) {
  const mark = (l: ChangeLine): ChangeLine => ({ ...l, taxStatus: t.status, taxPercentage: t.rate });
  const changes = rows.changes.map((l, k) => {
    const taxAmount = t.taxOf(values[k + 1]!).minus(t.taxOf(values[k]!));
    // Inclusive (as an order line): the value holds the tax, the line's totalPrice is the rest
    return t.mode === 'Inclusive'
      ? { ...mark(l), taxAmount, totalPrice: l.totalPrice.minus(taxAmount), totalAmount: l.totalPrice }
      : { ...mark(l), taxAmount, totalAmount: l.totalPrice.plus(taxAmount) };
  });
  return { summary: mark(rows.summary), changes };
}

/** A change line's quantity: the units added or removed, the units canceled (negative), else the asset's units. */
function changeQuantity(step: ChangeStep, before: AssetState): Dec {
  if (step.change.changeType === 'UpdateQuantity') return step.change.quantity!;
  if (step.change.changeType === 'Cancel') return before.quantity.negated();
  return step.after.quantity;
}

/** A stored version's contract state. */
export function stateOf(v: AssetVersion): AssetState {
  return {
    quantity: new Dec(v.quantity), startDate: v.startDate, endDate: v.endDate, freeTrialEndDate: v.freeTrialEndDate, term: v.term,
    termDimension: v.termDimension, renewalTerm: v.renewalTerm, autoRenew: v.autoRenew, evergreen: v.evergreen, listPrice: new Dec(v.listPrice),
    salesPrice: new Dec(v.salesPrice), netSalesPrice: new Dec(v.netSalesPrice), monthlyPrice: new Dec(v.monthlyPrice), cancellationDate: v.cancellationDate,
  };
}
