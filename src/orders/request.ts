import { invalid } from '../core/errors.js';
import { BUSINESS_DATE_TEXT, isBusinessDate } from '../core/dates.js';
import { Dec, isCurrency, parseAmount } from '../core/money.js';
import { isUuid } from '../core/ids.js';

// Reads an order request in either shape the seed shows — the guide's (`lines`, `billingCycle`,
// `customer{name,email}`, `refId`) or the schema's (`orderProducts`, `billingPeriod`, `customerId`)
// — into one normalized form, naming the field of any problem. Pure. Unknown fields are ignored
// (the seed's maps "accept extra properties").

export interface OrderOptions {
  activateOrder: boolean;
  calculatePrice: boolean;
  calculateTax: boolean;
  previewInvoice: boolean;
  generateInvoice: boolean;
  activateInvoice: boolean;
  cancelOnPaymentFail: boolean;
  asyncPayment: boolean;
}

export interface AddOnRequest { productOptionId: string; quantity: Dec | undefined }

export interface LineRequest {
  at: string;
  /** The client's id for the line: a preview names its invoice items' lines by it; an order ignores it. */
  id: string | undefined;
  /** The product, by id; undefined when the line names it by `sku` only (the service resolves it). */
  productId: string | undefined;
  /** The product by sku (`sku`, or the preview's `productSku`), where the line sent one; with an id too they must agree. */
  sku: { value: string; at: string } | undefined;
  /** Where the line named its product (`…/productId`, else `…/sku`): the path of any problem with it. */
  productAt: string;
  /** `uomId`: the UOM (its id or its name, e.g. `User/Month`) whose price book entry the line takes. */
  uom: { ref: string; at: string } | undefined;
  priceBookEntryId: string | undefined;
  quantity: Dec;
  subscriptionTerm: number | undefined;
  subscriptionStartDate: string | undefined;
  /** The end the client expects (inclusive), where it named the field: a term's end or a 400. */
  subscriptionEndDate: { date: string; at: string } | undefined;
  description: string | undefined;
  customFields: Record<string, unknown> | undefined;
  billingTiming: 'InAdvance' | 'InArrears' | undefined;
  billingPeriod: string | undefined;
  billCycleDay: number | undefined;
  billCycleStartMonth: number | undefined;
  autoRenew: boolean | undefined;
  renewalTerm: number | undefined;
  refId: string | undefined;
  discount: Dec | undefined;
  discountAmount: Dec | undefined;
  addOns: AddOnRequest[];
  clientPrices: { listPrice?: Dec; netSalesPrice?: Dec; totalPrice?: Dec };
}

export interface OrderRequest {
  options: OrderOptions;
  name: string | undefined;
  description: string | undefined;
  effectiveDate: string | undefined;
  priceBookId: string | undefined;
  currencyIsoCode: string | undefined;
  billingPeriod: string | undefined;
  billCycleDay: number | undefined;
  billingTiming: 'InAdvance' | 'InArrears' | undefined;
  paymentTerm: string | undefined;
  customerId: string | undefined;
  customer: Record<string, unknown> | undefined;
  billToContact: Record<string, unknown> | undefined;
  billToContactId: string | undefined;
  shipToContactId: string | undefined;
  billingAccountId: string | undefined;
  poNumber: string | undefined;
  poDate: string | undefined;
  orderReferenceNumber: string | undefined;
  billingAddress: string | undefined;
  shippingAddress: string | undefined;
  refId: string | undefined;
  customFields: Record<string, unknown> | undefined;
  transactionHub: Record<string, unknown> | undefined;
  taxRates: { productSku: string; taxPercentage: Dec }[];
  paymentMethod: { token: string; gateway: string | undefined } | undefined;
  lines: LineRequest[];
}

const PERIODS = ['Month', 'Quarter', 'Semi-Annual', 'Annual'];
const TIMING: Record<string, 'InAdvance' | 'InArrears'> = { InAdvance: 'InAdvance', 'In Advance': 'InAdvance', InArrears: 'InArrears', 'In Arrears': 'InArrears' };

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);

