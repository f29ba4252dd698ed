import { sql } from 'kysely';
import type { Db } from '../db/connect.js';
import type { Tx } from '../db/transaction.js';
import type { Row } from '../db/schema.js';
import { fromRow, type ColumnMap as RowColumns, type MapsRow } from '../db/rows.js';
import type { AssetVersion } from './model.js';
import type { NewVersion } from './provisioning.js';
import type { Where, WhereSchema } from '../filters/where-filter.js';
import { whereSql, type Column, type ColumnMap } from '../filters/where-sql.js';

// The only file that touches asset_versions and asset_heads.
type Q = Db | Tx;

const VERSION = {
  id: 'id', kind: 'kind', assetNumber: 'asset_number', version: 'version', status: 'status', customerId: 'customer_id', orderId:
  'order_id', orderProductId: 'order_product_id', productId: 'product_id', productName: 'product_name', priceBookId:
  'price_book_id', priceBookEntryId: 'price_book_entry_id', uomId: 'uom_id', parentId: 'parent_id', rootId: 'root_id', level:
  'level', bundled: 'bundled', originalId: 'original_id', lastVersionedId: 'last_versioned_id', quantity: 'quantity',
  includedUnits: 'included_units', startDate: 'start_date', endDate: 'end_date', freeTrialEndDate: 'free_trial_end_date', term:
  'term', termDimension: 'term_dimension', renewalTerm: 'renewal_term', autoRenew: 'auto_renew', evergreen: 'evergreen',
  priceModel: 'price_model', billingPeriod: 'billing_period', billingTiming: 'billing_timing', billCycleDay: 'bill_cycle_day',
  billCycleStartMonth: 'bill_cycle_start_month', currency: 'currency_iso_code', listPrice: 'list_price', salesPrice:
  'sales_price', netSalesPrice: 'net_sales_price', totalPrice: 'total_price', taxAmount: 'tax_amount', taxPercentage: 'tax_percentage', totalAmount:
  'total_amount', tcv: 'tcv', deltaTCV: 'delta_tcv', deltaACV: 'delta_acv', monthlyPrice: 'monthly_price', effectiveFrom:
  'effective_from', effectiveTo: 'effective_to', cancellationDate: 'cancellation_date', description: 'description', customFields:
  'custom_fields', createdAt: 'created_at',
} as const satisfies RowColumns<AssetVersion, Row<'asset_versions'>>;
// the compiler checks every column against its field (kind is narrowed to AssetKind on the way out)
const versionsMap: MapsRow<Omit<AssetVersion, 'kind'>, Row<'asset_versions'>, Omit<typeof VERSION, 'kind'>> = true;
void versionsMap;

const toVersion = (r: Row<'asset_versions'>): AssetVersion => fromRow<AssetVersion>(VERSION, r);
/** What a new version writes: every column but the ones the database fills. */
const WRITTEN = Object.entries(VERSION).filter(([f]) => f !== 'createdAt' && f !== 'customFields') as [keyof NewVersion, string][];

export async function insertVersions(db: Q, tenantId: string, versions: readonly NewVersion[]): Promise<void> {
  if (versions.length === 0) return;
  const values = versions.map((v) => sql`(${sql.join([tenantId, ...WRITTEN.map(([f]) => v[f])])})`);
  await sql`insert into asset_versions (tenant_id, ${sql.join(WRITTEN.map(([, c]) => sql.ref(c)))}) values ${sql.join(values)}`.execute(db);
  // one head per number: its highest version (a temporary change writes two versions at once)
  const top = new Map<string, NewVersion>();
  for (const v of versions) if ((top.get(v.assetNumber)?.version ?? 0) < v.version) top.set(v.assetNumber, v);
  const heads = [...top.values()].map((v) => sql`(${tenantId}, ${v.assetNumber}, ${v.kind}, ${v.customerId}, ${v.id}, ${v.version})`);
  await sql`insert into asset_heads (tenant_id, asset_number, kind, customer_id, latest_id, latest_version) values ${sql.join(heads)}
    on conflict (tenant_id, asset_number) do update set latest_id = excluded.latest_id, latest_version = excluded.latest_version`.execute(db);
}

