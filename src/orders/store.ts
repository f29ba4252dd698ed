import { sql } from 'kysely';
import type { Db } from '../db/connect.js';
import type { Tx } from '../db/transaction.js';
import { insertRows } from '../db/rows.js';

// The only file that touches orders and order_products.
type Q = Db | Tx;
export type OrderRow = Record<string, unknown> & { id: string; status: string; customer_id: string; order_number: string };
export type LineRow = Record<string, unknown> & { id: string; order_id: string };

export const insertOrder = (db: Q, row: Record<string, unknown>) => insertRows(db, 'orders', [row]);
export const insertLines = (db: Q, rows: Record<string, unknown>[]) => insertRows(db, 'order_products', rows);

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

export async function updateOrder(db: Q, tenantId: string, id: string, columns: Record<string, unknown>): Promise<void> {
  const sets = Object.entries(columns).map(([c, v]) => sql`${sql.ref(c)} = ${(c === 'options' || c === 'transaction_hub' || c === 'custom_fields') && v !== null ? JSON.stringify(v) : v}`);
  await sql`update orders set ${sql.join([...sets, sql`updated_at = now()`])} where tenant_id = ${tenantId} and id = ${id}`.execute(db);
}

export async function setLineStatus(db: Q, tenantId: string, orderId: string, status: string): Promise<void> {
  await sql`update order_products set status = ${status} where tenant_id = ${tenantId} and order_id = ${orderId}`.execute(db);
}

export async function deleteLines(db: Q, tenantId: string, orderId: string): Promise<void> {
  await sql`delete from order_products where tenant_id = ${tenantId} and order_id = ${orderId}`.execute(db);
}

export async function deleteOrders(db: Q, tenantId: string, ids: readonly string[]): Promise<void> {
  await sql`delete from orders where tenant_id = ${tenantId} and id = any(${[...ids]}::uuid[])`.execute(db);
}
