import { randomUUID } from 'node:crypto';
import { principalId, type Ctx } from '../context.js';
import { conflict, forbidden, invalid, notFound } from '../core/errors.js';
import { Dec } from '../core/money.js';
import { inTransaction, type Tx } from '../db/transaction.js';
import type { ApiRecord } from '../metadata/records.js';
import { isUuid } from '../core/ids.js';
import { assertInScope } from '../core/scope.js';
import { refuseCustomerFacingFields } from './customer-facing.js';
import type { AssetsService } from '../assets/service.js';
import { NUMBER_KIND, kindFor, type AssetKind, type ProvisionLine } from '../assets/model.js';
import { billableOf, type ChargeableVersion } from '../billing/charges.js';
import type { BillingService, InvoiceReservation, InvoiceWithItems } from '../billing/service.js';
import { parseBusinessDate, type PlainDate } from '../core/dates.js';
import { numbersNeeded, planProvisioning } from '../assets/provisioning.js';
import type { CatalogService } from '../catalog/service.js';
import type { Publishing } from '../catalog/publishing.js';
import type { CustomersService, OrderPartiesPlan } from '../customers/service.js';
import type { Customer } from '../customers/model.js';
import type { NumberingService } from '../numbering/service.js';
import type { TaxService } from '../tax/service.js';
import { combinedTaxStatus, isTaxAddress, resolveTaxAddress, taxRateFor, type TaxAddress, type TaxStatus } from '../tax/tax.js';
import { orderTotals, planLines, retaxLines, taxedTotals, type PlannedLine } from './lines.js';
import { readOptions, readOrderRequest, readPreviewRequest, type LineRequest, type OrderOptions, type OrderRequest } from './request.js';
import * as store from './store.js';
import type { ChangeLine, ChangeOrder, NewOrder, Order, OrderHead, OrderLine } from './model.js';
import { toLineView, toOrderView } from './views.js';
import { markCommitted } from '../idempotency/service.js';

// Carts and orders (seed 001 "Add to Cart", "Place New Order"). A cart is a Draft order; placing
// an order creates its customer and bill-to contact, the order, its lines and what they provision,
// in one transaction. Prices and tax are planned before the transaction opens, and numbers are
// reserved before it too (DESIGN "Numbering"), so the transaction only writes.

export interface OrdersDeps {
  customers: CustomersService;
  assets: AssetsService;
  numbering: NumberingService;
  publishing: Publishing;
  billing: BillingService;
  tax: TaxService;
  catalog: CatalogService;
}

/** What a change order's lines of one asset are taxed at: the percent, how it came about, the mode. */
export interface ChangeTax { rate: Dec; status: TaxStatus; mode: 'Exclusive' | 'Inclusive' }

/** The customer's stored default payment method, if any. */
function storedMethod(customer: Customer | null): { token: string; gateway: string | undefined } | undefined {
  const token = customer?.defaultPaymentMethodToken;
  return token ? { token, gateway: customer?.defaultPaymentGateway ?? undefined } : undefined;
}

/**
 * The versions lines would provision, as billing prices them before anything is written (a cart's
 * preview, the amount to charge at checkout): planned as provisioning plans them, each keyed by its
 * product (`<productId>_preview`), since no asset number is taken yet.
 */
function plannedVersions(lines: readonly ProvisionLine[], orderId: string, customerId: string): ChargeableVersion[] {
  const numbers: Record<AssetKind, string[]> = { Subscription: [], Asset: [], Entitlement: [] };
  for (const l of lines) numbers[kindFor(l.productType)].push(`${l.productId}_preview`);
  return planProvisioning({ lines, orderId, customerId, numbers }).map((v) => ({ ...v, id: v.assetNumber }));
}

/** What a planned (not yet written) line provisions. */
function plannedProvisionLine(l: PlannedLine, currency: string, priceBookId: string | null): ProvisionLine {
  const p = l.priced;
  return {
    orderProductId: l.id, parentOrderProductId: l.parentId, productId: l.product.id, productName: (l.product.name as string | null | undefined) ?? null, productType: l.productType,
    priceModel: l.priceModel, priceBookId, priceBookEntryId: (l.entry?.id as string | undefined) ?? null, uomId: l.uomId, termDimension: l.uom.termDimension,
    quantity: p.quantity.toString(), includedQuantity: l.includedQuantity.toString(), bundled: l.bundled, startDate: l.startDate,
    endDate: l.endDate, freeTrialEndDate: l.freeTrialEndDate, term: l.term, renewalTerm: l.renewalTerm,
    autoRenew: l.autoRenew, billingPeriod: l.billingPeriod, billingTiming: l.billingTiming, billCycleDay: l.billCycleDay,
    billCycleStartMonth: l.billCycleStartMonth, currency, listPrice: p.listPrice.toString(), salesPrice: p.salesPrice.toString(),
    netSalesPrice: p.netSalesPrice.toString(), totalPrice: p.totalPrice.toString(), taxAmount: l.taxAmount.toString(), totalAmount: l.totalAmount.toString(),
    taxPercentage: l.taxMode === 'Inclusive' ? null : l.taxPercentage.toString(), deltaTCV: p.deltaTCV.toString(), deltaACV: p.deltaACV.toString(), monthlyPrice: p.monthlyPrice.toString(), description: l.request?.description ?? null,
  };
}

/**
 * The invoices lines would bring, previewed by billing's builder (nothing stored, no number taken):
 * the one path of a cart's `previewInvoices`, `POST /orders/invoices:preview` and the amount a
 * checkout charges. Without `targetDate` (or with `firstInvoiceOnly`) it is the order-flow invoice.
 */
function previewProvisions(billing: BillingService, ctx: Ctx, provisions: readonly ProvisionLine[], o: { orderId: string; customerId: string | null; paymentTerm: string | null; targetDate?: PlainDate | undefined; firstInvoiceOnly?: boolean }): InvoiceWithItems[] {
  return billing.previewLines(ctx, {
    lines: plannedVersions(provisions, o.orderId, o.customerId ?? '').map((v) => billableOf(v)), customerId: o.customerId, paymentTerm: o.paymentTerm,
    ...(o.targetDate && { targetDate: o.targetDate }), ...(o.firstInvoiceOnly && { firstInvoiceOnly: true }),
  });
}

/** The columns an order's activation sets. */
const activation = (ctx: Ctx) => ({ status: 'Activated', activatedDate: ctx.clock.now(), activatedById: principalId(ctx), orderPlacedDate: ctx.clock.now() });

