import { randomUUID } from 'node:crypto';
import { kindFor, type AssetKind, type ProvisionLine, type AssetVersion } from './model.js';

// Plans version 1 of every asset an activated order creates (DESIGN "Provisioning", "Versions").
// Pure: numbers are reserved by the caller, ids are made here. Bundle children point at their
// parent's and root's version-1 ids, with their level.

export type NewVersion = Omit<AssetVersion, 'createdAt' | 'customFields'>;

export function planProvisioning(i: {
  lines: readonly ProvisionLine[]; orderId: string; customerId: string;
  numbers: Record<AssetKind, string[]>; newId?: () => string;
}): NewVersion[] {
  const newId = i.newId ?? randomUUID;
  const taken: Record<AssetKind, number> = { Subscription: 0, Asset: 0, Entitlement: 0 };
  const byLine = new Map<string, NewVersion>();
  const out: NewVersion[] = [];
  for (const l of i.lines) {
    const kind = kindFor(l.productType);
    const number = i.numbers[kind][taken[kind]++];
    if (!number) throw new Error(`not enough ${kind} numbers reserved`);
    const id = newId();
    const parent = l.parentOrderProductId ? byLine.get(l.parentOrderProductId) : undefined;
    if (l.parentOrderProductId && !parent) throw new Error('a bundle child must follow its parent');
    const v: NewVersion = {
      id, kind, assetNumber: number, version: 1, status: 'Active', customerId: i.customerId, orderId: i.orderId,
      orderProductId: l.orderProductId, productId: l.productId, productName: l.productName, priceBookId: l.priceBookId,
      priceBookEntryId: l.priceBookEntryId, uomId: l.uomId, parentId: parent?.id ?? null, rootId: parent?.rootId ?? id,
      level: parent ? parent.level + 1 : 1, bundled: l.bundled, originalId: id, lastVersionedId: null,
      quantity: l.quantity, includedUnits: l.includedQuantity, startDate: l.startDate, endDate: l.endDate, freeTrialEndDate: l.freeTrialEndDate, term: l.term,
      termDimension: l.termDimension, renewalTerm: l.renewalTerm, autoRenew: l.autoRenew, evergreen: false, priceModel: l.priceModel,
      billingPeriod: l.billingPeriod, billingTiming: l.billingTiming, billCycleDay: l.billCycleDay, billCycleStartMonth: l.billCycleStartMonth,
      currency: l.currency, listPrice: l.listPrice, salesPrice: l.salesPrice, netSalesPrice: l.netSalesPrice,
      totalPrice: l.totalPrice, taxAmount: l.taxAmount, taxPercentage: l.taxPercentage, totalAmount: l.totalAmount, tcv: l.totalPrice,
      deltaTCV: l.deltaTCV, deltaACV: l.deltaACV, monthlyPrice: l.monthlyPrice,
      effectiveFrom: l.startDate, effectiveTo: null, cancellationDate: null, description: l.description,
    };
    byLine.set(l.orderProductId, v);
    out.push(v);
  }
  return out;
}

/** How many numbers of each kind an order needs. */
export function numbersNeeded(lines: readonly { productType: string }[]): Record<AssetKind, number> {
  const n: Record<AssetKind, number> = { Subscription: 0, Asset: 0, Entitlement: 0 };
  for (const l of lines) n[kindFor(l.productType)]++;
  return n;
}