/** A version with what is read at query time: its chain's totals, its head, and the version in force today. */
export interface VersionWithFigures extends AssetVersion {
  totalTCV: string;
  totalACV: string;
  latestId: string;
  latestVersion: number;
  todayQuantity: string | null;
  todayMonthly: string | null;
  todayIncluded: string | null;
  todayPriceModel: string | null;
}
type FiguresRow = Row<'asset_versions'> & { total_tcv: string; total_acv: string; latest_id: string; latest_version: number; today_quantity: string | null;
  today_monthly: string | null; today_included: string | null; today_price_model: string | null };

/** Versions with what is read at query time: the chain's totals, the head, and the version in force today. */
export async function versionsWithFigures(db: Q, tenantId: string, filter: { ids?: readonly string[]; orderId?: string }, today: string): Promise<VersionWithFigures[]> {
  const where = filter.ids ? sql`id = any(${[...filter.ids]}::uuid[])` : sql`order_id = ${filter.orderId!}`;
  const r = await sql<FiguresRow>`
    with v as (select * from asset_versions where tenant_id = ${tenantId} and ${where}),
    chain as (
      select asset_number, version, sum(delta_tcv) over w as total_tcv, sum(delta_acv) over w as total_acv
      from asset_versions where tenant_id = ${tenantId} and asset_number in (select asset_number from v)
      window w as (partition by asset_number order by version)),
    today as (
      select distinct on (asset_number) asset_number, quantity, monthly_price, included_units, price_model
      from asset_versions where tenant_id = ${tenantId} and asset_number in (select asset_number from v)
        and status = 'Active' and effective_from <= ${today}::date and (effective_to is null or effective_to >= ${today}::date)
        and start_date <= ${today}::date and (end_date is null or end_date >= ${today}::date)
      order by asset_number, version desc)
    select v.*, chain.total_tcv, chain.total_acv, h.latest_id, h.latest_version,
           today.quantity as today_quantity, today.monthly_price as today_monthly, today.included_units as today_included, today.price_model as today_price_model
    from v join chain on chain.asset_number = v.asset_number and chain.version = v.version
      join asset_heads h on h.tenant_id = ${tenantId} and h.asset_number = v.asset_number
      left join today on today.asset_number = v.asset_number
    order by v.level, v.created_at, v.asset_number`.execute(db);
  return r.rows.map((x) => ({
    ...toVersion(x), totalTCV: x.total_tcv, totalACV: x.total_acv, latestId: x.latest_id, latestVersion: x.latest_version,
    todayQuantity: x.today_quantity, todayMonthly: x.today_monthly, todayIncluded: x.today_included, todayPriceModel: x.today_price_model,
  }));
}

/** Per customer: the in-force-today figures of each asset number, and each number's chain TCV. */
export async function customerFigures(db: Q, tenantId: string, customerIds: readonly string[], today: string) {
  const r = await sql<{ customer_id: string; monthly: string | null; quantity: string | null; included: string | null; price_model: string | null; currency: string | null; tcv: string }>`
    with numbers as (select asset_number, customer_id, sum(delta_tcv) as tcv from asset_versions
      where tenant_id = ${tenantId} and customer_id = any(${[...customerIds]}::uuid[]) and status <> 'Canceled' group by asset_number, customer_id),
    today as (
      select distinct on (asset_number) asset_number, quantity, monthly_price, included_units, price_model, currency_iso_code
      from asset_versions where tenant_id = ${tenantId} and customer_id = any(${[...customerIds]}::uuid[])
        and status = 'Active' and effective_from <= ${today}::date and (effective_to is null or effective_to >= ${today}::date)
        and start_date <= ${today}::date and (end_date is null or end_date >= ${today}::date)
      order by asset_number, version desc)
    select n.customer_id, t.monthly_price as monthly, t.quantity, t.included_units as included, t.price_model, t.currency_iso_code as currency, n.tcv
    from numbers n left join today t on t.asset_number = n.asset_number`.execute(db);
  return r.rows.map((x) => ({ customerId: x.customer_id, monthly: x.monthly, quantity: x.quantity, included: x.included, priceModel: x.price_model, currency: x.currency, tcv: x.tcv }));
}

