import { sql, type RawBuilder } from 'kysely';
import type { Db } from '../db/connect.js';
import type { Tx } from '../db/transaction.js';

// Customer writes the order flow makes, each one statement (the registry's generic row SQL in
// metadata/store.ts serves the CRUD API).
type Q = Db | Tx;

/**
 * An activated order's mark on its customer: a Prospect becomes a Direct Customer, the currency is
 * fixed by the first order, the latest order date only moves forward. No row: the customer does not
 * exist or buys in another currency (the caller reads which).
 */
export async function recordActivation(db: Q, tenantId: string, id: string, currency: string, orderDate: string): Promise<boolean> {
  const r = await sql`update customers set type = case when type = 'Prospect' then 'Direct Customer' else type end,
      currency_iso_code = ${currency}, latest_order_date = greatest(latest_order_date, ${orderDate}::date), updated_at = now()
    where tenant_id = ${tenantId} and id = ${id} and (currency_iso_code is null or currency_iso_code = ${currency}) returning id`.execute(db);
  return r.rows.length > 0;
}

/** A checkout's payment method becomes the customer's default when it has none. */
export async function rememberPaymentMethod(db: Q, tenantId: string, id: string, token: string, gateway: string): Promise<void> {
  await sql`update customers set default_payment_method_token = ${token}, default_payment_gateway = ${gateway}, updated_at = now()
    where tenant_id = ${tenantId} and id = ${id} and coalesce(default_payment_method_token, '') = ''`.execute(db);
}

/**
 * An organisation and its descendants (`parentCustomerId`, seed 003's reseller tiers) as the CTE
 * `keel_scope(id)`: the one definition of what a credential scoped to a customer may see, used by
 * the REST API's check and inside every GraphQL statement.
 */
export function organisationScope(tenantId: string, customerId: string): RawBuilder<unknown> {
  return sql`with recursive keel_scope(id) as (
      select id from customers where tenant_id = ${tenantId} and id = ${customerId}
      union select c.id from customers c join keel_scope s on c.parent_customer_id = s.id where c.tenant_id = ${tenantId}) `;
}

/** The ids of the organisation's customers: the customer and its descendants. */
export async function organisationIds(db: Q, tenantId: string, customerId: string): Promise<string[]> {
  const r = await sql<{ id: string }>`${organisationScope(tenantId, customerId)}select id from keel_scope`.execute(db);
  return r.rows.map((x) => x.id);
}
