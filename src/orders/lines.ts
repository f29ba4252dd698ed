import { randomUUID } from 'node:crypto';
import { invalid } from '../core/errors.js';
import { parseDate, termEndDate, type PlainDate, type TermUnit } from '../core/dates.js';
import { Dec, roundMoney } from '../core/money.js';
import type { ApiRecord } from '../metadata/records.js';
import type { PricedLine, PricingTag, PricingUom } from '../pricing/model.js';
import { priceLine } from '../pricing/price-line.js';
import type { TenantSettings } from '../tenancy/model.js';
import { combinedTaxStatus, lineTax, taxRateFor, type TaxAddress, type TaxRate, type TaxStatus } from '../tax/tax.js';
import type { LineRequest, OrderRequest } from './request.js';
import type { Order, OrderLine } from './model.js';

// Turns an order request into priced, taxed lines, with bundle options as child lines (DESIGN
// "Pricing", "Tax", "Billing"). Pure: the caller supplies the catalog trees, the customer's
// defaults, the tax rates and "today".

export interface PlanContext {
  today: string;
  calculatePrice: boolean;      // false: the client's netSalesPrice (and listPrice) are used as sent
  pricingTime: string;
  currency: string;
  settings: TenantSettings;
  customer: { billingPeriod: string | null; billCycleDay: number | null; billCycleStartMonth: number | null; taxExempt: boolean };
  /** `address`: the resolved tax address (tax/tax.ts resolveTaxAddress), null when none resolved. */
  tax: { enabled: boolean; rates: readonly TaxRate[]; address: TaxAddress | null };
}

export interface PlannedLine {
  id: string;
  parentId: string | null;
  rootId: string;
  level: number;
  sortOrder: number;
  at: string;
  request: LineRequest | null;          // null for bundle options added from the bundle's definition
  productOptionId: string | null;
  product: ApiRecord;
  entry: ApiRecord | null;
  uom: PricingUom;
  uomId: string | null;
  priceModel: 'Recurring' | 'One-Time' | 'Usage';
  productType: string;
  bundled: boolean;
  includedQuantity: Dec;
  startDate: string;
  endDate: string | null;
  freeTrialEndDate: string | null;      // a free trial runs startDate..freeTrialEndDate; the paid term starts the day after
  term: number | null;
  renewalTerm: number | null;
  autoRenew: boolean;
  billingPeriod: string;
  billingTiming: string;
  billCycleDay: number;
  billCycleStartMonth: number | null;
  taxCode: string | null;
  taxMode: 'Exclusive' | 'Inclusive';
  priced: PricedLine;
  taxPercentage: Dec;
  taxAmount: Dec;
  taxStatus: TaxStatus;
  totalAmount: Dec;
}

const d = (v: unknown) => new Dec(v === null || v === undefined ? 0 : String(v));

function toTags(links: unknown): PricingTag[] {
  return ((links as ApiRecord[] | undefined) ?? [])
    .filter((l) => l.active !== false && l.priceTag)
    .map((l) => l.priceTag as ApiRecord)
    .map((t) => ({
      code: String(t.code), recordType: t.recordType as PricingTag['recordType'], priceTagType: t.priceTagType as PricingTag['priceTagType'],
      priceType: t.priceType as PricingTag['priceType'], active: t.active !== false,
      startTime: (t.startTime as string | null) ?? null, endTime: (t.endTime as string | null) ?? null,
      tiers: ((t.priceTiers as ApiRecord[] | undefined) ?? []).map((x) => ({
        startUnit: d(x.startUnit), endUnit: x.endUnit === null ? null : d(x.endUnit),
        amount: x.amount === null ? null : d(x.amount), discountPercentage: x.discountPercentage === null ? null : d(x.discountPercentage),
        chargeModel: (x.chargeModel as 'PerUnit' | 'FlatFee') ?? 'PerUnit',
      })),
    }));
}

function uomOf(entry: ApiRecord | null, product: ApiRecord): { uom: PricingUom; uomId: string | null } {
  const u = ((entry?.uom ?? product.uom) as ApiRecord | null) ?? null;
  return {
    uom: { termDimension: (u?.termDimension as PricingUom['termDimension']) ?? null, decimalScale: Number(u?.decimalScale ?? 0), roundingMode: (u?.roundingMode as 'Up' | 'Down') ?? 'Up' },
    uomId: (entry?.uomId as string | null) ?? (product.uomId as string | null) ?? null,
  };
}

