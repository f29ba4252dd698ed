import { Temporal } from 'temporal-polyfill';
import { Dec } from '../core/money.js';

// Raw usage ingest (shared/design/usage.md "Ingest"), pure: which usage subscription a row names,
// whether it may be stored, and the key it is deduplicated by. The service reads what these need
// (the usage chains, product terms, the tenant's now) and writes what they decide.

/** One raw usage row as sent. */
export interface RawUsageInput {
  id?: string;
  subscriptionNumber?: string;
  subscriptionId?: string;
  customerId?: string;
  productSKU?: string;
  timestamp: string;
  quantity: number | string;
  properties?: Record<string, string | number>;
}

/** One version of a usage subscription, as ingest checks a row against it. */
export interface UsageVersionRef {
  id: string;
  assetNumber: string;
  customerId: string;
  productId: string;
  priceModel: string;
  rootId: string;
  originalId: string;
  /** Its service in force: the later of start and effective-from through the earlier of end and effective-to (dates, inclusive). */
  from: string;
  to: string | null;
}

/** What ingest may look a row's subscription up by (`directoryOf`). */
export interface UsageDirectory {
  chains: ReadonlyMap<string, readonly UsageVersionRef[]>;
  /** version id → asset number */
  numberOfVersion: ReadonlyMap<string, string>;
  /** `customerId|productId` → that customer's usage chains of that product */
  byCustomerProduct: ReadonlyMap<string, readonly (readonly UsageVersionRef[])[]>;
  /** a bundle's version-1 id → its usage children */
  childrenOf: ReadonlyMap<string, readonly (readonly UsageVersionRef[])[]>;
  productIdBySku: ReadonlyMap<string, string>;
  /** The property UniqueCount counts, for products that count one. */
  countedProperty: ReadonlyMap<string, string>;
}

export function directoryOf(chains: ReadonlyMap<string, readonly UsageVersionRef[]>, productIdBySku: ReadonlyMap<string, string>, countedProperty: ReadonlyMap<string, string>): UsageDirectory {
  const numberOfVersion = new Map<string, string>();
  const byCustomerProduct = new Map<string, (readonly UsageVersionRef[])[]>();
  const childrenOf = new Map<string, (readonly UsageVersionRef[])[]>();
  const push = (m: Map<string, (readonly UsageVersionRef[])[]>, k: string, c: readonly UsageVersionRef[]) => {
    const list = m.get(k);
    if (list) list.push(c);
    else m.set(k, [c]);
  };
  for (const chain of chains.values()) {
    for (const v of chain) numberOfVersion.set(v.id, v.assetNumber);
    const first = chain[0]!;
    if (first.priceModel !== 'Usage') continue;
    push(byCustomerProduct, `${first.customerId}|${first.productId}`, chain);
    if (first.rootId !== first.originalId) push(childrenOf, first.rootId, chain);
  }
  return { chains, numberOfVersion, byCustomerProduct, childrenOf, productIdBySku, countedProperty };
}

/** A row that may be stored. */
export interface AcceptedRow {
  index: number;
  assetNumber: string;
  subscriptionId: string;
  customerId: string;
  productId: string;
  at: Date;
  quantity: string;
  eventId: string | null;
  properties: Record<string, string | number> | null;
}

export interface RowProblem { index: number; field: string; errorCode: string; message: string }

/** Time bounds a row is checked against: `now` plus the 5 minutes of clock skew allowed (or, in a sandbox, the end of its test-clock day). */
export interface IngestClock { horizonMs: number; timeZone: string }

const MAX_DIGITS = 18;

