import { sql, type RawBuilder } from 'kysely';
import { OBJECTS } from '../catalog/objects.js';
import { CONTACT, CUSTOMER } from '../customers/objects.js';
import { snake, type FieldDef, type ObjectDef } from '../metadata/fields.js';
import type { Permission } from '../tenancy/roles.js';
import type { ColumnType } from '../filters/where-sql.js';
import { minorUnitExceptions } from '../core/money.js';

// Every stored entity as the GraphQL read model sees it (DESIGN "GraphQL"): its table, its fields
// by API name with their SQL, its relations both ways, who owns a row (the organisation scope) and
// whether it is versioned. The schema (schema.ts) and the SQL compiler (compile.ts) both read this
// registry; an entity added here is queryable with filters, ordering and relations at once.

export type Kind = 'String' | 'Int' | 'Float' | 'Boolean' | 'JSON' | 'ID';
/** `a` is the SQL alias of the entity's row; `p` binds values (today's date) into the expression. */
export type Expr = (a: string, p: QueryParams) => RawBuilder<unknown>;
export interface QueryParams { today: string }

export interface EntityField { name: string; kind: Kind; filter: ColumnType | null; sql: Expr }
export interface EntityRelation { name: string; target: string; many: boolean; join: (parent: string, child: string) => RawBuilder<unknown> }
export interface Entity {
  name: string;
  table: string;
  permission: Permission;
  fields: EntityField[];
  relations: EntityRelation[];
  /** The customer a row belongs to (organisation scope); 'public' rows are the tenant's catalog; 'none' rows are hidden from scoped credentials. */
  owner: ((a: string) => RawBuilder<unknown>) | 'public' | 'none';
  /** Rows this entity is (a kind of asset version, an invoice item but not a memo item). */
  base?: (a: string) => RawBuilder<unknown>;
  /** Versioned: the latest versions as a from-item, read unless `where` names one of `versionFields`. */
  latest?: RawBuilder<unknown>;
  versionFields?: string[];
  /** The heads of a versioned entity (one row per asset number, naming its latest version): an unfiltered
   * page in the default order is chosen on them, so a deep offset skips heads instead of joined versions. */
  heads?: { table: string; order: string; latestId: string; owner: string; base: (a: string) => RawBuilder<unknown> };
  defaultOrder: (a: string) => RawBuilder<unknown>;
}

const col = (c: string): Expr => (a) => sql.ref(`${a}.${c}`);
const iso = (c: string): Expr => (a) => sql`to_char(${sql.ref(`${a}.${c}`)} at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"')`;
const nul: Expr = () => sql`null`;

/**
 * Fields from a compact list: `name[:type][=column]`, type s (text, default) n (number) i (int)
 * b (boolean) d (date) t (instant) j (JSON) u (id) 0 (always null: a seed field Keel does not keep).
 */
function fields(spec: string): EntityField[] {
  return spec.trim().split(/\s+/).map((token) => {
    const [lhs, column] = token.split('=') as [string, string | undefined];
    const [name, type = 's'] = lhs.split(':') as [string, string | undefined];
    const c = column ?? snake(name);
    switch (type) {
      case 'n': return { name, kind: 'Float', filter: 'number', sql: (a) => sql`(${sql.ref(`${a}.${c}`)})::numeric` };
      case 'i': return { name, kind: 'Int', filter: 'number', sql: col(c) };
      case 'b': return { name, kind: 'Boolean', filter: 'boolean', sql: col(c) };
      case 'd': return { name, kind: 'String', filter: 'date', sql: col(c) };
      case 't': return { name, kind: 'String', filter: null, sql: iso(c) };
      case 'j': return { name, kind: 'JSON', filter: null, sql: col(c) };
      case 'u': return { name, kind: 'ID', filter: 'uuid', sql: col(c) };
      case '0': return { name, kind: 'String', filter: null, sql: nul };
      default: return { name, kind: 'String', filter: 'text', sql: col(c) };
    }
  });
}
const field = (name: string, kind: Kind, filter: ColumnType | null, expr: Expr): EntityField => ({ name, kind, filter, sql: expr });