/** The line's price book entry: the one named, or the product's entry in the order's price book and currency. */
function pickEntry(product: ApiRecord, req: { priceBookEntryId?: string | undefined; uom?: { ref: string; at: string } | undefined }, order: { priceBookId?: string | undefined; currency: string }, at: string): ApiRecord {
  const active = ((product.priceBookEntries as ApiRecord[] | undefined) ?? []).filter((e) => e.active !== false);
  // a UOM the line names (its id or its name) narrows the entries to that UOM's
  const inUom = (e: ApiRecord) => !req.uom || e.uomId === req.uom.ref || (e.uom as ApiRecord | null | undefined)?.name === req.uom.ref;
  const entries = active.filter(inUom);
  if (req.uom && entries.length === 0) throw invalid('ENTRY_NOT_IN_PRICE_BOOK', `${req.uom.at}: product ${String(product.sku)} has no active entry in UOM ${req.uom.ref}`);
  if (req.priceBookEntryId) {
    const e = entries.find((x) => x.id === req.priceBookEntryId);
    if (!e) {
      if (req.uom && active.some((x) => x.id === req.priceBookEntryId)) throw invalid('ENTRY_NOT_IN_PRICE_BOOK', `${req.uom.at}: the price book entry ${req.priceBookEntryId} is not in UOM ${req.uom.ref}`);
      throw invalid('ENTRY_NOT_IN_PRICE_BOOK', `${at}/priceBookEntryId is not an active entry of product ${String(product.sku)}`);
    }
    if (order.priceBookId && e.priceBookId !== order.priceBookId) throw invalid('ENTRY_NOT_IN_PRICE_BOOK', `${at}/priceBookEntryId is not in price book ${order.priceBookId}`);
    if (e.currencyIsoCode !== order.currency) throw invalid('CURRENCY_MISMATCH', `${at}: the entry is in ${String(e.currencyIsoCode)} but the order is in ${order.currency}`);
    return e;
  }
  const candidates = entries.filter((e) => (!order.priceBookId || e.priceBookId === order.priceBookId));
  const inCurrency = candidates.filter((e) => e.currencyIsoCode === order.currency);
  const preferred = inCurrency.find((e) => e.uomId === product.uomId) ?? inCurrency[0];
  if (!preferred) {
    if (candidates.length > 0) throw invalid('CURRENCY_MISMATCH', `${at}: product ${String(product.sku)} has no ${order.currency} price in the order's price book`);
    throw invalid('ENTRY_NOT_IN_PRICE_BOOK', `${at}: product ${String(product.sku)} has no active entry${order.priceBookId ? ` in price book ${order.priceBookId}` : ''}`);
  }
  return preferred;
}

/** The last day of the product's free trial from `start` (freeTrialUnit Days or Months), or null. */
export function trialEnd(product: ApiRecord, start: PlainDate): string | null {
  const units = Number(product.freeTrialUnit ?? 0);
  if (!Number.isInteger(units) || units <= 0) return null;
  return termEndDate(start, units, product.freeTrialType === 'Months' ? 'Month' : 'Day').toString();
}

/** The whole number of term units from `start` that ends on `end` (inclusive), if one does. */
function termEnding(start: PlainDate, end: { date: string; at: string }, unit: TermUnit): number | undefined {
  const after = parseDate(end.date, end.at).add({ days: 1 });
  const span = start.until(after, { largestUnit: unit === 'Year' ? 'years' : unit === 'Month' ? 'months' : 'days' });
  const n = unit === 'Year' ? span.years : unit === 'Month' ? span.months : unit === 'Week' ? Math.floor(span.days / 7) : span.days;
  // months clamp (01-31 + 1 month = 02-29): the term that ends there may be one more than the span shows
  return [n, n + 1].find((k) => k > 0 && termEndDate(start, k, unit).toString() === end.date);
}