/** An order and its lines become Activated; the rows as stored now. */
async function markActivated(tx: Tx, ctx: Ctx, orderId: string): Promise<Written> {
  const order = await store.updateOrder(tx, ctx.tenantId, orderId, activation(ctx));
  return { order: order!, lines: await store.setLineStatus(tx, ctx.tenantId, orderId, 'Activated') };
}

/** An order and its lines as the transaction that wrote them left them: the steps after it and the answer need no read. */
interface Written { order: Order; lines: OrderLine[] }
export type OrderWritten = Written;

/** A Draft's update planned before its transaction. */
export interface DraftUpdate {
  orderId: string;
  options: OrderOptions;
  merged: OrderRequest;
  lines: PlannedLine[];
  numbers: Record<AssetKind, string[]>;
  reservation: InvoiceReservation | null;
  customer: Customer;
  /** A bill-to contact the update gives (written in its transaction), or null. */
  parties: OrderPartiesPlan | null;
}

/** A placement planned before its transaction: prices, tax, numbers, the payment method. `buyer` is
 * the customer the transaction wrote or found, for the answer. */
export interface Placement {
  req: OrderRequest;
  customer: Customer | null;
  parties: OrderPartiesPlan;
  lines: PlannedLine[];
  currency: string;
  numbers: Record<AssetKind, string[]>;
  orderNumber: string;
  reservation: InvoiceReservation | null;
  orderId: string;
  method: { token: string; gateway: string | undefined } | undefined;
  buyer: Customer | null;
}

/** A Draft's activation planned before its transaction (`id` as the caller named it). */
export interface Activation {
  id: string;
  orderId: string;
  options: OrderOptions;
  columns: Partial<Order>;
  numbers: Record<AssetKind, string[]>;
  reservation: InvoiceReservation | null;
  lines: OrderLine[];
  method: { token: string; gateway: string | undefined } | undefined;
  customerId: string;
  currency: string;
  requestKey: string;
  /** The totals of a Draft taxed again at activation (its `lines` are the retaxed ones), or null. */
  retaxed: Partial<Order> | null;
  /** The Draft's updatedAt as planned (ms): a retaxed Draft that changed since is a 409. */
  planned: number;
}

/** A retry of this request after a crash answers with the order instead of placing it again. */
async function noteCommitted(tx: Tx, ctx: Ctx, orderId: string): Promise<void> {
  if (ctx.idempotencyKey) await markCommitted(tx, ctx.tenantId, ctx.idempotencyKey, `/orders/${orderId}`);
}

function isSelfService(ctx: Ctx): boolean {
  const p = ctx.principal;
  return (p.kind === 'apiKey' || p.kind === 'client') ? p.role === 'self-service' : p.kind === 'user' ? p.effectiveRole === 'self-service' : false;
}

function plannedLine(orderId: string, l: PlannedLine, status: string): OrderLine {
  const p = l.priced;
  return {
    id: l.id, orderId, sortOrder: l.sortOrder, lineType: 'LineItem', status, isChange: null, summaryItemId: null, changeType: null,
    changeAssetNumber: null, cancellationDate: null,
    parentId: l.parentId, rootId: l.rootId, level: l.level, productId: l.product.id, productName: (l.product.name as string | null | undefined) ?? null,
    sku: (l.product.sku as string | null | undefined) ?? null, priceBookEntryId: (l.entry?.id as string | undefined) ?? null, productOptionId: l.productOptionId,
    uomId: l.uomId, termDimension: l.uom.termDimension, priceModel: l.priceModel, productType: l.productType, bundled: l.bundled,
    quantity: p.quantity.toString(), includedQuantity: l.includedQuantity.toString(), subscriptionTerm: l.term, subscriptionStartDate: l.startDate,
    subscriptionEndDate: l.endDate, freeTrialEndDate: l.freeTrialEndDate, billingTiming: l.billingTiming, billingPeriod: l.billingPeriod,
    billCycleDay: l.billCycleDay, billCycleStartMonth: l.billCycleStartMonth, autoRenew: l.autoRenew, renewalTerm: l.renewalTerm,
    taxCode: l.taxCode, taxMode: l.taxMode, listPrice: p.listPrice.toString(), salesPrice: p.salesPrice.toString(),
    netSalesPrice: p.netSalesPrice.toString(), listTotalPrice: p.listTotalPrice.toString(), subtotal: p.subtotal.toString(), discount: p.discount.toString(),
    discountAmount: p.discountAmount.toString(), systemDiscount: p.systemDiscount.toString(), systemDiscountAmount: p.systemDiscountAmount.toString(),
    totalPrice: p.totalPrice.toString(), taxPercentage: l.taxPercentage.toString(), taxAmount: l.taxAmount.toString(), taxStatus: l.taxStatus,
    totalAmount: l.totalAmount.toString(), deltaCMRR: p.deltaCMRR.toString(), deltaARR: p.deltaARR.toString(), deltaACV: p.deltaACV.toString(), deltaTCV: p.deltaTCV.toString(),
    monthlyPrice: p.monthlyPrice.toString(),
    appliedTags: p.appliedTags, description: l.request?.description ?? null, refId: l.request?.refId ?? null, customFields: l.request?.customFields ?? {},
  };
}

/** What a stored line provisions. */
function provisionLine(l: OrderLine, currency: string, priceBookId: string | null): ProvisionLine {
  return {
    orderProductId: l.id, parentOrderProductId: l.parentId, productId: l.productId, productName: l.productName, productType: l.productType,
    priceModel: l.priceModel, priceBookId, priceBookEntryId: l.priceBookEntryId, uomId: l.uomId, termDimension: l.termDimension,
    quantity: l.quantity, includedQuantity: l.includedQuantity, bundled: l.bundled, startDate: l.subscriptionStartDate,
    endDate: l.subscriptionEndDate, freeTrialEndDate: l.freeTrialEndDate, term: l.subscriptionTerm, renewalTerm: l.renewalTerm,
    autoRenew: Boolean(l.autoRenew), billingPeriod: l.billingPeriod, billingTiming: l.billingTiming, billCycleDay: l.billCycleDay,
    billCycleStartMonth: l.billCycleStartMonth, currency, listPrice: l.listPrice, salesPrice: l.salesPrice,
    netSalesPrice: l.netSalesPrice, totalPrice: l.totalPrice, taxAmount: l.taxAmount, totalAmount: l.totalAmount,
    taxPercentage: l.taxMode === 'Inclusive' ? null : l.taxPercentage,
    deltaTCV: l.deltaTCV ?? l.totalPrice, deltaACV: l.deltaACV ?? l.totalPrice,
    monthlyPrice: l.monthlyPrice, description: l.description,
  };
}