const STAMPS = 'customFields:j createdDate:t=created_at lastModifiedDate:t=updated_at createdById:0 lastModifiedById:0';
const one = (name: string, target: string, fk: string): EntityRelation => ({ name, target, many: false, join: (p, c) => sql`${sql.ref(`${c}.id`)} = ${sql.ref(`${p}.${fk}`)}` });
const many = (name: string, target: string, fk: string, pk = 'id'): EntityRelation => ({ name, target, many: true, join: (p, c) => sql`${sql.ref(`${c}.${fk}`)} = ${sql.ref(`${p}.${pk}`)}` });
const byColumn = (c: string) => (a: string) => sql.ref(`${a}.${c}`);
const order = (...cols: string[]) => (a: string) => sql.join(cols.map((c) => sql.ref(`${a}.${c}`)));

/** A registry object (catalog, customers) as an entity: its fields, its references and its children. */
function fromObjectDef(def: ObjectDef, permission: Permission, owner: Entity['owner'], extra: { fields?: EntityField[]; relations?: EntityRelation[] } = {}): Entity {
  const kindOf = (f: FieldDef): [Kind, ColumnType | null] => {
    switch (f.type) {
      case 'integer': return ['Int', 'number'];
      case 'decimal': return ['Float', 'number'];
      case 'boolean': return ['Boolean', 'boolean'];
      case 'date': return ['String', 'date'];
      case 'datetime': return ['String', null];
      case 'json': return ['JSON', null];
      case 'ref': return ['ID', 'uuid'];
      default: return ['String', 'text'];
    }
  };
  const own: EntityField[] = [field('id', 'ID', 'uuid', col('id')), ...def.fields.map((f) => {
    const [kind, filter] = kindOf(f);
    return field(f.name, kind, filter, f.type === 'datetime' ? iso(f.column) : f.type === 'decimal' ? (a) => sql`(${sql.ref(`${a}.${f.column}`)})::numeric` : col(f.column));
  }), ...fields(STAMPS)];
  const refs = def.fields.filter((f) => f.type === 'ref' && f.ref).map((f) => one(f.name.replace(/Id$/, ''), f.ref!, f.column));
  const children = (def.children ?? []).map((c) => many(c.key, c.object, snake(c.parentField)));
  const names = new Set<string>();
  const relations = [...refs, ...children, ...(extra.relations ?? [])].filter((r) => !names.has(r.name) && names.add(r.name));
  return { name: def.name, table: def.table, permission, fields: [...own, ...(extra.fields ?? [])], relations, owner, defaultOrder: order('created_at', 'id') };
}

// --- read-time figures (the same as REST's: roll-ups of the versions in force today) ---------------

const inForceToday = (p: QueryParams) => sql`status = 'Active' and effective_from <= ${p.today}::date and (effective_to is null or effective_to >= ${p.today}::date)
  and start_date <= ${p.today}::date and (end_date is null or end_date >= ${p.today}::date)`;
/** The currency's minor unit in SQL, as core/money's minorUnits answers it (REST rounds the same way). */
const minorUnitsSql = (column: RawBuilder<unknown>) => sql`case ${column} ${sql.join(Object.entries(minorUnitExceptions()).map(([c, n]) => sql`when ${c} then ${sql.lit(n)}`), sql` `)} else 2 end`;
const cmrrOf = (where: RawBuilder<unknown>, p: QueryParams) => sql`(select coalesce(sum(case when x.price_model = 'Recurring'
    then round(x.monthly_price * greatest(x.quantity - x.included_units, 0), ${minorUnitsSql(sql.ref('x.currency_iso_code'))}) else 0 end), 0)::numeric from (
  select distinct on (asset_number) price_model, monthly_price, quantity, included_units, currency_iso_code from asset_versions
  where ${where} and ${inForceToday(p)} order by asset_number, version desc) x)`;