/** Checks one row: the accepted row, or the first problem found (its field is `data/<index>/<field>`). */
export function checkRow(row: RawUsageInput, index: number, dir: UsageDirectory, clock: IngestClock, reach: (customerId: string) => boolean, bounds: ServiceBounds): AcceptedRow | RowProblem {
  const problem = (field: string, errorCode: string, message: string): RowProblem => ({ index, field: `data/${index}/${field}`, errorCode, message: `data/${index}/${field}: ${message}` });
  const quantity = decimalOf(row.quantity);
  if (quantity === null) return problem('quantity', 'INVALID_QUANTITY', `must be a finite decimal of at most ${MAX_DIGITS} significant digits and ${MAX_DIGITS} decimals, under 10^20`);
  const at = Date.parse(row.timestamp);
  if (Number.isNaN(at)) return problem('timestamp', 'INVALID_TIMESTAMP', 'must be a date-time with its offset');
  const named = chainOf(row, dir);
  if ('errorCode' in named) return problem(named.field, named.errorCode, named.message);
  const chain = named.chain;
  const head = chain[chain.length - 1]!;
  if (!reach(head.customerId)) return problem(named.field, 'OUTSIDE_ORGANISATION', `${head.assetNumber} belongs to a customer this credential does not act for`);
  if (at > clock.horizonMs) return problem('timestamp', 'TIMESTAMP_IN_FUTURE', `${row.timestamp} is more than 5 minutes past now`);
  const version = bounds.versionAt(chain, at);
  if (!version) return problem('timestamp', 'TIMESTAMP_OUTSIDE_SERVICE', `${row.timestamp} is outside the service of ${head.assetNumber}`);
  const counted = dir.countedProperty.get(head.productId);
  if (counted !== undefined && (row.properties?.[counted] === undefined || row.properties[counted] === '')) {
    return problem(`properties/${counted}`, 'MISSING_AGGREGATION_PROPERTY', `${head.assetNumber} counts distinct values of the property ${counted}, which the row does not have`);
  }
  return {
    index, assetNumber: head.assetNumber, subscriptionId: version.id, customerId: head.customerId, productId: head.productId, at: new Date(at),
    quantity: quantity.toString(), eventId: row.id ?? null, properties: row.properties ?? null,
  };
}

