import { sql } from 'kysely';
import type { Db } from '../db/connect.js';
import { isUuid } from '../core/ids.js';
import type { Tx } from '../db/transaction.js';
import type { Row } from '../db/schema.js';
import { fromRow, insertRows, toColumns, type ColumnMap, type MapsRow } from '../db/rows.js';
import type { ChangeLine, ChangeOrder, NewOrder, Order, OrderHead, OrderLine } from './model.js';

// The only file that touches orders and order_products, and the only one that knows their columns.
type Q = Db | Tx;

const ORDER = {
  id: 'id', orderNumber: 'order_number', name: 'name', orderType: 'order_type', status: 'status', customerId: 'customer_id',
  billingAccountId: 'billing_account_id', billToContactId: 'bill_to_contact_id', shipToContactId: 'ship_to_contact_id',
  priceBookId: 'price_book_id', currency: 'currency_iso_code', effectiveDate: 'effective_date', orderStartDate: 'order_start_date',
  orderEndDate: 'order_end_date', billingPeriod: 'billing_period', billCycleDay: 'bill_cycle_day', billingTiming: 'billing_timing',
  paymentTerm: 'payment_term', description: 'description', poNumber: 'po_number', poDate: 'po_date',
  orderReferenceNumber: 'order_reference_number', billingAddress: 'billing_address', shippingAddress: 'shipping_address', refId: 'ref_id',
  listTotal: 'list_total', subtotal: 'subtotal', discountAmount: 'discount_amount', systemDiscountAmount: 'system_discount_amount',
  totalPrice: 'total_price', taxAmount: 'tax_amount', taxStatus: 'tax_status', totalAmount: 'total_amount', orderTCV: 'order_tcv', orderACV: 'order_acv',
  options: 'options', transactionHub: 'transaction_hub', customFields: 'custom_fields', cancelOnPaymentFail: 'cancel_on_payment_fail',
  changeRequest: 'change_request', previewHash: 'preview_hash', orderPlacedDate: 'order_placed_date', activatedDate: 'activated_date',
  activatedById: 'activated_by_id', canceledDate: 'canceled_date', createdAt: 'created_at', updatedAt: 'updated_at',
} as const satisfies ColumnMap<Order, Row<'orders'>>;

const LINE = {
  id: 'id', orderId: 'order_id', sortOrder: 'sort_order', lineType: 'line_type', status: 'status', isChange: 'is_change',
  parentId: 'parent_id', rootId: 'root_id', level: 'level', summaryItemId: 'summary_item_id', changeType: 'change_type',
  changeAssetNumber: 'change_asset_number', cancellationDate: 'cancellation_date', productId: 'product_id', productName: 'product_name',
  sku: 'sku', priceBookEntryId: 'price_book_entry_id', productOptionId: 'product_option_id', uomId: 'uom_id', termDimension: 'term_dimension',
  priceModel: 'price_model', productType: 'product_type', bundled: 'bundled', quantity: 'quantity', includedQuantity: 'included_quantity',
  subscriptionTerm: 'subscription_term', subscriptionStartDate: 'subscription_start_date', subscriptionEndDate: 'subscription_end_date',
  freeTrialEndDate: 'free_trial_end_date', billingTiming: 'billing_timing', billingPeriod: 'billing_period', billCycleDay: 'bill_cycle_day',
  billCycleStartMonth: 'bill_cycle_start_month', autoRenew: 'auto_renew', renewalTerm: 'renewal_term', taxCode: 'tax_code', taxMode: 'tax_mode',
  listPrice: 'list_price', salesPrice: 'sales_price', netSalesPrice: 'net_sales_price', listTotalPrice: 'list_total_price', subtotal: 'subtotal',
  discount: 'discount', discountAmount: 'discount_amount', systemDiscount: 'system_discount', systemDiscountAmount: 'system_discount_amount',
  totalPrice: 'total_price', taxPercentage: 'tax_percentage', taxAmount: 'tax_amount', taxStatus: 'tax_status', totalAmount: 'total_amount', monthlyPrice: 'monthly_price',
  deltaCMRR: 'delta_cmrr', deltaARR: 'delta_arr', deltaACV: 'delta_acv', deltaTCV: 'delta_tcv', appliedTags: 'applied_tags',
  description: 'description', refId: 'ref_id', customFields: 'custom_fields',
} as const satisfies ColumnMap<OrderLine, Row<'order_products'>>;

// the compiler checks that every column fits the field it fills
const ordersMap: MapsRow<Order, Row<'orders'>, typeof ORDER> = true;
const linesMap: MapsRow<OrderLine, Row<'order_products'>, typeof LINE> = true;
void ordersMap; void linesMap;