export function planLines(req: OrderRequest, trees: ReadonlyMap<string, ApiRecord>, pc: PlanContext): PlannedLine[] {
  const out: PlannedLine[] = [];
  const effective = req.effectiveDate ?? pc.today;
  const taxOverride = new Map(req.taxRates.map((r) => [r.productSku, r.taxPercentage]));
  const taxRate = (product: ApiRecord) => taxRateFor({
    enabled: pc.tax.enabled, exempt: pc.customer.taxExempt, rates: pc.tax.rates, address: pc.tax.address,
    taxCode: (product.taxCode as string | null) ?? null, override: taxOverride.get(String(product.sku)),
  });

  const build = (i: {
    at: string; request: LineRequest | null; product: ApiRecord; entry: ApiRecord | null; quantity: Dec; parent: PlannedLine | null;
    optionId: string | null; included: boolean; includedQuantity: Dec; tags: PricingTag[];
  }): PlannedLine => {
    const { product, entry, request: r, parent } = i;
    const priceModel = (product.priceModel as PlannedLine['priceModel']) ?? 'Recurring';
    const { uom, uomId } = uomOf(entry, product);
    const termDim = uom.termDimension;
    const recurringTerm = priceModel === 'Recurring' && termDim !== null;
    const startDate = parent ? parent.startDate : (r?.subscriptionStartDate ?? effective);
    const freeTrialEndDate = parent ? parent.freeTrialEndDate : recurringTerm ? trialEnd(product, parseDate(startDate, `${i.at}/subscriptionStartDate`)) : null;
    const paidStart = freeTrialEndDate ? parseDate(freeTrialEndDate, 'freeTrialEndDate').add({ days: 1 }) : parseDate(startDate, `${i.at}/subscriptionStartDate`);
    // an end date the client sent stands for the term it ends (the seed's preview lines carry one)
    const askedEnd = !parent && recurringTerm ? r?.subscriptionEndDate : undefined;
    const endTerm = askedEnd && r?.subscriptionTerm === undefined ? termEnding(paidStart, askedEnd, termDim as TermUnit) : undefined;
    const term = parent ? parent.term : recurringTerm ? (r?.subscriptionTerm ?? endTerm ?? (product.defaultSubscriptionTerm as number | null) ?? null) : null;
    if (recurringTerm && (!term || term <= 0)) throw invalid('INVALID_TERM', `${i.at}/subscriptionTerm is required: product ${String(product.sku)} has no default term`);
    const endDate = term && termDim ? termEndDate(paidStart, term, termDim as TermUnit).toString() : null;
    if (askedEnd && askedEnd.date !== endDate) {
      throw invalid('INVALID_TERM', `${askedEnd.at} must be the last day of a whole term from ${paidStart.toString()} (${String(term)} ${String(termDim)}${term === 1 ? '' : 's'} end ${String(endDate)})`);
    }
    const listPrice = d(entry?.listPrice ?? 0);
    const manual = !pc.calculatePrice && r?.clientPrices.netSalesPrice;
    const priced0 = priceLine({
      currency: pc.currency, priceModel, listPrice: manual ? r.clientPrices.netSalesPrice! : listPrice, uom, quantity: i.quantity,
      includedQuantity: i.includedQuantity, included: i.included, term: term ?? 1, tags: manual ? [] : i.tags, pricingTime: pc.pricingTime,
      ...(!manual && r?.discount && { discountPercent: r.discount }), ...(!manual && r?.discountAmount && { discountAmount: r.discountAmount }),
    });
    // with calculatePrice false the client's prices stand; the list figures stay the catalog's (or the client's)
    const clientList = r?.clientPrices.listPrice ?? listPrice;
    const priced = manual
      ? { ...priced0, listPrice: clientList, listTotalPrice: roundMoney(clientList.times(priced0.quantity).times(priced0.term), pc.currency) }
      : priced0;
    const taxMode = (product.taxMode as 'Exclusive' | 'Inclusive') ?? 'Exclusive';
    const { rate, status: taxStatus } = taxRate(product);
    const tax = lineTax(priced.totalPrice, rate, taxMode, pc.currency);
    const totalPrice = tax.netTotal;
    const settled: PricedLine = taxMode === 'Inclusive' && !tax.taxAmount.isZero() ? { ...priced, totalPrice, deltaTCV: totalPrice } : priced;
    const id = randomUUID();
    return {
      id, parentId: parent?.id ?? null, rootId: parent?.rootId ?? id, level: parent ? parent.level + 1 : 1, sortOrder: out.length + 1, at: i.at,
      request: r, productOptionId: i.optionId, product, entry, uom, uomId, priceModel,
      productType: (product.productType as string | null) ?? (product.recordType === 'Service' ? 'Service' : 'Subscription'),
      bundled: i.included, includedQuantity: i.includedQuantity, startDate, endDate, freeTrialEndDate, term,
      renewalTerm: r?.renewalTerm ?? (product.defaultRenewalTerm as number | null) ?? term,
      autoRenew: r?.autoRenew ?? (product.autoRenew as boolean | null) ?? false,
      billingPeriod: r?.billingPeriod ?? parent?.billingPeriod ?? req.billingPeriod ?? pc.customer.billingPeriod ?? (product.billingPeriod as string | null) ?? pc.settings.billingPeriod,
      billingTiming: r?.billingTiming ?? parent?.billingTiming ?? req.billingTiming ?? (entry?.billingTiming as string | null) ?? (product.billingTiming as string | null) ?? pc.settings.billingTiming,
      billCycleDay: r?.billCycleDay ?? parent?.billCycleDay ?? req.billCycleDay ?? pc.customer.billCycleDay ?? pc.settings.billCycleDay,
      billCycleStartMonth: r?.billCycleStartMonth ?? parent?.billCycleStartMonth ?? pc.customer.billCycleStartMonth ?? null,
      taxCode: (product.taxCode as string | null) ?? null, taxMode, priced: settled, taxPercentage: rate,
      taxAmount: tax.taxAmount, taxStatus, totalAmount: roundMoney(totalPrice.plus(tax.taxAmount), pc.currency),
    };
  };

  for (const r of req.lines) {
    // a line named by sku only reaches here with the id the service resolved it to
    const product = r.productId === undefined ? undefined : trees.get(r.productId);
    if (!product) throw invalid('PRODUCT_NOT_AVAILABLE', `${r.productAt}: product ${r.productId ?? r.sku?.value ?? ''} does not exist or is not published`);
    if (r.sku && product.sku !== r.sku.value) throw invalid('PRODUCT_SKU_MISMATCH', `${r.sku.at} is ${r.sku.value} but product ${product.id} has sku ${String(product.sku)}`);
    if (product.status !== 'Active') throw invalid('PRODUCT_NOT_ACTIVE', `${r.productAt}: product ${String(product.sku)} is ${String(product.status)}`);
    const entry = pickEntry(product, r, { priceBookId: req.priceBookId, currency: pc.currency }, r.at);
    const parent = build({ at: r.at, request: r, product, entry, quantity: r.quantity, parent: null, optionId: null, included: false, includedQuantity: new Dec(0), tags: toTags(product.productPriceTags) });
    out.push(parent);

    // bundle options: required ones always, the rest at their default quantity unless chosen
    const options = [
      ...((product.productFeatures as ApiRecord[] | undefined) ?? []).flatMap((f) => (f.productOptions as ApiRecord[] | undefined) ?? []),
      ...((product.productOptions as ApiRecord[] | undefined) ?? []),
    ];
    const chosen = new Map(r.addOns.map((a, j) => [a.productOptionId, { ...a, at: `${r.at}/addOns/${j}` }]));
    for (const a of chosen.values()) {
      if (!options.some((o) => o.id === a.productOptionId)) throw invalid('UNKNOWN_OPTION', `${a.at}/productOptionId is not an option of ${String(product.sku)}`);
    }
    for (const o of options) {
      const pick = chosen.get(o.id);
      const quantity = pick?.quantity ?? d(o.defaultQuantity ?? 0);
      const min = d(o.minQuantity ?? 0);
      const max = o.maxQuantity === null || o.maxQuantity === undefined ? null : d(o.maxQuantity);
      const at = pick?.at ?? `${r.at}/options(${String(o.name ?? o.id)})`;
      if (quantity.lt(min) || (max && quantity.gt(max))) {
        throw invalid('OPTION_QUANTITY_OUT_OF_RANGE', `${at}/quantity must be between ${min.toString()} and ${max ? max.toString() : 'unlimited'}`);
      }
      if (quantity.isZero()) {
        if (o.required) throw invalid('OPTION_REQUIRED', `${at}: option ${String(o.name ?? o.id)} is required`);
        continue;
      }
      const child = o.product as ApiRecord | null;
      if (!child) throw invalid('PRODUCT_NOT_AVAILABLE', `${at}: the option's product is not available`);
      const included = o.bundled === true;
      let childEntry: ApiRecord | null = null;
      if (!included) {
        try {
          childEntry = pickEntry(child, { priceBookEntryId: (o.priceBookEntryId as string | null) ?? undefined }, { priceBookId: req.priceBookId, currency: pc.currency }, at);
        } catch (e) {
          if (o.independentPricing) throw e;
        }
      }
      out.push(build({
        at, request: null, product: child, entry: childEntry, quantity, parent, optionId: o.id,
        included: included || !childEntry, includedQuantity: d(o.includedQuantity ?? 0), tags: toTags(o.productOptionPriceTags),
      }));
    }
  }
  return out;
}