function str(o: Obj, k: string, at: string): string | undefined {
  const v = o[k];
  if (v === undefined || v === null) return undefined;
  if (typeof v !== 'string') throw invalid('INVALID_FIELD', `${at}/${k} must be a string`);
  return v;
}
function id(o: Obj, k: string, at: string): string | undefined {
  const v = str(o, k, at);
  if (v !== undefined && !isUuid(v)) throw invalid('INVALID_FIELD', `${at}/${k} must be an id`);
  return v?.toLowerCase();
}
function date(o: Obj, k: string, at: string): string | undefined {
  const v = str(o, k, at);
  if (v !== undefined && !isBusinessDate(v)) throw invalid('INVALID_FIELD', `${at}/${k} must be ${BUSINESS_DATE_TEXT}`);
  return v;
}
function bool(o: Obj, k: string, at: string): boolean | undefined {
  const v = o[k];
  if (v === undefined || v === null) return undefined;
  if (typeof v !== 'boolean') throw invalid('INVALID_FIELD', `${at}/${k} must be true or false`);
  return v;
}
function int(o: Obj, k: string, at: string, min: number, max: number): number | undefined {
  const v = o[k];
  if (v === undefined || v === null) return undefined;
  if (typeof v !== 'number' || !Number.isInteger(v)) throw invalid('INVALID_FIELD', `${at}/${k} must be an integer`);
  if (v < min || v > max) throw invalid('INVALID_FIELD', `${at}/${k} must be between ${min} and ${max}`);
  return v;
}
function amount(o: Obj, k: string, at: string, min?: number, max?: number): Dec | undefined {
  const v = o[k];
  if (v === undefined || v === null) return undefined;
  const d = parseAmount(v, `${at}/${k}`);
  if (min !== undefined && d.lt(min)) throw invalid('INVALID_FIELD', `${at}/${k} must be >= ${min}`);
  if (max !== undefined && d.gt(max)) throw invalid('INVALID_FIELD', `${at}/${k} must be <= ${max}`);
  return d;
}
/** A whole number sent as a number or as digits (the seed's preview request types them as strings). */
function intOrDigits(o: Obj, k: string, at: string, min: number, max: number): number | undefined {
  const v = o[k];
  return typeof v === 'string' && /^\d{1,4}$/.test(v) ? int({ [k]: Number(v) }, k, at, min, max) : int(o, k, at, min, max);
}
function obj(o: Obj, k: string, at: string): Obj | undefined {
  const v = o[k];
  if (v === undefined || v === null) return undefined;
  if (!isObj(v)) throw invalid('INVALID_FIELD', `${at}/${k} must be an object`);
  return v;
}
function period(o: Obj, k: string, at: string): string | undefined {
  const v = str(o, k, at);
  if (v !== undefined && !PERIODS.includes(v)) throw invalid('INVALID_FIELD', `${at}/${k} must be one of ${PERIODS.join(', ')}`);
  return v;
}
function timing(o: Obj, k: string, at: string): 'InAdvance' | 'InArrears' | undefined {
  const v = str(o, k, at);
  if (v === undefined) return undefined;
  const t = TIMING[v];
  if (!t) throw invalid('INVALID_FIELD', `${at}/${k} must be InAdvance or InArrears`);
  return t;
}

/** A customer named by its id or its external id: a UUID is lower-cased, anything else is an external id. */
function customerRef(o: Obj, k: string, at: string): string | undefined {
  const v = str(o, k, at);
  if (v === undefined) return undefined;
  if (v.trim() === '') throw invalid('INVALID_FIELD', `${at}/${k} must be a customer id or external id`);
  return isUuid(v) ? v.toLowerCase() : v;
}

export function readOptions(o: Obj | undefined, at = 'body/options'): OrderOptions {
  const b = (k: string) => (o ? bool(o, k, at) : undefined);
  const activateInvoice = b('activateInvoice') ?? false;
  return {
    // activateInvoice implies activateOrder and generateInvoice (DESIGN "Options")
    activateOrder: activateInvoice || (b('activateOrder') ?? true),
    calculatePrice: b('calculatePrice') ?? true,
    calculateTax: b('calculateTax') ?? true,
    previewInvoice: activateInvoice ? false : b('previewInvoice') ?? false,
    generateInvoice: activateInvoice || (b('generateInvoice') ?? false),
    activateInvoice,
    cancelOnPaymentFail: b('cancelOnPaymentFail') ?? false,
    asyncPayment: b('asyncPayment') ?? false,
  };
}