const toOrder = (r: Row<'orders'>): Order => fromRow<Order>(ORDER, r);
const toLine = (r: Row<'order_products'>): OrderLine => fromRow<OrderLine>(LINE, r);
const bySortOrder = (a: OrderLine, b: OrderLine) => a.sortOrder - b.sortOrder;

export async function insertOrder(db: Q, tenantId: string, order: NewOrder): Promise<Order> {
  const [row] = await insertRows<Row<'orders'>>(db, 'orders', [{ tenant_id: tenantId, ...toColumns<Order>(ORDER, order) }], { returning: true });
  return toOrder(row!);
}

export async function insertLines(db: Q, tenantId: string, lines: readonly OrderLine[]): Promise<OrderLine[]> {
  const rows = await insertRows<Row<'order_products'>>(db, 'order_products', lines.map((l) => ({ tenant_id: tenantId, ...toColumns<OrderLine>(LINE, l) })), { returning: true });
  return rows.map(toLine).sort(bySortOrder);
}

export async function getOrder(db: Q, tenantId: string, id: string, opts: { forUpdate?: boolean } = {}): Promise<Order | undefined> {
  const r = await sql<Row<'orders'>>`select * from orders where tenant_id = ${tenantId} and id = ${id}${opts.forUpdate ? sql` for update` : sql``}`.execute(db);
  return r.rows[0] && toOrder(r.rows[0]);
}

export async function getOrders(db: Q, tenantId: string, ids: readonly string[]): Promise<Order[]> {
  const r = await sql<Row<'orders'>>`select * from orders where tenant_id = ${tenantId} and id = any(${[...ids]}::uuid[]) for update`.execute(db);
  return r.rows.map(toOrder);
}

export async function getLines(db: Q, tenantId: string, orderId: string): Promise<OrderLine[]> {
  const r = await sql<Row<'order_products'>>`select * from order_products where tenant_id = ${tenantId} and order_id = ${orderId} order by sort_order`.execute(db);
  return r.rows.map(toLine);
}

const JSON_FIELDS = new Set<keyof Order>(['options', 'transactionHub', 'customFields', 'changeRequest']);

export async function updateOrder(db: Q, tenantId: string, id: string, patch: Partial<Order>): Promise<Order | undefined> {
  const sets = Object.entries(patch).filter(([, v]) => v !== undefined).map(([k, v]) => {
    const field = k as keyof Order;
    return sql`${sql.ref(ORDER[field])} = ${JSON_FIELDS.has(field) && v !== null ? JSON.stringify(v) : v}`;
  });
  const r = await sql<Row<'orders'>>`update orders set ${sql.join([...sets, sql`updated_at = now()`])} where tenant_id = ${tenantId} and id = ${id} returning *`.execute(db);
  return r.rows[0] && toOrder(r.rows[0]);
}

export async function setLineStatus(db: Q, tenantId: string, orderId: string, status: string): Promise<OrderLine[]> {
  const r = await sql<Row<'order_products'>>`update order_products set status = ${status} where tenant_id = ${tenantId} and order_id = ${orderId} returning *`.execute(db);
  return r.rows.map(toLine).sort(bySortOrder);
}

export async function deleteLines(db: Q, tenantId: string, orderId: string): Promise<void> {
  await sql`delete from order_products where tenant_id = ${tenantId} and order_id = ${orderId}`.execute(db);
}

export async function deleteOrders(db: Q, tenantId: string, ids: readonly string[]): Promise<void> {
  await sql`delete from orders where tenant_id = ${tenantId} and id = any(${[...ids]}::uuid[])`.execute(db);
}

/** The bill-to contact of the customer's earliest activated order that named one (a tax address fallback). */
export async function firstActivatedContactId(db: Q, tenantId: string, customerId: string): Promise<string | undefined> {
  const r = await sql<{ bill_to_contact_id: string }>`select bill_to_contact_id from orders
    where tenant_id = ${tenantId} and customer_id = ${customerId} and status = 'Activated' and bill_to_contact_id is not null
    order by activated_date, created_at limit 1`.execute(db);
  return r.rows[0]?.bill_to_contact_id;
}

/** The tax statuses of order lines, one per line found. */
export async function lineTaxStatuses(db: Q, tenantId: string, ids: readonly string[]): Promise<string[]> {
  const valid = ids.filter(isUuid);
  if (valid.length === 0) return [];
  const r = await sql<{ tax_status: string }>`select tax_status from order_products where tenant_id = ${tenantId} and id = any(${valid}::uuid[])`.execute(db);
  return r.rows.map((x) => x.tax_status);
}