export interface OrderTotals {
  taxStatus: TaxStatus;
  listTotal: Dec; subtotal: Dec; discountAmount: Dec; systemDiscountAmount: Dec; totalPrice: Dec; taxAmount: Dec; totalAmount: Dec; orderTCV: Dec; orderACV: Dec;
}

/** Order totals are sums of the lines' rounded parts. */
export function orderTotals(lines: readonly PlannedLine[]): OrderTotals {
  const sum = (f: (l: PlannedLine) => Dec) => lines.reduce((a, l) => a.plus(f(l)), new Dec(0));
  return {
    taxStatus: combinedTaxStatus(lines.map((l) => l.taxStatus)),
    listTotal: sum((l) => l.priced.listTotalPrice), subtotal: sum((l) => l.priced.subtotal), discountAmount: sum((l) => l.priced.discountAmount),
    systemDiscountAmount: sum((l) => l.priced.systemDiscountAmount), totalPrice: sum((l) => l.priced.totalPrice), taxAmount: sum((l) => l.taxAmount),
    totalAmount: sum((l) => l.totalAmount), orderTCV: sum((l) => l.priced.deltaTCV), orderACV: sum((l) => l.priced.deltaACV),
  };
}

/**
 * A Draft's stored lines taxed again once an address resolves (DESIGN "Tax": a Draft recomputes its
 * tax when an address is set): the lines whose status is AddressMissing get the rate of `address`,
 * the others stay as they are. Pure.
 */
