import { sql } from 'kysely';
import type { Db } from '../db/connect.js';
import type { Tx } from '../db/transaction.js';
import { insertRows } from '../db/rows.js';
import type { ChangeLine, ChangeOrder, OrderHead } from './model.js';

// The only file that touches orders and order_products.
type Q = Db | Tx;
export type OrderRow = Record<string, unknown> & { id: string; status: string; customer_id: string; order_number: string };
export type LineRow = Record<string, unknown> & { id: string; order_id: string };

export const insertOrder = async (db: Q, row: Record<string, unknown>) => (await insertRows<OrderRow>(db, 'orders', [row], { returning: true }))[0]!;
export const insertLines = async (db: Q, rows: Record<string, unknown>[]) => (await insertRows<LineRow>(db, 'order_products', rows, { returning: true })).sort((a, b) => Number(a.sort_order) - Number(b.sort_order));

export async function getOrder(db: Q, tenantId: string, id: string, opts: { forUpdate?: boolean } = {}): Promise<OrderRow | undefined> {
  const r = await sql<OrderRow>`select * from orders where tenant_id = ${tenantId} and id = ${id}${opts.forUpdate ? sql` for update` : sql``}`.execute(db);
  return r.rows[0];
}

export async function getOrders(db: Q, tenantId: string, ids: readonly string[]): Promise<OrderRow[]> {
  const r = await sql<OrderRow>`select * from orders where tenant_id = ${tenantId} and id = any(${[...ids]}::uuid[]) for update`.execute(db);
  return r.rows;
}

export async function getLines(db: Q, tenantId: string, orderId: string): Promise<LineRow[]> {
  const r = await sql<LineRow>`select * from order_products where tenant_id = ${tenantId} and order_id = ${orderId} order by sort_order`.execute(db);
  return r.rows;
}

export async function updateOrder(db: Q, tenantId: string, id: string, columns: Record<string, unknown>): Promise<OrderRow | undefined> {
  const sets = Object.entries(columns).map(([c, v]) => sql`${sql.ref(c)} = ${(c === 'options' || c === 'transaction_hub' || c === 'custom_fields') && v !== null ? JSON.stringify(v) : v}`);
  const r = await sql<OrderRow>`update orders set ${sql.join([...sets, sql`updated_at = now()`])} where tenant_id = ${tenantId} and id = ${id} returning *`.execute(db);
  return r.rows[0];
}

export async function setLineStatus(db: Q, tenantId: string, orderId: string, status: string): Promise<LineRow[]> {
  const r = await sql<LineRow>`update order_products set status = ${status} where tenant_id = ${tenantId} and order_id = ${orderId} returning *`.execute(db);
  return r.rows.sort((a, b) => Number(a.sort_order) - Number(b.sort_order));
}

export async function deleteLines(db: Q, tenantId: string, orderId: string): Promise<void> {
  await sql`delete from order_products where tenant_id = ${tenantId} and order_id = ${orderId}`.execute(db);
}

export async function deleteOrders(db: Q, tenantId: string, ids: readonly string[]): Promise<void> {
  await sql`delete from orders where tenant_id = ${tenantId} and id = any(${[...ids]}::uuid[])`.execute(db);
}

/** The head of a stored order, as callers see it. */
export function toOrderHead(o: OrderRow): OrderHead {
  return {
    id: o.id, orderNumber: o.order_number, orderType: String(o.order_type), status: o.status, customerId: o.customer_id,
    cancelOnPaymentFail: Boolean(o.cancel_on_payment_fail), changeRequest: o.change_request, previewHash: (o.preview_hash as string | null) ?? null,
  };
}

/** A change order's header as its row (written Draft). */
export function changeOrderRow(tenantId: string, o: ChangeOrder): Record<string, unknown> {
  const t = o.totals;
  return {
    tenant_id: tenantId, id: o.id, order_number: o.orderNumber, order_type: 'Change', status: 'Draft', customer_id: o.customerId,
    billing_account_id: o.customerId, currency_iso_code: o.currency, effective_date: o.effectiveDate,
    order_start_date: o.startDate, order_end_date: o.endDate, description: o.description, ref_id: o.refId, discount_amount: '0', system_discount_amount: '0',
    list_total: t.listTotal.toString(), subtotal: t.subtotal.toString(), total_price: t.totalPrice.toString(), tax_amount: t.taxAmount.toString(),
    total_amount: t.totalAmount.toString(), order_tcv: t.orderTCV.toString(), order_acv: t.orderACV.toString(),
    options: o.options, cancel_on_payment_fail: o.cancelOnPaymentFail, change_request: o.changeRequest, preview_hash: o.previewHash,
  };
}

/** A change order's line as its row; the columns every change line shares are fixed here. */
export function changeLineRow(tenantId: string, orderId: string, l: ChangeLine, status = 'Draft'): LineRow {
  return {
    tenant_id: tenantId, order_id: orderId, status, parent_id: null, level: 1, product_id: l.productId, product_name: l.productName, sku: null,
    price_book_entry_id: l.priceBookEntryId, product_option_id: null, uom_id: l.uomId, term_dimension: l.termDimension, price_model: l.priceModel,
    product_type: l.productType, bundled: l.bundled, included_quantity: l.includedQuantity, billing_timing: l.billingTiming,
    billing_period: l.billingPeriod, bill_cycle_day: l.billCycleDay, bill_cycle_start_month: l.billCycleStartMonth, tax_code: null, tax_mode: 'Exclusive',
    discount: '0', discount_amount: '0', system_discount: '0', system_discount_amount: '0', applied_tags: [], change_asset_number: l.changeAssetNumber,
    custom_fields: {},
    id: l.id, sort_order: l.sortOrder, line_type: l.lineType, is_change: l.isChange, root_id: l.rootId, change_type: l.changeType, summary_item_id: l.summaryItemId,
    quantity: l.quantity.toString(), subscription_term: l.term, subscription_start_date: l.startDate, subscription_end_date: l.endDate,
    free_trial_end_date: l.freeTrialEndDate, auto_renew: l.autoRenew, renewal_term: l.renewalTerm, cancellation_date: l.cancellationDate,
    list_price: l.listPrice.toString(), sales_price: l.salesPrice.toString(), net_sales_price: l.netSalesPrice.toString(), monthly_price: l.monthlyPrice.toString(),
    list_total_price: l.listTotalPrice.toString(), subtotal: l.subtotal.toString(), total_price: l.totalPrice.toString(), tax_percentage: '0',
    tax_amount: l.taxAmount.toString(), total_amount: l.totalAmount.toString(),
    delta_cmrr: l.deltaCMRR.toString(), delta_arr: l.deltaARR.toString(), delta_acv: l.deltaACV.toString(), delta_tcv: l.deltaTCV.toString(), description: null, ref_id: null,
  };
}