const customerFigures: EntityField[] = [
  field('totalTCV', 'Float', null, (a) => sql`(select coalesce(sum(delta_tcv), 0)::numeric from asset_versions v where v.tenant_id = ${sql.ref(`${a}.tenant_id`)} and v.customer_id = ${sql.ref(`${a}.id`)} and v.status <> 'Canceled')`),
  field('todayCMRR', 'Float', null, (a, p) => cmrrOf(sql`tenant_id = ${sql.ref(`${a}.tenant_id`)} and customer_id = ${sql.ref(`${a}.id`)}`, p)),
  field('todayARR', 'Float', null, (a, p) => sql`(${cmrrOf(sql`tenant_id = ${sql.ref(`${a}.tenant_id`)} and customer_id = ${sql.ref(`${a}.id`)}`, p)} * 12)`),
  field('invoiceBalance', 'Float', null, (a) => sql`(select coalesce(sum(balance), 0)::numeric from invoices i where i.tenant_id = ${sql.ref(`${a}.tenant_id`)} and i.customer_id = ${sql.ref(`${a}.id`)} and i.status = 'Active')`),
];

// --- assets: one table, three entities ---------------------------------------------------------------

function assetEntity(kind: 'Subscription' | 'Asset' | 'Entitlement'): Entity {
  const w = kind === 'Subscription' ? 'subscription' : kind === 'Asset' ? 'asset' : 'entitlement';
  const W = kind;
  const number = kind === 'Subscription' ? [] : kind === 'Asset' ? [field('assetNumber', 'String', 'text', col('asset_number'))] : [field('entitlementNumber', 'String', 'text', col('asset_number'))];
  const head = (a: string) => sql`(select h.latest_id from asset_heads h where h.tenant_id = ${sql.ref(`${a}.tenant_id`)} and h.asset_number = ${sql.ref(`${a}.asset_number`)})`;
  const chain = (a: string, c: string) => sql`(select coalesce(sum(${sql.ref(`x.${c}`)}), 0)::numeric from asset_versions x where x.tenant_id = ${sql.ref(`${a}.tenant_id`)}
    and x.asset_number = ${sql.ref(`${a}.asset_number`)} and x.version <= ${sql.ref(`${a}.version`)})`;
  const today = (a: string, p: QueryParams) => cmrrOf(sql`tenant_id = ${sql.ref(`${a}.tenant_id`)} and asset_number = ${sql.ref(`${a}.asset_number`)}`, p);
  const versionName = kind === 'Subscription' ? 'subscriptionVersion' : `${w}Version`;
  return {
    name: kind, table: 'asset_versions', permission: 'orders:read', owner: byColumn('customer_id'),
    base: (a) => sql`${sql.ref(`${a}.kind`)} = ${kind}`,
    // the latest versions read from the heads (one per asset number, in asset-number order): a page of
    // 100 walks 100 heads instead of filtering the whole version table (a per-row latest-version test
    // makes the planner expect 0.5% of rows and scan the table)
    latest: sql`select v.* from asset_heads h join asset_versions v on v.tenant_id = h.tenant_id and v.asset_number = h.asset_number and v.version = h.latest_version`,
    versionFields: [versionName, 'isLatest', 'id', `${w}CompositeId`, `lastVersioned${W}Id`],
    heads: { table: 'asset_heads', order: 'asset_number', latestId: 'latest_id', owner: 'customer_id', base: (a) => sql`${sql.ref(`${a}.kind`)} = ${kind}` },
    defaultOrder: order('asset_number', 'version'),
    fields: [
      ...fields(`id:u name=asset_number customerId:u orderId:u orderProductId:u productId:u productName priceBookId:u priceBookEntryId:u uomId:u
        parentId:u rootId:u bundled:b quantity:n includedUnits:n=included_units priceModel listPrice:n salesPrice:n netSalesPrice:n totalPrice:n
        taxAmount:n totalAmount:n tcv:n billingPeriod billingTiming billCycleDay:i billCycleStartMonth:i currencyIsoCode effectiveFrom:d effectiveTo:d
        cancellationDate:d freeTrialEndDate:d description customFields:j createdDate:t=created_at lastModifiedDate:t=created_at createdById:0 lastModifiedById:0
        reconfigureEffectiveDate:0 orderOnDate:0 autoRenew:b renewalTerm:i evergreen:b termDimension`),
      ...number,
      // as assets/model.ts statusOn: the latest version past its end, not renewed, reads Expired
      field('status', 'String', 'text', (a, p) => sql`(case when ${sql.ref(`${a}.status`)} = 'Active' and ${sql.ref(`${a}.end_date`)} < ${p.today}::date
        and ${sql.ref(`${a}.id`)} = ${head(a)} then 'Expired' else ${sql.ref(`${a}.status`)} end)`),
      field(versionName, 'Int', 'number', col('version')),
      field(`${w}CompositeId`, 'String', 'text', (a) => sql`${sql.ref(`${a}.asset_number`)} || '_' || ${sql.ref(`${a}.version`)}`),
      field(`${w}Level`, 'Int', 'number', col('level')),
      field(`original${W}Id`, 'ID', 'uuid', col('original_id')),
      field(`lastVersioned${W}Id`, 'ID', 'uuid', col('last_versioned_id')),
      field(`latestVersioned${W}Id`, 'ID', 'uuid', head),
      field('isLatest', 'Boolean', 'boolean', (a) => sql`(${sql.ref(`${a}.id`)} = ${head(a)})`),
      ...(kind === 'Subscription'
        ? fields('subscriptionStartDate:d=start_date subscriptionEndDate:d=end_date subscriptionTerm:i=term actualSubscriptionTerm:i=term')
        : fields('startDate:d=start_date endDate:d=end_date term:i')),
      field(kind === 'Subscription' ? 'totalTCV' : 'totalTcv', 'Float', null, (a) => chain(a, 'delta_tcv')),
      field(kind === 'Subscription' ? 'totalACV' : 'totalAcv', 'Float', null, (a) => chain(a, 'delta_acv')),
      field('todayCMRR', 'Float', null, (a, p) => today(a, p)),
      field('todayARR', 'Float', null, (a, p) => sql`(${today(a, p)} * 12)`),
      field('todaysQuantity', 'Float', null, (a, p) => sql`(select coalesce((select quantity from asset_versions x where x.tenant_id = ${sql.ref(`${a}.tenant_id`)}
        and x.asset_number = ${sql.ref(`${a}.asset_number`)} and ${inForceToday(p)} order by version desc limit 1), 0)::numeric)`),
    ],
    relations: [
      one('customer', 'Customer', 'customer_id'), one('product', 'Product', 'product_id'), one('order', 'Order', 'order_id'),
      one('orderProduct', 'OrderProduct', 'order_product_id'), one('priceBook', 'PriceBook', 'price_book_id'),
    ],
  };
}