export async function cancelOrderVersions(db: Q, tenantId: string, orderId: string, on: string): Promise<number> {
  const r = await sql<{ asset_number: string }>`update asset_versions set status = 'Canceled', cancellation_date = ${on}::date
    where tenant_id = ${tenantId} and order_id = ${orderId} and status <> 'Canceled' returning asset_number`.execute(db);
  // a canceled change order's versions stop being the latest: heads go back to what came before
  const numbers = [...new Set(r.rows.map((x) => x.asset_number))];
  if (numbers.length > 0) {
    await sql`update asset_heads h set latest_id = x.id, latest_version = x.version from (
        select distinct on (asset_number) asset_number, id, version from asset_versions
        where tenant_id = ${tenantId} and asset_number = any(${numbers}::text[]) and status not in ('Canceled', 'Superseded') order by asset_number, version desc) x
      where h.tenant_id = ${tenantId} and h.asset_number = x.asset_number`.execute(db);
  }
  return r.rows.length;
}

/** The customer a subscription version belongs to (undefined: no such subscription). */
export async function subscriptionOwner(db: Q, tenantId: string, id: string): Promise<string | undefined> {
  const r = await sql<{ customer_id: string }>`select customer_id from asset_versions where tenant_id = ${tenantId} and id = ${id} and kind = 'Subscription'`.execute(db);
  return r.rows[0]?.customer_id;
}

export async function patchDescriptive(db: Q, tenantId: string, id: string, patch: { description?: string | null; customFields?: Record<string, unknown> }): Promise<boolean> {
  const sets = [sql`description = coalesce(${patch.description === undefined ? null : patch.description}, description)`];
  if (patch.description === null) sets[0] = sql`description = null`;
  if (patch.customFields) sets.push(sql`custom_fields = custom_fields || ${JSON.stringify(patch.customFields)}::jsonb`);
  const r = await sql`update asset_versions set ${sql.join(sets)} where tenant_id = ${tenantId} and id = ${id} and kind = 'Subscription'`.execute(db);
  return Number(r.numAffectedRows ?? 0) > 0;
}

/** The latest version of each asset number of an order or a customer, canceled ones left out. */
export async function latestVersions(db: Q, tenantId: string, filter: { orderId?: string; customerId?: string }): Promise<AssetVersion[]> {
  const where = filter.orderId ? sql`v.order_id = ${filter.orderId}` : sql`v.customer_id = ${filter.customerId!}`;
  const r = await sql<Row<'asset_versions'>>`select v.* from asset_versions v
    join asset_heads h on h.tenant_id = v.tenant_id and h.asset_number = v.asset_number and h.latest_id = v.id
    where v.tenant_id = ${tenantId} and ${where} and v.status not in ('Canceled', 'Superseded') order by v.level, v.asset_number`.execute(db);
  return r.rows.map(toVersion);
}

/** The tenant's latest versions that auto-renew and ended before `target` (renewal candidates). */
export async function renewalCandidates(db: Q, tenantId: string, target: string): Promise<AssetVersion[]> {
  const r = await sql<Row<'asset_versions'>>`select v.* from asset_versions v
    join asset_heads h on h.tenant_id = v.tenant_id and h.asset_number = v.asset_number and h.latest_id = v.id
    where v.tenant_id = ${tenantId} and v.auto_renew and v.status = 'Active' and v.end_date < ${target}::date order by v.level, v.asset_number`.execute(db);
  return r.rows.map(toVersion);
}

/** The latest version of each of these asset numbers (canceled ones left out). */
export async function latestOfNumbers(db: Q, tenantId: string, numbers: readonly string[]): Promise<AssetVersion[]> {
  if (numbers.length === 0) return [];
  const r = await sql<Row<'asset_versions'>>`select v.* from asset_versions v
    join asset_heads h on h.tenant_id = v.tenant_id and h.asset_number = v.asset_number and h.latest_id = v.id
    where v.tenant_id = ${tenantId} and v.asset_number = any(${[...numbers]}::text[]) and v.status not in ('Canceled', 'Superseded') order by v.level, v.asset_number`.execute(db);
  return r.rows.map(toVersion);
}

