import { randomUUID } from 'node:crypto';
import { Dec, roundMoney } from '../core/money.js';
import type { VersionRow } from '../assets/model.js';
import type { NewVersion } from '../assets/provisioning.js';
import type { AssetPlan, AssetState, ChangeStep } from './model.js';

// The rows a planned change order writes (DESIGN "Change orders"). Pure: the caller values the
// contract before and after each step (billing's contract value) and passes the figures in.
//   per changed asset: one SummaryItem (the resulting state, isChange false, no deltas)
//                      + one LineItem per change (isChange true, its delta, summaryItemId);
//   one new version from the changes' date (+ the version a temporary change returns to);
//   order totals count the change lines only.

export interface StepFigures { deltaTCV: Dec; deltaTax: Dec; deltaCMRR: Dec; windowMonths: Dec }
export interface VersionFigures { totalPrice: Dec; taxAmount: Dec }

export interface AssetRows {
  summary: Record<string, unknown>;
  changes: Record<string, unknown>[];
  versions: NewVersion[];
}

const KIND_TYPE: Record<string, string> = { Subscription: 'Subscription', Asset: 'Physical Good', Entitlement: 'Service' };

/** The line columns every change-order line shares, from the asset's latest version. */
function lineBase(tenantId: string, orderId: string, v: VersionRow) {
  return {
    tenant_id: tenantId, order_id: orderId, status: 'Draft', parent_id: null, level: 1, product_id: v.product_id, product_name: v.product_name, sku: null,
    price_book_entry_id: v.price_book_entry_id, product_option_id: null, uom_id: v.uom_id, term_dimension: v.term_dimension, price_model: v.price_model,
    product_type: KIND_TYPE[v.kind] ?? 'Subscription', bundled: v.bundled, included_quantity: v.included_units, billing_timing: v.billing_timing,
    billing_period: v.billing_period, bill_cycle_day: v.bill_cycle_day, bill_cycle_start_month: v.bill_cycle_start_month, tax_code: null, tax_mode: 'Exclusive',
    discount: '0', discount_amount: '0', system_discount: '0', system_discount_amount: '0', applied_tags: [], change_asset_number: v.asset_number,
    custom_fields: {},
  };
}

const months12 = new Dec(12);