const orderOwner = (a: string) => sql`(select o.customer_id from orders o where o.tenant_id = ${sql.ref(`${a}.tenant_id`)} and o.id = ${sql.ref(`${a}.order_id`)})`;
const invoiceOwner = (a: string) => sql`(select i.customer_id from invoices i where i.tenant_id = ${sql.ref(`${a}.tenant_id`)} and i.id = ${sql.ref(`${a}.invoice_id`)})`;
const applicationOwner = (a: string) => sql`coalesce(
  (select i.customer_id from invoices i where i.tenant_id = ${sql.ref(`${a}.tenant_id`)} and i.id = ${sql.ref(`${a}.invoice_id`)}),
  (select d.customer_id from debit_memos d where d.tenant_id = ${sql.ref(`${a}.tenant_id`)} and d.id = ${sql.ref(`${a}.debit_memo_id`)}))`;
const negated = (c: string): Expr => (a) => sql`(-${sql.ref(`${a}.${c}`)})::numeric`;

const ITEM = `id:u name=invoice_item_number status customerId:u accountId:u=customer_id assetId:u assetNumber assetType productId:u productName uomId:u
  orderProductId:u startDate:d endDate:d billingTiming transactionDate:d transactionQuantity:n netSalesPrice:n createdDate:t=created_at`;