/** The tax code and mode of order lines (a change order taxes an asset as the line that ordered it). */
export async function lineTaxTerms(db: Q, tenantId: string, ids: readonly string[]): Promise<{ id: string; taxCode: string | null; taxMode: string | null }[]> {
  const valid = ids.filter(isUuid);
  if (valid.length === 0) return [];
  const r = await sql<{ id: string; tax_code: string | null; tax_mode: string | null }>`select id, tax_code, tax_mode from order_products
    where tenant_id = ${tenantId} and id = any(${valid}::uuid[])`.execute(db);
  return r.rows.map((x) => ({ id: x.id, taxCode: x.tax_code, taxMode: x.tax_mode }));
}

/** The head of a stored order, as callers see it. */
export function toOrderHead(o: Order): OrderHead {
  return {
    id: o.id, orderNumber: o.orderNumber, orderType: o.orderType, status: o.status, customerId: o.customerId,
    cancelOnPaymentFail: o.cancelOnPaymentFail, changeRequest: o.changeRequest, previewHash: o.previewHash,
  };
}

/** A change order's header as an order (written Draft). */
export function changeOrderAsOrder(o: ChangeOrder): NewOrder {
  const t = o.totals;
  return {
    id: o.id, orderNumber: o.orderNumber, orderType: 'Change', status: 'Draft', customerId: o.customerId, name: null,
    billingAccountId: o.customerId, billToContactId: null, shipToContactId: null, priceBookId: null, currency: o.currency,
    effectiveDate: o.effectiveDate, orderStartDate: o.startDate, orderEndDate: o.endDate, billingPeriod: null, billCycleDay: null,
    billingTiming: null, paymentTerm: null, description: o.description, poNumber: null, poDate: null, orderReferenceNumber: null,
    billingAddress: null, shippingAddress: null, refId: o.refId, discountAmount: '0', systemDiscountAmount: '0',
    listTotal: t.listTotal.toString(), subtotal: t.subtotal.toString(), totalPrice: t.totalPrice.toString(), taxAmount: t.taxAmount.toString(),
    totalAmount: t.totalAmount.toString(), orderTCV: t.orderTCV.toString(), orderACV: t.orderACV.toString(), taxStatus: o.taxStatus ?? 'Calculated',
    options: o.options, transactionHub: {}, customFields: {}, cancelOnPaymentFail: o.cancelOnPaymentFail, changeRequest: o.changeRequest, previewHash: o.previewHash,
  };
}

/** A change order's line as an order line; the fields every change line shares are fixed here. */
export function changeLineAsLine(orderId: string, l: ChangeLine, status = 'Draft'): OrderLine {
  return {
    orderId, status, parentId: null, level: 1, productId: l.productId, productName: l.productName, sku: null,
    priceBookEntryId: l.priceBookEntryId, productOptionId: null, uomId: l.uomId, termDimension: l.termDimension, priceModel: l.priceModel,
    productType: l.productType, bundled: l.bundled, includedQuantity: l.includedQuantity, billingTiming: l.billingTiming,
    billingPeriod: l.billingPeriod, billCycleDay: l.billCycleDay, billCycleStartMonth: l.billCycleStartMonth, taxCode: null, taxMode: 'Exclusive',
    discount: '0', discountAmount: '0', systemDiscount: '0', systemDiscountAmount: '0', appliedTags: [], changeAssetNumber: l.changeAssetNumber,
    customFields: {},
    id: l.id, sortOrder: l.sortOrder, lineType: l.lineType, isChange: l.isChange, rootId: l.rootId, changeType: l.changeType, summaryItemId: l.summaryItemId,
    quantity: l.quantity.toString(), subscriptionTerm: l.term, subscriptionStartDate: l.startDate, subscriptionEndDate: l.endDate,
    freeTrialEndDate: l.freeTrialEndDate, autoRenew: l.autoRenew, renewalTerm: l.renewalTerm, cancellationDate: l.cancellationDate,
    listPrice: l.listPrice.toString(), salesPrice: l.salesPrice.toString(), netSalesPrice: l.netSalesPrice.toString(), monthlyPrice: l.monthlyPrice.toString(),
    listTotalPrice: l.listTotalPrice.toString(), subtotal: l.subtotal.toString(), totalPrice: l.totalPrice.toString(), taxPercentage: (l.taxPercentage ?? 0).toString(),
    taxAmount: l.taxAmount.toString(), taxStatus: l.taxStatus ?? 'Calculated', totalAmount: l.totalAmount.toString(),
    deltaCMRR: l.deltaCMRR.toString(), deltaARR: l.deltaARR.toString(), deltaACV: l.deltaACV.toString(), deltaTCV: l.deltaTCV.toString(), description: null, refId: null,
  };
}