export function assetRows(i: {
  tenantId: string; orderId: string; sortFrom: number; latest: VersionRow; nextVersion: number; plan: AssetPlan; steps: StepFigures[]; finalFigures: VersionFigures[];
  currency: string; newId?: () => string;
}): AssetRows {
  const id = i.newId ?? randomUUID;
  const v = i.latest;
  const base = lineBase(i.tenantId, i.orderId, v);
  const final = i.plan.versions[0]!.state;
  const summaryId = id();
  const money = (d: Dec) => d.toString();
  const f0 = i.finalFigures[0]!;
  const summary = {
    ...base, id: summaryId, sort_order: i.sortFrom, line_type: 'SummaryItem', is_change: false, root_id: summaryId, change_type: null, summary_item_id: null,
    quantity: final.quantity.toString(), subscription_term: final.term, subscription_start_date: final.startDate, subscription_end_date: final.endDate,
    free_trial_end_date: final.freeTrialEndDate, auto_renew: final.autoRenew, renewal_term: final.renewalTerm, cancellation_date: final.cancellationDate,
    list_price: money(final.listPrice), sales_price: money(final.salesPrice), net_sales_price: money(final.netSalesPrice), monthly_price: money(final.monthlyPrice),
    list_total_price: money(f0.totalPrice), subtotal: money(f0.totalPrice), total_price: money(f0.totalPrice), tax_percentage: '0',
    tax_amount: money(f0.taxAmount), total_amount: money(f0.totalPrice.plus(f0.taxAmount)),
    delta_cmrr: '0', delta_arr: '0', delta_acv: '0', delta_tcv: '0', description: null, ref_id: null,
  };
  const changes = i.plan.steps.map((step: ChangeStep, k) => {
    const f = i.steps[k]!;
    const lineId = id();
    const acv = roundMoney(f.deltaTCV.times(12).dividedBy(Dec.max(months12, f.windowMonths)), i.currency);
    return {
      ...base, id: lineId, sort_order: i.sortFrom + 1 + k, line_type: 'LineItem', is_change: true, root_id: summaryId, change_type: step.change.changeType,
      summary_item_id: summaryId, quantity: changeQuantity(step, k === 0 ? stateOf(v) : i.plan.steps[k - 1]!.after).toString(),
      subscription_term: step.after.term, subscription_start_date: step.window.from, subscription_end_date: step.window.to,
      free_trial_end_date: step.after.freeTrialEndDate, auto_renew: step.after.autoRenew, renewal_term: step.after.renewalTerm, cancellation_date: step.after.cancellationDate,
      list_price: money(step.after.listPrice), sales_price: money(step.after.salesPrice), net_sales_price: money(step.after.netSalesPrice), monthly_price: money(step.after.monthlyPrice),
      list_total_price: money(f.deltaTCV), subtotal: money(f.deltaTCV), total_price: money(f.deltaTCV), tax_percentage: '0', tax_amount: money(f.deltaTax),
      total_amount: money(f.deltaTCV.plus(f.deltaTax)), delta_cmrr: money(f.deltaCMRR), delta_arr: money(f.deltaCMRR.times(12)), delta_acv: money(acv),
      delta_tcv: money(f.deltaTCV), description: null, ref_id: null,
    };
  });
  const deltaTCV = i.steps.reduce((a, s) => a.plus(s.deltaTCV), new Dec(0));
  const deltaACV = changes.reduce((a, c) => a.plus(c.delta_acv), new Dec(0));
  let previous = v;
  const versions: NewVersion[] = i.plan.versions.map((pv, k) => {
    const f = i.finalFigures[k]!;
    const { created_at: _c, custom_fields: _f, ...from } = previous as VersionRow;
    const row: NewVersion = {
      ...from, id: id(), version: i.nextVersion + k, last_versioned_id: previous.id, order_id: i.orderId, order_product_id: summaryId, status: 'Active',
      quantity: pv.state.quantity.toString(), start_date: pv.state.startDate, end_date: pv.state.endDate, free_trial_end_date: pv.state.freeTrialEndDate,
      term: pv.state.term, renewal_term: pv.state.renewalTerm, auto_renew: pv.state.autoRenew, evergreen: pv.state.evergreen,
      list_price: money(pv.state.listPrice), sales_price: money(pv.state.salesPrice), net_sales_price: money(pv.state.netSalesPrice),
      monthly_price: money(pv.state.monthlyPrice), total_price: money(f.totalPrice), tax_amount: money(f.taxAmount),
      total_amount: money(f.totalPrice.plus(f.taxAmount)), tcv: money(f.totalPrice),
      // the whole delta sits on the order's first new version: the chain's TCV is the sum of deltas
      delta_tcv: money(k === 0 ? deltaTCV : new Dec(0)), delta_acv: money(k === 0 ? deltaACV : new Dec(0)),
      effective_from: pv.from, effective_to: null, cancellation_date: pv.state.cancellationDate,
    };
    previous = { ...row, created_at: new Date(), custom_fields: {} };
    return row;
  });
  return { summary, changes, versions };
}

/** A change line's quantity: the units added or removed, the units canceled (negative), else the asset's units. */
function changeQuantity(step: ChangeStep, before: AssetState): Dec {
  if (step.change.changeType === 'UpdateQuantity') return step.change.quantity!;
  if (step.change.changeType === 'Cancel') return before.quantity.negated();
  return step.after.quantity;
}

/** A stored version's contract state. */
export function stateOf(v: VersionRow): AssetState {
  return {
    quantity: new Dec(v.quantity), startDate: v.start_date, endDate: v.end_date, freeTrialEndDate: v.free_trial_end_date, term: v.term,
    termDimension: v.term_dimension, renewalTerm: v.renewal_term, autoRenew: v.auto_renew, evergreen: v.evergreen, listPrice: new Dec(v.list_price),
    salesPrice: new Dec(v.sales_price), netSalesPrice: new Dec(v.net_sales_price), monthlyPrice: new Dec(v.monthly_price), cancellationDate: v.cancellation_date,
  };
}