export function retaxLines(lines: readonly OrderLine[], t: { rates: readonly TaxRate[]; address: TaxAddress | null; exempt: boolean; currency: string }): OrderLine[] {
  return lines.map((l) => {
    if (l.taxStatus !== 'AddressMissing') return l;
    const { rate, status } = taxRateFor({ enabled: true, exempt: t.exempt, rates: t.rates, address: t.address, taxCode: l.taxCode });
    const mode = l.taxMode === 'Inclusive' ? 'Inclusive' : 'Exclusive';
    const tax = lineTax(new Dec(l.totalPrice), rate, mode, t.currency);
    const carved = mode === 'Inclusive' && !tax.taxAmount.isZero();
    return {
      ...l, taxStatus: status, taxPercentage: rate.toString(), taxAmount: tax.taxAmount.toString(),
      totalPrice: tax.netTotal.toString(), totalAmount: roundMoney(tax.netTotal.plus(tax.taxAmount), t.currency).toString(),
      ...(carved && { deltaTCV: tax.netTotal.toString() }),
    };
  });
}

/** The order totals that taxing lines again changes (sums of the lines' rounded parts). */
export function taxedTotals(lines: readonly OrderLine[]): Pick<Order, 'totalPrice' | 'taxAmount' | 'totalAmount' | 'orderTCV' | 'taxStatus'> {
  const sum = (f: (l: OrderLine) => string | null) => lines.reduce((a, l) => a.plus(f(l) ?? 0), new Dec(0)).toString();
  return {
    totalPrice: sum((l) => l.totalPrice), taxAmount: sum((l) => l.taxAmount), totalAmount: sum((l) => l.totalAmount),
    orderTCV: sum((l) => l.deltaTCV ?? l.totalPrice), taxStatus: combinedTaxStatus(lines.map((l) => l.taxStatus)),
  };
}