/** The next version number of each asset number (canceled versions keep theirs). */
export async function nextVersions(db: Q, tenantId: string, numbers: readonly string[]): Promise<Map<string, number>> {
  if (numbers.length === 0) return new Map();
  const r = await sql<{ asset_number: string; v: number }>`select asset_number, max(version) as v from asset_versions
    where tenant_id = ${tenantId} and asset_number = any(${[...numbers]}::text[]) group by asset_number`.execute(db);
  return new Map(r.rows.map((x) => [x.asset_number, Number(x.v) + 1]));
}

/** Every version of these asset numbers, oldest first per number (canceled ones left out). */
export async function versionsOfNumbers(db: Q, tenantId: string, numbers: readonly string[]): Promise<AssetVersion[]> {
  if (numbers.length === 0) return [];
  const r = await sql<Row<'asset_versions'>>`select * from asset_versions where tenant_id = ${tenantId} and asset_number = any(${[...numbers]}::text[])
    and status not in ('Canceled', 'Superseded') order by asset_number, version`.execute(db);
  return r.rows.map(toVersion);
}

/**
 * The usage-priced assets that raw usage may name, every version not canceled (by number, then
 * version): by asset number (a bundle's number reaches its usage children), by a version's id, or
 * by (customer, product).
 */
export async function usageVersions(db: Q, tenantId: string, by: { numbers: readonly string[]; ids: readonly string[]; customerProducts: readonly [string, string][] }): Promise<AssetVersion[]> {
  const r = await sql<Row<'asset_versions'>>`
    with named as (
      select asset_number from asset_versions where tenant_id = ${tenantId} and asset_number = any(${[...by.numbers]}::text[])
      union select asset_number from asset_versions where tenant_id = ${tenantId} and id = any(${[...by.ids]}::uuid[])
      union select c.asset_number from asset_versions c join asset_versions r on r.tenant_id = c.tenant_id and r.id = c.root_id
        where c.tenant_id = ${tenantId} and r.asset_number = any(${[...by.numbers]}::text[]) and c.price_model = 'Usage'
      union select asset_number from asset_versions where tenant_id = ${tenantId} and price_model = 'Usage'
        and (customer_id, product_id) in (select * from unnest(${by.customerProducts.map((p) => p[0])}::uuid[], ${by.customerProducts.map((p) => p[1])}::uuid[])))
    select * from asset_versions where tenant_id = ${tenantId} and asset_number in (select asset_number from named)
      and status not in ('Canceled', 'Superseded') order by asset_number, version`.execute(db);
  return r.rows.map(toVersion);
}

/** Locks the heads of these asset numbers for the rest of the transaction (billing writes under it). */
export async function lockHeads(db: Q, tenantId: string, numbers: readonly string[]): Promise<void> {
  if (numbers.length === 0) return;
  await sql`select asset_number from asset_heads where tenant_id = ${tenantId} and asset_number = any(${[...numbers]}::text[]) order by asset_number for update`.execute(db);
}

export async function customersWithAssets(db: Q, tenantId: string): Promise<string[]> {
  const r = await sql<{ customer_id: string }>`select distinct customer_id from asset_heads where tenant_id = ${tenantId} order by customer_id`.execute(db);
  return r.rows.map((x) => x.customer_id);
}

// --- filters (the where dialect) over each asset number's latest version ----------------------------