export type OrdersService = ReturnType<typeof createOrdersService>;

export function createOrdersService(deps: OrdersDeps) {
  async function trees(ctx: Ctx, ids: string[]): Promise<Map<string, ApiRecord>> {
    return isSelfService(ctx) ? deps.publishing.publishedProducts(ctx, ids) : deps.catalog.productTrees(ctx, ids);
  }

  /**
   * The lines with the product each names by `sku` alone resolved to its id, through the catalog's
   * service (self-service: the published catalog). An unknown sku is a 400 naming the field.
   */
  async function withProductIds(ctx: Ctx, lines: LineRequest[]): Promise<LineRequest[]> {
    const skus = [...new Set(lines.flatMap((l) => (l.productId === undefined && l.sku ? [l.sku.value] : [])))];
    if (skus.length === 0) return lines;
    const ids = isSelfService(ctx) ? await deps.publishing.publishedProductIdsBySku(ctx, skus) : await deps.catalog.productIdsBySku(ctx, skus);
    return lines.map((l) => {
      if (l.productId !== undefined || !l.sku) return l;
      const productId = ids.get(l.sku.value);
      if (!productId) throw invalid('PRODUCT_NOT_AVAILABLE', `${l.sku.at}: no ${isSelfService(ctx) ? 'published ' : ''}product has sku ${l.sku.value}`);
      return { ...l, productId };
    });
  }

  /**
   * The tax address (DESIGN "Tax"), the first that resolves (names a country) of: the order's bill-to
   * contact (the request's `billToContact` — the stored one when it names an id — or `billToContactId`,
   * or the Draft's), the customer's primary bill-to contact (customers' `primaryBillToContact`), the
   * bill-to contact of its earliest activated order, its own billing address
   * (stored, or as the request creates it). Each step reads only when the ones before did not resolve.
   */
  async function taxAddress(q: Tx | Ctx['db'], ctx: Ctx, customer: Customer | null, parties: OrderPartiesPlan | null, contactId: string | null): Promise<TaxAddress | null> {
    const addressOf = (x: { billingCountry?: unknown; billingState?: unknown } | null | undefined): TaxAddress | null =>
      x ? { country: (x.billingCountry as string | null | undefined) ?? null, state: (x.billingState as string | null | undefined) ?? null } : null;
    const stored = async (id: string | null | undefined) => {
      if (!id) return null;
      const [c] = await deps.customers.findContacts(q, ctx, [id]);
      return addressOf(c);
    };
    const planned = parties?.contact ?? null;
    const orderContact = resolveTaxAddress([await stored(planned?.id ?? contactId), addressOf(planned?.input.fields)]);
    if (orderContact) return orderContact;
    if (customer) {
      const primary = addressOf(await deps.customers.primaryBillToContact(q, ctx, customer));
      if (isTaxAddress(primary)) return primary;
      const first = await stored(await store.firstActivatedContactId(q, ctx.tenantId, customer.id));
      if (isTaxAddress(first)) return first;
    }
    return resolveTaxAddress([addressOf(customer ?? parties?.customer?.input.fields)]);
  }

  /** With the tenant's `blockAddressMissing`, an order without a tax address is not activated (409, nothing written). */
  function assertTaxAddress(ctx: Ctx, orderNumber: string | null, taxStatus: string): void {
    if (taxStatus !== 'AddressMissing' || !ctx.tenant.settings.blockAddressMissing) return;
    throw conflict('TAX_ADDRESS_MISSING', `${orderNumber ? `Order ${orderNumber}` : 'The order'} has no tax address (taxStatus AddressMissing) and the tenant's blockAddressMissing setting forbids activating it: give billToContact (or billToContactId) a billingCountry, or set the customer's billingCountry`);
  }

  /**
   * What a change order's lines are taxed at (DESIGN "Tax"): the tax domain's rate at the customer's
   * tax address as it resolves now (the same fallbacks as an order without a bill-to contact: primary
   * bill-to contact, first activated order's contact, the customer's own address), for each asset's
   * tax code and mode (those of the order line that ordered it, `orderLineIds`). Never a silent 0:
   * no address → AddressMissing, no matching rate → NoRate (both rate 0).
   */
  async function changeTaxOf(q: Tx | Ctx['db'], ctx: Ctx, i: { customerId: string; enabled: boolean; orderLineIds: readonly string[] }): Promise<Map<string, ChangeTax>> {
    const rates = i.enabled ? await deps.tax.ratesIn(q, ctx) : [];
    const customer = await deps.customers.getStoredCustomer(q, ctx, i.customerId);
    const address = rates.length > 0 ? await taxAddress(q, ctx, customer, null, null) : null;
    const terms = new Map((await store.lineTaxTerms(q, ctx.tenantId, i.orderLineIds)).map((t) => [t.id, t]));
    const out = new Map<string, ChangeTax>();
    for (const id of new Set([...i.orderLineIds, ''])) {
      const t = terms.get(id);
      const { rate, status } = taxRateFor({ enabled: i.enabled, exempt: customer.taxExempt, rates, address, taxCode: t?.taxCode ?? null });
      out.set(id, { rate, status, mode: t?.taxMode === 'Inclusive' ? 'Inclusive' : 'Exclusive' });
    }
    return out;
  }

  /** The taxStatus of a change order: its customer's address as it resolves now (no tax code), inside the caller's transaction. */
  async function changeTaxStatus(tx: Tx, ctx: Ctx, customerId: string): Promise<string> {
    return (await changeTaxOf(tx, ctx, { customerId, enabled: true, orderLineIds: [] })).get('')!.status;
  }

  /** A change order's taxStatus: its lines' most telling one (change orders tax each line), else its customer's address as it resolves now. */
  async function changeOrderTaxStatus(tx: Tx, ctx: Ctx, customerId: string, lines: readonly ChangeLine[]): Promise<string> {
    const statuses = lines.map((l) => l.taxStatus);
    return statuses.every((x): x is string => x !== undefined) && statuses.length > 0 ? combinedTaxStatus(statuses) : changeTaxStatus(tx, ctx, customerId);
  }

  /** Prices and taxes the request's lines for a customer; no writes. `contactId`: the Draft's bill-to contact. */
  async function plan(ctx: Ctx, req: OrderRequest, customer: Customer | null, parties: OrderPartiesPlan | null, contactId: string | null = null) {
    if (req.lines.length === 0) throw invalid('INVALID_FIELD', 'body/orderProducts must hold at least one line');
    if (!req.options.calculatePrice && !ctx.permissions.has('prices:override')) {
      throw forbidden('PERMISSION_DENIED', 'calculatePrice: false needs the prices:override permission');
    }
    const currency = req.currencyIsoCode ?? customer?.currencyIsoCode ?? ctx.tenant.currency;
    // the stored customer, else the planned one's validated fields (both named as in objects.ts)
    const c: Partial<Record<keyof Customer, unknown>> = customer ?? parties?.customer?.input.fields ?? {};
    const customerField = (k: keyof Customer) => c[k] ?? null;
    const rates = req.options.calculateTax ? await deps.tax.rates(ctx) : [];
    // no rates, no address needed (and none read)
    const address = rates.length > 0 ? await taxAddress(ctx.db, ctx, customer, parties, req.billToContactId ?? contactId) : null;
    const lines = await withProductIds(ctx, req.lines);
    return planLines({ ...req, lines }, await trees(ctx, lines.flatMap((l) => (l.productId === undefined ? [] : [l.productId]))), {
      today: ctx.clock.today(ctx.timeZone).toString(),
      pricingTime: ctx.clock.now().toISOString(),
      currency,
      settings: ctx.tenant.settings,
      calculatePrice: req.options.calculatePrice,
      customer: {
        billingPeriod: customerField('billingPeriod') as string | null,
        billCycleDay: customerField('billCycleDay') as number | null,
        billCycleStartMonth: customerField('billCycleStartMonth') as number | null,
        taxExempt: Boolean(customerField('taxExempt')),
      },
      tax: {
        enabled: req.options.calculateTax,
        rates,
        address,
      },
    });
  }

  /** The order's customer: the stored one (by id or external id), else a new one planned (validated, not written). */
  /** The order's customer (checked against the caller's scope: `access` read for a preview, write to place) and contact. */
  async function planBuyer(ctx: Ctx, req: OrderRequest, access: 'read' | 'write'): Promise<{ customer: Customer | null; parties: OrderPartiesPlan }> {
    let customer: Customer | null = null;
    let parties: OrderPartiesPlan;
    if (req.customerId) {
      customer = await deps.customers.getStoredCustomer(ctx.db, ctx, req.customerId, access);
      parties = deps.customers.planForOrder(ctx, undefined, req.billToContact ? { ...req.billToContact, customerId: customer.id } : undefined);
    } else {
      if (!req.customer) throw invalid('CUSTOMER_REQUIRED', 'body/customer (a new customer) or body/customerId is required');
      parties = deps.customers.planForOrder(ctx, req.customer, req.billToContact);
    }
    if (req.billToContactId && customer && !(await deps.customers.contactBelongsTo(ctx.db, ctx, req.billToContactId, customer.id))) {
      throw invalid('CONTACT_NOT_OF_CUSTOMER', 'body/billToContactId is not a contact of the customer');
    }
    return { customer, parties };
  }

  async function reserveNumbers(ctx: Ctx, lines: readonly { productType: string }[], withOrder: boolean) {
    const need = numbersNeeded(lines);
    const numbers: Record<AssetKind, string[]> = { Subscription: [], Asset: [], Entitlement: [] };
    for (const kind of Object.keys(need) as AssetKind[]) {
      if (need[kind] > 0) numbers[kind] = await deps.numbering.nextNumbers(ctx, NUMBER_KIND[kind], need[kind]);
    }
    const orderNumber = withOrder ? (await deps.numbering.nextNumbers(ctx, 'order'))[0]! : '';
    return { numbers, orderNumber };
  }

  /** Invoice numbers are reserved before the transaction, like every other number. */
  async function reserveInvoice(ctx: Ctx, options: OrderOptions, lineCount: number): Promise<InvoiceReservation | null> {
    return options.activateOrder && options.generateInvoice ? deps.billing.reserveForOrder(ctx, lineCount) : null;
  }

  /** The order as the API answers it. A Draft owns nothing and has no invoice yet: two reads fewer. */
  async function response(ctx: Ctx, orderId: string, extra: { previewInvoices?: unknown[] | null; transactionHub?: unknown } = {}, read?: Written) {
    const order = read?.order ?? await store.getOrder(ctx.db, ctx.tenantId, orderId);
    orderInScope(ctx, order, orderId, 'read');
    const draft = order.status === 'Draft';
    const [lines, owned, invoices] = await Promise.all([
      read?.lines ?? store.getLines(ctx.db, ctx.tenantId, orderId),
      draft ? { subscriptions: [], assets: [], entitlements: [] } : deps.assets.ownedByOrder(ctx.db, ctx, orderId),
      draft ? [] : deps.billing.invoicesOfOrder(ctx, orderId),
    ]);
    return {
      order: toOrderView(order), orderProducts: lines.map(toLineView), previewInvoices: extra.previewInvoices ?? null,
      ...owned, invoices, transactionHub: extra.transactionHub ?? order.transactionHub ?? {},
    };
  }

  /** 404 ORDER_NOT_FOUND for an order that does not exist, or (to read) one outside the caller's scope; 403 to change one outside it. */
  function orderInScope<O extends { customerId: string }>(ctx: Ctx, order: O | undefined, id: string, access: 'read' | 'write'): asserts order is O {
    const missing = () => notFound('ORDER_NOT_FOUND', `Order ${id} does not exist`);
    if (!order) throw missing();
    assertInScope(ctx, order.customerId, access, missing);
  }

  async function getDraftForUpdate(tx: Tx, ctx: Ctx, id: string): Promise<Order> {
    const order = isUuid(id) ? await store.getOrder(tx, ctx.tenantId, id.toLowerCase(), { forUpdate: true }) : undefined;
    orderInScope(ctx, order, id, 'write');
    if (order.status !== 'Draft') throw conflict('ORDER_NOT_DRAFT', `Order ${order.orderNumber} is ${order.status}; only a Draft order can be changed or activated`);
    return order;
  }

  /** The answer to a write: from the rows the write returned when it has them (and the customer it read), else read. */
  async function finish(ctx: Ctx, orderId: string, options: OrderOptions, transactionHub?: unknown, known: { written?: Written; customer?: Customer | null } = {}) {
    let previewInvoices: unknown[] | null = null;
    let read = known.written;
    if (options.previewInvoice) {
      if (!read) {
        const [order, lines] = await Promise.all([store.getOrder(ctx.db, ctx.tenantId, orderId), store.getLines(ctx.db, ctx.tenantId, orderId)]);
        read = { order: order!, lines };
      }
      const { order, lines } = read;
      const customer = known.customer ?? await deps.customers.getStoredCustomer(ctx.db, ctx, order.customerId);
      const provisions = lines.map((l) => provisionLine(l, order.currency, order.priceBookId));
      previewInvoices = previewProvisions(deps.billing, ctx, provisions, { orderId: order.id, customerId: order.customerId, paymentTerm: order.paymentTerm ?? customer.paymentTerm });
    }
    return response(ctx, orderId, { previewInvoices, ...(transactionHub !== undefined && { transactionHub }) }, read);
  }

  function plannedOrder(ctx: Ctx, req: OrderRequest, id: string, orderNumber: string, customerId: string, contactId: string | null, lines: PlannedLine[], currency: string): NewOrder {
    const t = orderTotals(lines);
    const starts = lines.map((l) => l.startDate).sort();
    const ends = lines.map((l) => l.endDate).filter((x): x is string => !!x).sort();
    return {
      id, orderNumber, name: req.name ?? null, status: 'Draft', customerId,
      billingAccountId: req.billingAccountId ?? customerId, billToContactId: contactId ?? req.billToContactId ?? null, shipToContactId: req.shipToContactId ?? null,
      priceBookId: req.priceBookId ?? (lines[0]?.entry?.priceBookId as string | null) ?? null, currency,
      effectiveDate: req.effectiveDate ?? ctx.clock.today(ctx.timeZone).toString(), orderStartDate: starts[0] ?? null, orderEndDate: ends.at(-1) ?? null,
      billingPeriod: req.billingPeriod ?? null, billCycleDay: req.billCycleDay ?? null, billingTiming: req.billingTiming ?? null,
      paymentTerm: req.paymentTerm ?? null, description: req.description ?? null, poNumber: req.poNumber ?? null, poDate: req.poDate ?? null,
      orderReferenceNumber: req.orderReferenceNumber ?? null, billingAddress: req.billingAddress ?? null, shippingAddress: req.shippingAddress ?? null,
      refId: req.refId ?? null, listTotal: t.listTotal.toString(), subtotal: t.subtotal.toString(), discountAmount: t.discountAmount.toString(),
      systemDiscountAmount: t.systemDiscountAmount.toString(), totalPrice: t.totalPrice.toString(), taxAmount: t.taxAmount.toString(), taxStatus: t.taxStatus,
      totalAmount: t.totalAmount.toString(), orderTCV: t.orderTCV.toString(), orderACV: t.orderACV.toString(), options: req.options,
      transactionHub: req.transactionHub ?? {}, customFields: req.customFields ?? {}, cancelOnPaymentFail: req.options.cancelOnPaymentFail,
    };
  }

  return {
    /** A change order, written Draft with its lines, inside the caller's transaction (change orders plan them). */
    async createChangeOrder(tx: Tx, ctx: Ctx, order: ChangeOrder, lines: readonly ChangeLine[]): Promise<void> {
      const taxStatus = await changeOrderTaxStatus(tx, ctx, order.customerId, lines);
      await store.insertOrder(tx, ctx.tenantId, store.changeOrderAsOrder({ ...order, taxStatus }));
      await store.insertLines(tx, ctx.tenantId, lines.map((l) => store.changeLineAsLine(order.id, { ...l, taxStatus: l.taxStatus ?? taxStatus })));
      await noteCommitted(tx, ctx, order.id);
    },

    /** A Draft change order's lines, replaced by the ones planned again at its activation. */
    async replaceChangeLines(tx: Tx, ctx: Ctx, orderId: string, lines: readonly ChangeLine[]): Promise<void> {
      const order = (await store.getOrder(tx, ctx.tenantId, orderId))!;
      const taxStatus = await changeOrderTaxStatus(tx, ctx, order.customerId, lines);
      if (taxStatus !== order.taxStatus) await store.updateOrder(tx, ctx.tenantId, orderId, { taxStatus });
      await store.deleteLines(tx, ctx.tenantId, orderId);
      await store.insertLines(tx, ctx.tenantId, lines.map((l) => store.changeLineAsLine(orderId, { ...l, taxStatus: l.taxStatus ?? taxStatus })));
    },

    /** The rate, status and mode a change order's lines take, per order line that ordered an asset (and '' for none); no writes. */
    /** 409 TAX_ADDRESS_MISSING when the tenant's blockAddressMissing forbids activating an order of this taxStatus (change orders too). */
    assertTaxAddress,
    changeTax: (q: Tx | Ctx['db'], ctx: Ctx, i: { customerId: string; enabled: boolean; orderLineIds: readonly string[] }) => changeTaxOf(q, ctx, i),

    /** Marks an order and its lines Activated (a change order after its versions are written). */
    async markActivated(tx: Tx, ctx: Ctx, orderId: string): Promise<void> { await markActivated(tx, ctx, orderId); },

    /** A Draft order, locked for its activation (409 ORDER_NOT_DRAFT otherwise). */
    async lockDraft(tx: Tx, ctx: Ctx, id: string): Promise<void> { await getDraftForUpdate(tx, ctx, id); },

    /** The rate a change order taxes its lines at (DESIGN §4 Tax: the rate in effect on the change's tax date); null without rates. */

    async findOrder(ctx: Ctx, id: string): Promise<OrderHead | undefined> {
      const o = isUuid(id) ? await store.getOrder(ctx.db, ctx.tenantId, id.toLowerCase()) : undefined;
      return o && store.toOrderHead(o);
    },

    /** Cancels an Activated order and what it provisioned (a payment that failed under cancelOnPaymentFail). */
    async cancelActivated(ctx: Ctx, orderId: string): Promise<void> {
      await inTransaction(ctx.db, async (tx) => {
        await deps.assets.cancelForOrder(tx, ctx, orderId);
        await store.updateOrder(tx, ctx.tenantId, orderId, { status: 'Canceled', canceledDate: ctx.clock.now() });
        await store.setLineStatus(tx, ctx.tenantId, orderId, 'Canceled');
      });
    },

    /** The combined taxStatus of order lines (billing's invoices of runs and change orders take it). */
    async taxStatusOfLines(q: Tx | Ctx['db'], ctx: Ctx, lineIds: readonly string[]): Promise<string | undefined> {
      const statuses = await store.lineTaxStatuses(q, ctx.tenantId, lineIds);
      return statuses.length === 0 ? undefined : combinedTaxStatus(statuses);
    },

    response: (ctx: Ctx, orderId: string, extra: { previewInvoices?: unknown[] | null } = {}) => response(ctx, orderId, extra),
    storedMethod: (customer: Customer | null) => storedMethod(customer),
    /** A planned change line as the API shows it (a preview: nothing stored). */
    changeLineView: (ctx: Ctx, orderId: string, l: ChangeLine) => toLineView(store.changeLineAsLine(orderId, l)),
    noteCommitted,
    /** 403 FIELD_NOT_ALLOWED for a field a storefront or self-service caller may not set (change orders use it too). */
    refuseCustomerFacingFields,

    /** POST /orders, planned: a cart (activateOrder false) or a placed order, customer and contact included; nothing written yet. */
    async planPlacement(ctx: Ctx, body: unknown): Promise<Placement> {
      refuseCustomerFacingFields(ctx, body, 'order');
      const req = readOrderRequest(body);
      const { customer, parties } = await planBuyer(ctx, req, 'write');
      const lines = await plan(ctx, req, customer, parties);
      const currency = req.currencyIsoCode ?? customer?.currencyIsoCode ?? ctx.tenant.currency;
      const activate = req.options.activateOrder;
      if (activate) assertTaxAddress(ctx, null, orderTotals(lines).taxStatus);
      const { numbers, orderNumber } = await reserveNumbers(ctx, activate ? lines : [], true);
      const reservation = await reserveInvoice(ctx, req.options, lines.length);
      // the request's payment method, else the customer's stored default
      const method = req.paymentMethod ?? storedMethod(customer);
      return { req, customer, parties, lines, currency, numbers, orderNumber, reservation, orderId: randomUUID(), method, buyer: customer };
    },

    /**
     * POST /orders/invoices:preview: the request a cart takes (`readOrderRequest`, with the seed's preview
     * names), priced and taxed as the cart prices it, and the invoices its `previewInvoices` would show —
     * the order-flow invoice, or with `targetDate` the invoice a run would make then. Nothing is stored,
     * no number is taken: no order number, no asset or invoice numbers.
     */
    async previewInvoices(ctx: Ctx, body: unknown): Promise<InvoiceWithItems[]> {
      refuseCustomerFacingFields(ctx, body, 'invoicePreview');
      const { order: req, targetDate, firstInvoiceOnly } = readPreviewRequest(body);
      const { customer, parties } = await planBuyer(ctx, req, 'read');
      const lines = await plan(ctx, req, customer, parties);
      const currency = req.currencyIsoCode ?? customer?.currencyIsoCode ?? ctx.tenant.currency;
      // the client's line ids name the preview's lines (the seed's details carry them as orderProductId)
      const shown = new Map(lines.map((l) => [l.id, l.request?.id ?? l.id]));
      const provisions = lines.map((l) => {
        const p = plannedProvisionLine(l, currency, req.priceBookId ?? null);
        return { ...p, orderProductId: shown.get(l.id)!, parentOrderProductId: l.parentId && (shown.get(l.parentId) ?? l.parentId) };
      });
      return previewProvisions(deps.billing, ctx, provisions, {
        orderId: '', customerId: customer?.id ?? null, paymentTerm: req.paymentTerm ?? customer?.paymentTerm ?? null,
        targetDate: targetDate === undefined ? undefined : parseBusinessDate(targetDate, 'body/targetDate'), firstInvoiceOnly,
      });
    },

    /** Writes a planned placement inside the caller's transaction: customer and contact, the order and its
     * lines (Activated when placed so; provisioning and the first invoice are the workflow's next steps). */
    async writePlacement(tx: Tx, ctx: Ctx, p: Placement): Promise<OrderWritten> {
      const { req, lines, orderId } = p;
      const activate = req.options.activateOrder;
      const { customer: c, contactId } = await deps.customers.ensureForOrder(tx, ctx, p.parties, req.customerId, p.customer ?? undefined);
      p.buyer = c;
      const status = activate ? 'Activated' : 'Draft';
      const written: Written = {
        order: await store.insertOrder(tx, ctx.tenantId, { ...plannedOrder(ctx, req, orderId, p.orderNumber, c.id, contactId, lines, p.currency), ...(activate && activation(ctx)) }),
        lines: await store.insertLines(tx, ctx.tenantId, lines.map((l) => plannedLine(orderId, l, status))),
      };
      await noteCommitted(tx, ctx, orderId);
      return written;
    },

    /** What an order just written provisions: version 1 of each line (numbers come from the plan). */
    provisioningOf(w: OrderWritten): { orderId: string; customerId: string; lines: ProvisionLine[] } {
      const { order, lines } = w;
      return { orderId: order.id, customerId: order.customerId, lines: lines.map((l) => provisionLine(l, order.currency, order.priceBookId)) };
    },

    /** The written order and its lines Activated (one placed activated was written so). */
    async activateWritten(tx: Tx, ctx: Ctx, w: OrderWritten): Promise<OrderWritten> {
      return w.order.status === 'Activated' ? w : markActivated(tx, ctx, w.order.id);
    },

    /** What the customer's activation and the first invoice take from the written order. */
    factsOf(w: OrderWritten): { orderId: string; customerId: string; currency: string; orderDate: string; billToContactId: string | null; paymentTerm: string | null; taxStatus: string } {
      const o = w.order;
      return {
        orderId: o.id, customerId: o.customerId, currency: o.currency, orderDate: o.effectiveDate,
        billToContactId: o.billToContactId, paymentTerm: o.paymentTerm, taxStatus: o.taxStatus,
      };
    },

    /** The first invoice's total, from the same builder, before anything is written. */
    firstInvoiceTotal(ctx: Ctx, p: Placement): Dec {
      const provisions = p.lines.map((l) => plannedProvisionLine(l, p.currency, null));
      const [first] = previewProvisions(deps.billing, ctx, provisions, { orderId: p.orderId, customerId: null, paymentTerm: null });
      return new Dec(first?.invoice.amount ?? 0);
    },

    /** The placed order as the API answers it; after a payment that did not succeed it is read again (it may have been canceled). */
    answerPlacement(ctx: Ctx, p: Placement, written: OrderWritten | undefined, settled = true) {
      return finish(ctx, p.orderId, p.req.options, p.req.transactionHub, { customer: p.buyer, ...(settled && written && { written }) });
    },

    async getOrder(ctx: Ctx, id: string) {
      if (!isUuid(id)) throw notFound('ORDER_NOT_FOUND', `Order ${id} does not exist`);
      return response(ctx, id.toLowerCase());
    },

    /** POST /orders/{id}, planned: a Draft's lines replaced (or the ones it has repriced), the options applied; nothing written yet. */
    async planDraftUpdate(ctx: Ctx, id: string, body: unknown): Promise<DraftUpdate> {
      refuseCustomerFacingFields(ctx, body, 'order');
      const req = readOrderRequest(body);
      if (!isUuid(id)) throw notFound('ORDER_NOT_FOUND', `Order ${id} does not exist`);
      const current = await store.getOrder(ctx.db, ctx.tenantId, id.toLowerCase());
      orderInScope(ctx, current, id, 'write');
      if (current.status !== 'Draft') throw conflict('ORDER_NOT_DRAFT', `Order ${current.orderNumber} is ${current.status}; only a Draft order can be changed`);
      if (req.lines.length === 0) req.lines = await storedLineRequests(ctx, current.id);
      const customer = await deps.customers.getStoredCustomer(ctx.db, ctx, current.customerId);
      // a bill-to contact given now replaces the Draft's (and its address taxes the Draft again)
      const parties = req.billToContact ? deps.customers.planForOrder(ctx, undefined, { ...req.billToContact, customerId: customer.id }) : null;
      if (req.billToContactId && !(await deps.customers.contactBelongsTo(ctx.db, ctx, req.billToContactId, customer.id))) {
        throw invalid('CONTACT_NOT_OF_CUSTOMER', 'body/billToContactId is not a contact of the customer');
      }
      const merged: OrderRequest = {
        ...req, customerId: current.customerId, priceBookId: req.priceBookId ?? (current.priceBookId as string | undefined) ?? undefined,
        currencyIsoCode: req.currencyIsoCode ?? current.currency, effectiveDate: req.effectiveDate ?? current.effectiveDate,
      };
      const lines = await plan(ctx, merged, customer, parties, current.billToContactId);
      const activate = req.options.activateOrder;
      if (activate) assertTaxAddress(ctx, current.orderNumber, orderTotals(lines).taxStatus);
      const { numbers } = await reserveNumbers(ctx, activate ? lines : [], false);
      const reservation = await reserveInvoice(ctx, req.options, lines.length);
      return { orderId: current.id, options: req.options, merged, lines, numbers, reservation, customer, parties };
    },

    /** The Draft, locked, with the planned header and lines (inside the caller's transaction). */
    async writeDraftUpdate(tx: Tx, ctx: Ctx, u: DraftUpdate): Promise<OrderWritten> {
      const order = await getDraftForUpdate(tx, ctx, u.orderId);
      const given = u.parties ? (await deps.customers.ensureForOrder(tx, ctx, u.parties, order.customerId, u.customer)).contactId : null;
      const contactId = given ?? u.merged.billToContactId?.toLowerCase() ?? order.billToContactId;
      const planned = plannedOrder(ctx, u.merged, order.id, order.orderNumber, order.customerId, contactId, u.lines, String(u.merged.currencyIsoCode));
      const { id: _i, orderNumber: _n, status: _s, ...patch } = planned;
      const stored = (await store.updateOrder(tx, ctx.tenantId, order.id, patch))!;
      await store.deleteLines(tx, ctx.tenantId, order.id);
      return { order: stored, lines: await store.insertLines(tx, ctx.tenantId, u.lines.map((l) => plannedLine(order.id, l, 'Draft'))) };
    },

    answerDraftUpdate: (ctx: Ctx, u: DraftUpdate) => finish(ctx, u.orderId, u.options),

    /** POST /orders/{id}:activate with the seed's ActivateOrderRequest, planned: a change order's Draft is
     * the change-orders domain's to plan again (`{ change: id }`); nothing written yet. */
    async planActivation(ctx: Ctx, id: string, body: unknown): Promise<Activation | { change: string }> {
      refuseCustomerFacingFields(ctx, body, 'activation');
      const b = (body ?? {}) as Record<string, unknown>;
      if (typeof b !== 'object' || Array.isArray(b)) throw invalid('INVALID_FIELD', 'body must be an object');
      const options = { ...readOptions(b, 'body'), activateOrder: true };
      const additional = b.additionalFields === undefined || b.additionalFields === null ? {} : b.additionalFields;
      if (typeof additional !== 'object' || Array.isArray(additional)) throw invalid('INVALID_FIELD', 'body/additionalFields must be an object');
      const columns = additionalColumns(additional as Record<string, unknown>);
      if (!isUuid(id)) throw notFound('ORDER_NOT_FOUND', `Order ${id} does not exist`);
      const head = await store.getOrder(ctx.db, ctx.tenantId, id.toLowerCase());
      if (head) orderInScope(ctx, head, id, 'write');
      if (head?.orderType === 'Change') return { change: head.id };
      let lines = await store.getLines(ctx.db, ctx.tenantId, id.toLowerCase());
      const { numbers } = await reserveNumbers(ctx, lines.map((l) => ({ productType: l.productType })), false);
      const reservation = await reserveInvoice(ctx, options, lines.length);
      const draft = await store.getOrder(ctx.db, ctx.tenantId, id.toLowerCase());
      if (!draft) throw notFound('ORDER_NOT_FOUND', `Order ${id} does not exist`);
      const customer = await deps.customers.getStoredCustomer(ctx.db, ctx, draft.customerId);
      // a Draft placed without a tax address is taxed again if one resolves now (a contact or the customer was given one since)
      let retaxed: Partial<Order> | null = null;
      if (draft.status === 'Draft' && draft.taxStatus === 'AddressMissing') {
        const address = await taxAddress(ctx.db, ctx, customer, null, draft.billToContactId);
        if (address) {
          lines = retaxLines(lines, { rates: await deps.tax.rates(ctx), address, exempt: customer.taxExempt, currency: draft.currency });
          retaxed = taxedTotals(lines);
        }
      }
      if (draft.status === 'Draft') assertTaxAddress(ctx, draft.orderNumber, retaxed?.taxStatus ?? draft.taxStatus);
      const pm = b.paymentMethod as { token?: unknown; gateway?: unknown } | undefined;
      if (pm !== undefined && (typeof pm !== 'object' || pm === null || typeof pm.token !== 'string')) throw invalid('INVALID_FIELD', 'body/paymentMethod/token is required');
      const method = pm ? { token: String(pm.token), gateway: typeof pm.gateway === 'string' ? pm.gateway : undefined } : storedMethod(customer);
      return {
        id, orderId: draft.id, options, columns, numbers, reservation, lines, method, customerId: draft.customerId,
        currency: draft.currency, requestKey: draft.refId ?? draft.id, retaxed, planned: draft.updatedAt.getTime(),
      };
    },

    /** The planned Draft, locked, with its additional fields (inside the caller's transaction; activation follows). */
    async writeActivation(tx: Tx, ctx: Ctx, a: Activation): Promise<OrderWritten> {
      const order = await getDraftForUpdate(tx, ctx, a.id);
      if (a.retaxed) {
        // the lines taxed in planning replace the stored ones, unless the Draft changed since
        if (order.updatedAt.getTime() !== a.planned) throw conflict('ORDER_CHANGED', `Order ${order.orderNumber} changed while it was being activated; retry`);
        await store.deleteLines(tx, ctx.tenantId, order.id);
        await store.insertLines(tx, ctx.tenantId, a.lines);
      }
      const patch = { ...a.columns, ...a.retaxed };
      const stored = Object.keys(patch).length > 0 ? (await store.updateOrder(tx, ctx.tenantId, order.id, patch))! : order;
      await noteCommitted(tx, ctx, order.id);
      return { order: stored, lines: await store.getLines(tx, ctx.tenantId, order.id) };
    },

    /** The activated order's first invoice total, from the stored lines, before anything is written. */
    activationInvoiceTotal(ctx: Ctx, a: Activation): Dec {
      const provisions = a.lines.map((l) => provisionLine(l, a.currency, null));
      const [first] = previewProvisions(deps.billing, ctx, provisions, { orderId: a.orderId, customerId: a.customerId, paymentTerm: null });
      return new Dec(first?.invoice.amount ?? 0);
    },

    answerActivation: (ctx: Ctx, a: Activation) => finish(ctx, a.orderId, a.options),

    /** Cancels a Draft, or an Activated order with nothing invoiced; what it provisioned is canceled too. */
    async cancelOrder(ctx: Ctx, id: string) {
      if (!isUuid(id)) throw notFound('ORDER_NOT_FOUND', `Order ${id} does not exist`);
      // read before the transaction: the embedded engine has one connection
      const invoiced = (await deps.billing.invoicesOfOrder(ctx, id.toLowerCase())).filter((i) => i.invoice.status === 'Active');
      await inTransaction(ctx.db, async (tx) => {
        const order = await store.getOrder(tx, ctx.tenantId, id.toLowerCase(), { forUpdate: true });
        orderInScope(ctx, order, id, 'write');
        if (order.status === 'Canceled') throw conflict('ORDER_CANCELED', `Order ${order.orderNumber} is already canceled`);
        if (invoiced.length > 0) throw conflict('ORDER_INVOICED', `Order ${order.orderNumber} has Active invoices (${invoiced.map((i) => String(i.invoice.name)).join(', ')}); cancel them first, or change the order with a change order`);
        if (order.status === 'Activated') await deps.assets.cancelForOrder(tx, ctx, order.id);
        await store.updateOrder(tx, ctx.tenantId, order.id, { status: 'Canceled', canceledDate: ctx.clock.now() });
        await store.setLineStatus(tx, ctx.tenantId, order.id, 'Canceled');
      });
      return response(ctx, id.toLowerCase());
    },

    /** DELETE /orders {orderIds, allowDeleteCanceledOrder}: Drafts, and Canceled orders when allowed. */
    async deleteOrders(ctx: Ctx, body: { orderIds: string[]; allowDeleteCanceledOrder?: boolean | undefined }) {
      const ids = [...new Set(body.orderIds.map((x) => x.toLowerCase()))];
      ids.forEach((x, i) => { if (!isUuid(x)) throw invalid('INVALID_FIELD', `body/orderIds/${i} must be an id`); });
      await inTransaction(ctx.db, async (tx) => {
        const orders = await store.getOrders(tx, ctx.tenantId, ids);
        for (const x of ids) {
          const o = orders.find((r) => r.id === x);
          orderInScope(ctx, o, x, 'write');
          const deletable = o.status === 'Draft' || (o.status === 'Canceled' && body.allowDeleteCanceledOrder);
          if (!deletable) throw conflict('ORDER_NOT_DELETABLE', `Order ${o.orderNumber} is ${o.status}; only Draft orders (and Canceled ones with allowDeleteCanceledOrder) can be deleted`);
        }
        await store.deleteOrders(tx, ctx.tenantId, ids);
      });
      return { deletedOrderIds: ids };
    },

    /** POST /cpq/create-order: the CPQ CreateOrderRequest (customerId, effectiveDate, priceBookId required), then placed as POST /orders. */
    checkCpqCreateOrder(body: unknown): void {
      const b = body as Record<string, unknown> | null;
      for (const k of ['customerId', 'effectiveDate', 'priceBookId', 'orderProducts']) {
        if (!b || b[k] === undefined || b[k] === null) throw invalid('INVALID_FIELD', `body/${k} is required`);
      }
    },
  };

  async function storedLineRequests(ctx: Ctx, orderId: string): Promise<LineRequest[]> {
    const rows = await store.getLines(ctx.db, ctx.tenantId, orderId);
    return rows.filter((r) => !r.parentId).map((r, i) => ({
      at: `order/lines/${i}`, id: undefined, productId: r.productId, sku: undefined, productAt: `order/lines/${i}/productId`, uom: undefined, priceBookEntryId: r.priceBookEntryId ?? undefined,
      quantity: new Dec(r.quantity), subscriptionTerm: r.subscriptionTerm ?? undefined,
      subscriptionStartDate: r.subscriptionStartDate, subscriptionEndDate: undefined, description: r.description ?? undefined,
      customFields: r.customFields as Record<string, unknown>, billingTiming: undefined, billingPeriod: undefined, billCycleDay: undefined,
      billCycleStartMonth: undefined, autoRenew: r.autoRenew ?? undefined, renewalTerm: r.renewalTerm ?? undefined,
      refId: r.refId ?? undefined, discount: undefined, discountAmount: undefined,
      addOns: rows.filter((c) => c.parentId === r.id && c.productOptionId).map((c) => ({ productOptionId: c.productOptionId!, quantity: new Dec(c.quantity) })),
      clientPrices: {},
    }));
  }
}

/** ActivateOrderRequest.additionalFields: the descriptive order fields written before activation. */
const ADDITIONAL = ['name', 'description', 'poNumber', 'poDate', 'orderReferenceNumber', 'billingAddress', 'shippingAddress', 'customFields'] as const;

function additionalColumns(fields: Record<string, unknown>): Partial<Order> {
  const out: Partial<Record<(typeof ADDITIONAL)[number], unknown>> = {};
  for (const [k, v] of Object.entries(fields)) {
    const field = ADDITIONAL.find((f) => f === k);
    if (!field) throw invalid('INVALID_FIELD', `body/additionalFields/${k} cannot be set on activation (allowed: ${ADDITIONAL.join(', ')})`);
    if (k === 'customFields' ? (typeof v !== 'object' || v === null || Array.isArray(v)) : (v !== null && typeof v !== 'string')) {
      throw invalid('INVALID_FIELD', `body/additionalFields/${k} has the wrong type`);
    }
    out[field] = v;
  }
  return out as Partial<Order>;
}