/** A finite decimal of at most 18 significant digits, at most 18 decimals and under 10^20 (sums of them stay exact in numeric), or null. */
export function decimalOf(q: number | string): Dec | null {
  if (typeof q === 'number' && !Number.isFinite(q)) return null;
  if (typeof q === 'string' && !/^[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?$/.test(q.trim())) return null;
  const d = new Dec(q);
  return d.isFinite() && d.sd() <= MAX_DIGITS && d.decimalPlaces() <= MAX_DIGITS && d.abs().lt('1e20') ? d : null;
}

type Named = { chain: readonly UsageVersionRef[]; field: string } | { field: string; errorCode: string; message: string };

/** The usage chain a row names: by number or version id (a bundle's: its usage child, picked by SKU when it has several), or by customer and SKU. */
function chainOf(row: RawUsageInput, dir: UsageDirectory): Named {
  const field = row.subscriptionNumber !== undefined ? 'subscriptionNumber' : row.subscriptionId !== undefined ? 'subscriptionId' : row.customerId !== undefined ? 'customerId' : null;
  if (field === null) return { field: 'subscriptionNumber', errorCode: 'USAGE_SUBSCRIPTION_REQUIRED', message: 'name the usage subscription: subscriptionNumber, subscriptionId, or customerId and productSKU' };
  const productId = row.productSKU === undefined ? undefined : dir.productIdBySku.get(row.productSKU);
  if (row.productSKU !== undefined && productId === undefined) return { field: 'productSKU', errorCode: 'USAGE_SUBSCRIPTION_NOT_FOUND', message: `no product has the sku ${row.productSKU}` };
  if (field === 'customerId') {
    if (productId === undefined) return { field: 'productSKU', errorCode: 'USAGE_SUBSCRIPTION_REQUIRED', message: 'a row named by customerId names its product by productSKU' };
    const owned = dir.byCustomerProduct.get(`${row.customerId!.toLowerCase()}|${productId}`) ?? [];
    if (owned.length === 0) return { field, errorCode: 'USAGE_SUBSCRIPTION_NOT_FOUND', message: `customer ${row.customerId} has no usage subscription of ${row.productSKU}` };
    return { chain: latestStarted(owned, row.timestamp), field };
  }
  const number = field === 'subscriptionNumber' ? row.subscriptionNumber! : dir.numberOfVersion.get(row.subscriptionId!.toLowerCase());
  const chain = number === undefined ? undefined : dir.chains.get(number);
  if (!chain) return { field, errorCode: 'USAGE_SUBSCRIPTION_NOT_FOUND', message: `${field === 'subscriptionNumber' ? row.subscriptionNumber : row.subscriptionId} is no usage subscription of this tenant` };
  if (chain[0]!.priceModel === 'Usage') {
    if (productId !== undefined && chain[0]!.productId !== productId) return { field: 'productSKU', errorCode: 'USAGE_SUBSCRIPTION_NOT_FOUND', message: `${number} is not a subscription of ${row.productSKU}` };
    return { chain, field };
  }
  // a bundle: its usage children
  const children = (dir.childrenOf.get(chain[0]!.originalId) ?? []).filter((c) => productId === undefined || c[0]!.productId === productId);
  if (children.length === 1) return { chain: children[0]!, field };
  if (children.length === 0) return { field, errorCode: 'USAGE_SUBSCRIPTION_NOT_FOUND', message: `${number} holds no usage subscription${row.productSKU === undefined ? '' : ` of ${row.productSKU}`}` };
  return { field: 'productSKU', errorCode: 'USAGE_SUBSCRIPTION_REQUIRED', message: `${number} holds several usage products: name one by productSKU` };
}

/** Of a customer's chains of one product (one after another, renewed or bought again), the latest that started by the row's date. */
function latestStarted(chains: readonly (readonly UsageVersionRef[])[], timestamp: string): readonly UsageVersionRef[] {
  const day = timestamp.slice(0, 10);
  const started = chains.filter((c) => c[0]!.from <= day);
  const pool = started.length > 0 ? started : chains;
  return pool.reduce((a, b) => (b[0]!.from > a[0]!.from ? b : a));
}

/** The instants a version's service starts and ends (day boundaries in the tenant's zone), computed once per version. */
export class ServiceBounds {
  private readonly ms = new Map<string, number>();
  private readonly endMs = new Map<string, number>();
  constructor(private readonly timeZone: string) {}

  private dayStart(date: string): number {
    let v = this.ms.get(date);
    if (v === undefined) this.ms.set(date, v = Temporal.PlainDate.from(date).toZonedDateTime({ timeZone: this.timeZone }).epochMilliseconds);
    return v;
  }

  /** The instant the day after `date` starts (the end of `date`'s service). */
  private dayEnd(date: string): number {
    let v = this.endMs.get(date);
    if (v === undefined) this.endMs.set(date, v = this.dayStart(Temporal.PlainDate.from(date).add({ days: 1 }).toString()));
    return v;
  }

  /** The latest version whose service holds the instant, or undefined. */
  versionAt(chain: readonly UsageVersionRef[], at: number): UsageVersionRef | undefined {
    for (let i = chain.length - 1; i >= 0; i--) {
      const v = chain[i]!;
      if (v.to !== null && v.to < v.from) continue;
      if (at < this.dayStart(v.from)) continue;
      if (v.to !== null && at >= this.dayEnd(v.to)) continue;
      return v;
    }
    return undefined;
  }
}

/** The key a row is deduplicated by, forever: its event id within its subscription, or its place in its transaction. */
export function keyOf(row: Pick<AcceptedRow, 'assetNumber' | 'eventId' | 'index'>, transactionId: string): { assetNumber: string; key: string } {
  return row.eventId !== null ? { assetNumber: row.assetNumber, key: `id:${row.eventId}` } : { assetNumber: '', key: `tx:${transactionId}:${row.index}` };
}