function readLine(l: unknown, at: string): LineRequest {
  if (!isObj(l)) throw invalid('INVALID_FIELD', `${at} must be an object`);
  const productId = id(l, 'productId', at);
  // a product named by its sku (seed: OrderProductModel `sku`, OrderProductForPreview `productSku`) in place of its id
  const skuKey = l.sku !== undefined && l.sku !== null ? 'sku' : 'productSku';
  const sku = str(l, skuKey, at);
  if (sku !== undefined && sku.trim() === '') throw invalid('INVALID_FIELD', `${at}/${skuKey} must not be empty`);
  if (!productId && sku === undefined) throw invalid('INVALID_FIELD', `${at}/productId (or ${at}/sku) is required`);
  const uomRef = str(l, 'uomId', at);
  if (uomRef !== undefined && uomRef.trim() === '') throw invalid('INVALID_FIELD', `${at}/uomId must be a UOM id or name`);
  const lineType = str(l, 'lineType', at);
  if (lineType !== undefined && lineType !== 'LineItem') throw invalid('INVALID_FIELD', `${at}/lineType must be LineItem on a new order`);
  const quantity = amount(l, 'quantity', at) ?? new Dec(1);
  if (quantity.lte(0)) throw invalid('INVALID_FIELD', `${at}/quantity must be > 0`);
  const term = l.subscriptionTerm;
  // at most 1,200 term units, as a change order's term (an end past year 9999 is no date)
  if (term !== undefined && term !== null && (typeof term !== 'number' || !Number.isInteger(term) || term <= 0 || term > 1200)) {
    throw invalid('INVALID_FIELD', `${at}/subscriptionTerm must be a whole number of term units from 1 to 1200`);
  }
  const addOnList = l.addOns ?? l.options;
  if (addOnList !== undefined && addOnList !== null && !Array.isArray(addOnList)) throw invalid('INVALID_FIELD', `${at}/addOns must be an array`);
  const addOns = ((addOnList as unknown[] | undefined) ?? []).map((a, j) => {
    const aat = `${at}/addOns/${j}`;
    if (!isObj(a)) throw invalid('INVALID_FIELD', `${aat} must be an object`);
    const optionId = id(a, 'productOptionId', aat);
    if (!optionId) throw invalid('INVALID_FIELD', `${aat}/productOptionId is required`);
    const q = amount(a, 'quantity', aat, 0);
    return { productOptionId: optionId, quantity: q };
  });
  const ref = l.refId;
  const lineId = l.id;
  // the preview request's names (seed OrderProductForPreview) beside the order's
  const endKey = l.subscriptionEndDate !== undefined && l.subscriptionEndDate !== null ? 'subscriptionEndDate' : 'endDate';
  const end = date(l, endKey, at);
  return {
    at, id: typeof lineId === 'string' || typeof lineId === 'number' ? String(lineId) : undefined, productId, priceBookEntryId: id(l, 'priceBookEntryId', at), quantity,
    sku: sku === undefined ? undefined : { value: sku, at: `${at}/${skuKey}` }, productAt: productId ? `${at}/productId` : `${at}/${skuKey}`,
    uom: uomRef === undefined ? undefined : { ref: isUuid(uomRef) ? uomRef.toLowerCase() : uomRef, at: `${at}/uomId` },
    subscriptionTerm: (term as number | null | undefined) ?? undefined, subscriptionStartDate: date(l, 'subscriptionStartDate', at) ?? date(l, 'startDate', at),
    subscriptionEndDate: end === undefined ? undefined : { date: end, at: `${at}/${endKey}` },
    description: str(l, 'description', at), customFields: obj(l, 'customFields', at), billingTiming: timing(l, 'billingTiming', at),
    billingPeriod: period(l, 'billingPeriod', at) ?? period(l, 'Billing Period', at), billCycleDay: int(l, 'billCycleDay', at, 1, 31) ?? intOrDigits(l, 'Bill Cycle Day', at, 1, 31),
    billCycleStartMonth: int(l, 'billCycleStartMonth', at, 1, 12) ?? intOrDigits(l, 'Billing Start Month', at, 1, 12),
    autoRenew: bool(l, 'autoRenew', at), renewalTerm: int(l, 'renewalTerm', at, 1, 1200) ?? int(l, 'defaultRenewalTerm', at, 1, 1200),
    refId: ref === undefined || ref === null ? undefined : String(ref),
    discount: amount(l, 'discount', at, 0, 100) ?? amount(l, 'discountPercentage', at, 0, 100), discountAmount: amount(l, 'discountAmount', at, 0),
    addOns,
    clientPrices: {
      ...(amount(l, 'listPrice', at, 0) && { listPrice: amount(l, 'listPrice', at, 0)! }),
      // below zero is a credit line (a rebate): billed as a credit memo when the invoice nets negative
      ...(amount(l, 'netSalesPrice', at) && { netSalesPrice: amount(l, 'netSalesPrice', at)! }),
      ...(amount(l, 'totalPrice', at) && { totalPrice: amount(l, 'totalPrice', at)! }),
    },
  };
}