const ENTITIES: Entity[] = [
  fromObjectDef(CUSTOMER, 'customers:read', byColumn('id'), {
    fields: [...fields('billingZipCode=billing_postal_code shippingZipCode=shipping_postal_code'), ...customerFigures],
    relations: [
      one('parentCustomer', 'Customer', 'parent_customer_id'), many('childCustomers', 'Customer', 'parent_customer_id'),
      many('orders', 'Order', 'customer_id'), many('subscriptions', 'Subscription', 'customer_id'), many('assets', 'Asset', 'customer_id'),
      many('entitlements', 'Entitlement', 'customer_id'), many('invoices', 'Invoice', 'customer_id'), many('creditMemos', 'CreditMemo', 'customer_id'),
      many('debitMemos', 'DebitMemo', 'customer_id'), many('payments', 'Payment', 'customer_id'), many('credits', 'Credit', 'customer_id'),
    ],
  }),
  fromObjectDef(CONTACT, 'customers:read', byColumn('customer_id'), { fields: fields('billingZipCode=billing_postal_code shippingZipCode=shipping_postal_code') }),
  {
    name: 'Order', table: 'orders', permission: 'orders:read', owner: byColumn('customer_id'), defaultOrder: order('created_at', 'id'),
    fields: fields(`id:u name orderNumber orderType status customerId:u billingAccountId:u billToContactId:u shipToContactId:u priceBookId:u currencyIsoCode
      effectiveDate:d orderStartDate:d orderEndDate:d endDate:d=order_end_date subscriptionStartDate:d=order_start_date billingPeriod billCycleDay:i billingTiming
      paymentTerm description poNumber poDate:d orderReferenceNumber billingAddress shippingAddress refId listTotal:n subtotal:n discountAmount:n
      systemDiscountAmount:n totalPrice:n taxAmount:n taxStatus tax:n=tax_amount totalAmount:n orderTCV:n=order_tcv orderACV:n=order_acv cancelOnPaymentFail:b
      orderPlacedDate:t activatedDate:t activatedById canceledDate:t options:j ${STAMPS} companyAuthorizedById:0 companyAuthorizedDate:0 customerAuthorizedById:0
      customerAuthorizedDate:0 nextInvoiceDate:0 opportunityId:0 originalOrderId:0 ownerId:0 subscriptionTerm:0`).concat(
      // money is never null: 0 where Keel keeps none
      field('discount', 'Float', null, () => sql`0::numeric`), field('shippingAndHandling', 'Float', null, () => sql`0::numeric`),
      field('systemDiscount', 'Float', null, (a) => sql`(case when ${sql.ref(`${a}.list_total`)} = 0 then 0 else round(${sql.ref(`${a}.system_discount_amount`)} * 100 / ${sql.ref(`${a}.list_total`)}, 6) end)::numeric`),
      field('todayCMRR', 'Float', null, (a, p) => cmrrOf(sql`tenant_id = ${sql.ref(`${a}.tenant_id`)} and order_id = ${sql.ref(`${a}.id`)}`, p)),
      field('todayARR', 'Float', null, (a, p) => sql`(${cmrrOf(sql`tenant_id = ${sql.ref(`${a}.tenant_id`)} and order_id = ${sql.ref(`${a}.id`)}`, p)} * 12)`),
    ),
    relations: [
      one('customer', 'Customer', 'customer_id'), one('billToContact', 'Contact', 'bill_to_contact_id'), one('priceBook', 'PriceBook', 'price_book_id'),
      many('orderProducts', 'OrderProduct', 'order_id'), many('invoices', 'Invoice', 'order_id'), many('creditMemos', 'CreditMemo', 'order_id'),
      many('subscriptions', 'Subscription', 'order_id'), many('assets', 'Asset', 'order_id'), many('entitlements', 'Entitlement', 'order_id'),
    ],
  },
  {
    name: 'OrderProduct', table: 'order_products', permission: 'orders:read', owner: orderOwner, defaultOrder: order('order_id', 'sort_order'),
    fields: fields(`id:u orderId:u sortOrder:i lineType status isChange:b parentId:u rootId:u level:i summaryItemId:u changeType changeAssetNumber productId:u
      productName sku priceBookEntryId:u productOptionId:u uomId:u priceModel productType bundled:b quantity:n includedQuantity:n subscriptionTerm:i
      subscriptionStartDate:d subscriptionEndDate:d freeTrialEndDate:d cancellationDate:d billingTiming billingPeriod billCycleDay:i billCycleStartMonth:i
      autoRenew:b renewalTerm:i taxCode taxMode listPrice:n salesPrice:n netSalesPrice:n listTotalPrice:n subtotal:n discount:n discountAmount:n
      systemDiscount:n systemDiscountAmount:n totalPrice:n taxPercentage:n taxAmount:n taxStatus totalAmount:n deltaCMRR:n=delta_cmrr deltaARR:n=delta_arr
      deltaACV:n=delta_acv deltaTCV:n=delta_tcv description refId customFields:j`),
    relations: [one('order', 'Order', 'order_id'), one('product', 'Product', 'product_id'), one('summaryItem', 'OrderProduct', 'summary_item_id'), one('uom', 'Uom', 'uom_id')],
  },
  assetEntity('Subscription'), assetEntity('Asset'), assetEntity('Entitlement'),
  {
    name: 'Invoice', table: 'invoices', permission: 'billing:read', owner: byColumn('customer_id'), defaultOrder: order('created_at', 'invoice_number'),
    fields: fields(`id:u name=invoice_number invoiceNumber recordType source status description paymentDetails customerId:u accountId:u=customer_id billToContactId:u orderId:u currencyIsoCode
      invoiceDate:d dueDate:d startDate:d endDate:d targetDate:d amountWithoutTax:n taxAmount:n amount:n balance:n paymentStatus taxStatus accountingStatus
      poNumber activatedTime:t activatedById canceledDate:t ${STAMPS}`),
    relations: [
      one('customer', 'Customer', 'customer_id'), one('order', 'Order', 'order_id'), one('billToContact', 'Contact', 'bill_to_contact_id'),
      many('items', 'InvoiceItem', 'invoice_id'), many('invoiceItems', 'InvoiceItem', 'invoice_id'), many('paymentApplications', 'PaymentApplication', 'invoice_id'),
      many('collectionAttempts', 'CollectionAttempt', 'invoice_id'),
    ],
  },
  {
    // every attempt to charge an invoice to the stored payment method (REST: GET /billing/invoices/{id}/collection-attempts)
    name: 'CollectionAttempt', table: 'collection_attempts', permission: 'payments:read', owner: invoiceOwner, defaultOrder: order('invoice_id', 'attempt_number'),
    fields: fields(`id:u invoiceId:u attemptNumber:i status trigger dueDate:d currencyIsoCode amount:n gateway gatewayKey paymentId:u declineCode declineMessage
      attemptedOn:d createdDate:t=created_at attemptedTime:t=attempted_at finishedTime:t=finished_at`),
    relations: [one('invoice', 'Invoice', 'invoice_id'), one('payment', 'Payment', 'payment_id')],
  },
  {
    name: 'InvoiceItem', table: 'invoice_items', permission: 'billing:read', owner: byColumn('customer_id'), defaultOrder: order('invoice_item_number'),
    base: (a) => sql`${sql.ref(`${a}.invoice_id`)} is not null`,
    fields: fields(`${ITEM} invoiceItemNumber invoiceId:u transactionAmount:n=amount_without_tax transactionAmountWithoutTax:n=amount_without_tax
      taxAmount:n amount:n balance:n prorationNumerator:i prorationDenominator:i`),
    relations: [one('invoice', 'Invoice', 'invoice_id'), many('details', 'InvoiceItemDetail', 'invoice_item_id'), one('product', 'Product', 'product_id')],
  },
  {
    name: 'InvoiceItemDetail', table: 'invoice_item_details', permission: 'billing:read', owner: invoiceOwner, defaultOrder: order('invoice_item_id', 'id'),
    base: (a) => sql`${sql.ref(`${a}.invoice_id`)} is not null`,
    fields: fields(`id:u invoiceId:u invoiceItemId:u orderProductId:u detailType startDate:d endDate:d billingTiming transactionQuantity:n netSalesPrice:n
      billedAmount:n transactionAmount:n=billed_amount taxAmount:n`),
    relations: [one('invoiceItem', 'InvoiceItem', 'invoice_item_id'), one('orderProduct', 'OrderProduct', 'order_product_id')],
  },
  {
    name: 'CreditMemo', table: 'credit_memos', permission: 'billing:read', owner: byColumn('customer_id'), defaultOrder: order('created_at', 'credit_memo_number'),
    fields: fields(`id:u name=credit_memo_number creditMemoNumber status source customerId:u accountId:u=customer_id currencyIsoCode creditMemoDate:d startDate:d
      endDate:d dueDate:d targetDate:d amountWithoutTax:n taxAmount:n amount:n balance:n paymentStatus sourceInvoiceId:u orderId:u reason activatedTime:t
      canceledDate:t ${STAMPS}`).concat(field('recordType', 'String', 'text', () => sql`'CreditMemo'`)),
    relations: [one('customer', 'Customer', 'customer_id'), one('sourceInvoice', 'Invoice', 'source_invoice_id'), many('items', 'CreditMemoItem', 'credit_memo_id'),
      many('paymentApplications', 'PaymentApplication', 'credit_memo_id')],
  },
  {
    name: 'CreditMemoItem', table: 'invoice_items', permission: 'billing:read', owner: byColumn('customer_id'), defaultOrder: order('invoice_item_number'),
    base: (a) => sql`${sql.ref(`${a}.credit_memo_id`)} is not null`,
    fields: [...fields(`${ITEM} creditMemoItemNumber=invoice_item_number creditMemoId:u`),
      field('transactionAmount', 'Float', 'number', negated('amount_without_tax')), field('taxAmount', 'Float', 'number', negated('tax_amount')),
      field('amount', 'Float', 'number', negated('amount')), field('balance', 'Float', 'number', negated('balance'))],
    relations: [one('creditMemo', 'CreditMemo', 'credit_memo_id'), one('product', 'Product', 'product_id')],
  },
  {
    name: 'DebitMemo', table: 'debit_memos', permission: 'billing:read', owner: byColumn('customer_id'), defaultOrder: order('created_at', 'debit_memo_number'),
    fields: fields(`id:u name=debit_memo_number debitMemoNumber status customerId:u currencyCode=currency_iso_code currencyIsoCode debitMemoDate:d startDate:d
      endDate:d amount:n taxAmount:n balance:n sourceId:u sourceType chargeReason description paymentStatus activatedTime:t canceledDate:t
      createdDate:t=created_at lastModifiedDate:t=updated_at`),
    relations: [one('customer', 'Customer', 'customer_id'), many('paymentApplications', 'PaymentApplication', 'debit_memo_id')],
  },
  {
    name: 'Payment', table: 'payments', permission: 'payments:read', owner: byColumn('customer_id'), defaultOrder: order('created_at', 'payment_number'),
    fields: fields(`id:u name=payment_number paymentNumber customerId:u currencyIsoCode amount:n kind status gateway gatewayReference paymentMethod paymentSource
      externalReference declineCode declineMessage invoiceId:u creditMemoId:u refundsPaymentId:u createdDate:t=created_at lastModifiedDate:t=updated_at`),
    relations: [one('customer', 'Customer', 'customer_id'), one('invoice', 'Invoice', 'invoice_id'), many('paymentApplications', 'PaymentApplication', 'payment_id'),
      // the collection attempt that made it (at most one), and for a refund the memo and payment it returns
      many('collectionAttempts', 'CollectionAttempt', 'payment_id'), one('creditMemo', 'CreditMemo', 'credit_memo_id'), one('refundsPayment', 'Payment', 'refunds_payment_id')],
  },
  {
    name: 'PaymentApplication', table: 'payment_applications', permission: 'payments:read', owner: applicationOwner, defaultOrder: order('created_at', 'id'),
    fields: fields('id:u invoiceId:u debitMemoId:u paymentId:u creditMemoId:u kind status paymentMethod amount:n transactionAmount:n=amount createdDate:t=created_at'),
    relations: [one('invoice', 'Invoice', 'invoice_id'), one('debitMemo', 'DebitMemo', 'debit_memo_id'), one('payment', 'Payment', 'payment_id'), one('creditMemo', 'CreditMemo', 'credit_memo_id')],
  },
  {
    name: 'Credit', table: 'credits', permission: 'billing:read', owner: byColumn('customer_id'), defaultOrder: order('credit_number'),
    fields: fields(`id:u name=credit_number creditNumber status customerId:u creditTypeId:u creditConversionId:u assetId:u assetNumber assetType orderProductId:u
      productId:u productName currencyIsoCode startDate:d quantity:n unitPrice:n amount:n balance:n createdDate:t=created_at lastModifiedDate:t=updated_at`),
    relations: [one('customer', 'Customer', 'customer_id'), one('product', 'Product', 'product_id'), one('creditType', 'CreditType', 'credit_type_id')],
  },
  {
    name: 'BillingSchedule', table: 'billing_schedules', permission: 'billing:read', owner: 'none', defaultOrder: order('created_at', 'id'),
    fields: fields(`id:u name scheduleType status recurringSchedule scheduleStartDate:d autoActivate:b targetIncrement customerIds:j lastRunDate:d
      createdDate:t=created_at lastModifiedDate:t=updated_at`),
    relations: [many('billingJobs', 'BillingJob', 'schedule_id')],
  },
  {
    name: 'BillingJob', table: 'billing_jobs', permission: 'billing:read', owner: 'none', defaultOrder: order('created_at', 'id'),
    fields: fields('id:u scheduleId:u status targetDate:d autoActivate:b invoiceIds:j creditMemoIds:j errors:j createdDate:t=created_at finishedDate:t=finished_at'),
    relations: [one('billingSchedule', 'BillingSchedule', 'schedule_id')],
  },
  ...Object.values(OBJECTS).map((def) => fromObjectDef(def, 'catalog:read', 'public')),
];

// Relations both ways: every reference (a `one` relation) gets its reverse list on the target, named
// for the referring entity in the plural (Uom.products, Product.invoiceItems), unless one exists.
const plural = (n: string) => `${n[0]!.toLowerCase()}${n.slice(1)}`.replace(/y$/, 'ie') + 's';
for (const e of [...ENTITIES]) {
  for (const r of e.relations) {
    const target = ENTITIES.find((x) => x.name === r.target);
    if (r.many || !target || target === e) continue;
    const name = plural(e.name);
    if (target.relations.some((x) => x.name === name) || target.fields.some((f) => f.name === name)) continue;
    target.relations.push({ name, target: e.name, many: true, join: (p, c) => r.join(c, p) });
  }
}

export const ENTITY_LIST: readonly Entity[] = ENTITIES;
export const ENTITY_BY_NAME: ReadonlyMap<string, Entity> = new Map(ENTITIES.map((e) => [e.name, e]));