const V = (c: string) => sql.ref(`v.${c}`);
const ASSET_FIELDS: Record<string, Column> = {
  assetNumber: { sql: V('asset_number'), type: 'text' }, name: { sql: V('asset_number'), type: 'text' },
  assetType: { sql: V('kind'), type: 'text' }, status: { sql: V('status'), type: 'text' },
  customerId: { sql: V('customer_id'), type: 'uuid' }, productId: { sql: V('product_id'), type: 'uuid' }, productName: { sql: V('product_name'), type: 'text' },
  priceBookId: { sql: V('price_book_id'), type: 'uuid' }, priceBookEntryId: { sql: V('price_book_entry_id'), type: 'uuid' },
  currencyIsoCode: { sql: V('currency_iso_code'), type: 'text' }, priceModel: { sql: V('price_model'), type: 'text' },
  quantity: { sql: V('quantity'), type: 'number' }, netSalesPrice: { sql: V('net_sales_price'), type: 'number' }, totalPrice: { sql: V('total_price'), type: 'number' },
  startDate: { sql: V('start_date'), type: 'date' }, endDate: { sql: V('end_date'), type: 'date' },
  subscriptionStartDate: { sql: V('start_date'), type: 'date' }, subscriptionEndDate: { sql: V('end_date'), type: 'date' },
  autoRenew: { sql: V('auto_renew'), type: 'boolean' }, cancellationDate: { sql: V('cancellation_date'), type: 'date' },
};
const known = (fields: Record<string, Column>) => (name: string) => (Object.hasOwn(fields, name) ? fields[name] : undefined);
const ASSET_COLUMNS: ColumnMap = {
  column: known(ASSET_FIELDS),
  relation: (name) => (name !== 'customer' ? undefined : {
    exists: (inner) => sql`exists (select 1 from customers c where c.tenant_id = v.tenant_id and c.id = v.customer_id and ${inner})`,
    map: { column: known(CUSTOMER_FIELDS) },
  }),
};
const CUSTOMER_FIELDS: Record<string, Column> = {
  id: { sql: sql.ref('c.id'), type: 'uuid' }, name: { sql: sql.ref('c.name'), type: 'text' }, email: { sql: sql.ref('c.email'), type: 'text' },
  billingCountry: { sql: sql.ref('c.billing_country'), type: 'text' }, billingState: { sql: sql.ref('c.billing_state'), type: 'text' },
};

/** What a filter over assets may name (readWhere checks it before SQL is built). */
export const ASSET_FILTER: WhereSchema = {
  fields: Object.keys(ASSET_FIELDS),
  relation: (name) => (name === 'customer' ? { fields: Object.keys(CUSTOMER_FIELDS) } : undefined),
};

/** The latest versions that match a filter, canceled ones left out; at most `limit`. */
/** `customerIds`: only these customers' assets (an organisation's scope); null: the whole tenant's. */
export async function latestMatching(db: Q, tenantId: string, where: Where, limit: number, customerIds: readonly string[] | null): Promise<AssetVersion[]> {
  const scope = customerIds ? sql`and v.customer_id = any(${[...customerIds]}::uuid[])` : sql``;
  const r = await sql<Row<'asset_versions'>>`select v.* from asset_versions v
    join asset_heads h on h.tenant_id = v.tenant_id and h.asset_number = v.asset_number and h.latest_id = v.id
    where v.tenant_id = ${tenantId} and v.status not in ('Canceled', 'Superseded') and ${whereSql(where, ASSET_COLUMNS)} ${scope}
    order by v.customer_id, v.asset_number limit ${limit}`.execute(db);
  return r.rows.map(toVersion);
}

/** Versions replaced by re-derived ones (a change dated before them): they leave every chain. */
export async function supersedeVersions(db: Q, tenantId: string, ids: readonly string[]): Promise<void> {
  if (ids.length === 0) return;
  await sql`update asset_versions set status = 'Superseded' where tenant_id = ${tenantId} and id = any(${[...ids]}::uuid[])`.execute(db);
}

/** Σ delta TCV per asset number over every version that counts (the figure reads sum them so). */
export async function chainTcv(db: Q, tenantId: string, numbers: readonly string[]): Promise<Map<string, string>> {
  if (numbers.length === 0) return new Map();
  const r = await sql<{ asset_number: string; tcv: string }>`select asset_number, sum(delta_tcv) as tcv from asset_versions
    where tenant_id = ${tenantId} and asset_number = any(${[...numbers]}::text[]) and status <> 'Canceled' group by asset_number`.execute(db);
  return new Map(r.rows.map((x) => [x.asset_number, x.tcv]));
}