export function readOrderRequest(body: unknown): OrderRequest {
  if (!isObj(body)) throw invalid('INVALID_FIELD', 'body must be an object');
  const at = 'body';
  const linesKey = body.orderProducts !== undefined ? 'orderProducts' : 'lines';
  const rawLines = body[linesKey];
  if (rawLines !== undefined && !Array.isArray(rawLines)) throw invalid('INVALID_FIELD', `body/${linesKey} must be an array`);
  const lines = ((rawLines as unknown[] | undefined) ?? []).map((l, i) => readLine(l, `body/${linesKey}/${i}`));
  if (lines.length > 200) throw invalid('INVALID_FIELD', `body/${linesKey} must hold at most 200 lines`);
  const customer = obj(body, 'customer', at);
  const currency = str(body, 'currencyIsoCode', at);
  if (currency !== undefined && !isCurrency(currency)) throw invalid('INVALID_FIELD', 'body/currencyIsoCode must be an ISO 4217 currency code such as USD');
  const taxRatesRaw = body.taxRates;
  if (taxRatesRaw !== undefined && taxRatesRaw !== null && !Array.isArray(taxRatesRaw)) throw invalid('INVALID_FIELD', 'body/taxRates must be an array');
  const taxRates = ((taxRatesRaw as unknown[] | undefined) ?? []).map((r, i) => {
    const rat = `body/taxRates/${i}`;
    if (!isObj(r)) throw invalid('INVALID_FIELD', `${rat} must be an object`);
    const sku = str(r, 'productSku', rat);
    const pct = amount(r, 'taxPercentage', rat, 0, 100);
    if (!sku || !pct) throw invalid('INVALID_FIELD', `${rat} needs productSku and taxPercentage`);
    return { productSku: sku, taxPercentage: pct };
  });
  const ref = body.refId;
  const pm = obj(body, 'paymentMethod', at);
  const token = pm ? str(pm, 'token', 'body/paymentMethod') : undefined;
  if (pm && !token) throw invalid('INVALID_FIELD', 'body/paymentMethod/token is required');
  return {
    paymentMethod: token ? { token, gateway: str(pm!, 'gateway', 'body/paymentMethod') } : undefined,
    options: readOptions(obj(body, 'options', at)),
    name: str(body, 'name', at), description: str(body, 'description', at), effectiveDate: date(body, 'effectiveDate', at),
    priceBookId: id(body, 'priceBookId', at), currencyIsoCode: currency,
    // "Billing Period", "Bill Cycle Day", "Payment Term": the preview request's names (seed OrderInvoicePreviewRequest)
    billingPeriod: period(body, 'billingPeriod', at) ?? period(body, 'billingCycle', at) ?? period(body, 'Billing Period', at),
    billCycleDay: int(body, 'billCycleDay', at, 1, 31) ?? intOrDigits(body, 'Bill Cycle Day', at, 1, 31),
    billingTiming: timing(body, 'billingTiming', at), paymentTerm: str(body, 'paymentTerm', at) ?? str(body, 'Payment Term', at),
    // a customer by its id or, in its place, its external id (seed 004)
    customerId: customerRef(body, 'customerId', at) ?? (customer ? customerRef(customer, 'id', 'body/customer') : undefined),
    customer: customer && !customer.id ? customer : undefined,
    billToContact: obj(body, 'billToContact', at), billToContactId: id(body, 'billToContactId', at), shipToContactId: id(body, 'shipToContactId', at),
    billingAccountId: id(body, 'billingAccountId', at), poNumber: str(body, 'poNumber', at), poDate: date(body, 'poDate', at),
    orderReferenceNumber: str(body, 'orderReferenceNumber', at), billingAddress: str(body, 'billingAddress', at), shippingAddress: str(body, 'shippingAddress', at),
    refId: ref === undefined || ref === null ? undefined : String(ref),
    customFields: obj(body, 'customFields', at), transactionHub: obj(body, 'transactionHub', at), taxRates, lines,
  };
}

/** `POST /orders/invoices:preview`: an order request (either shape, and the seed's preview names) priced
 * as a cart that previews its invoice — never activated, never invoiced — plus the preview's own fields. */
export interface PreviewRequest { order: OrderRequest; targetDate: string | undefined; firstInvoiceOnly: boolean }

export function readPreviewRequest(body: unknown): PreviewRequest {
  const order = readOrderRequest(body);
  const b = body as Obj;
  order.options = { ...order.options, activateOrder: false, previewInvoice: true, generateInvoice: false, activateInvoice: false, cancelOnPaymentFail: false, asyncPayment: false };
  return { order, targetDate: date(b, 'targetDate', 'body'), firstInvoiceOnly: bool(b, 'firstInvoiceOnly', 'body') ?? false };
}
