import { sql } from 'kysely';
import type { Db } from '../db/connect.js';
import type { Tx } from '../db/transaction.js';
import { insertRows } from '../db/rows.js';

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
