import { sql } from 'kysely';
import type { OpenDatabase } from '../src/db/connect.js';

/** `count` active 12-month subscriptions (10 per customer) seeded straight into the tables. */
export async function seedSubscriptions(db: OpenDatabase, tenantId: string, productId: string, count: number, prefix: string): Promise<void> {
  const customers = Math.max(1, Math.ceil(count / 10));
  const chunk = 50_000;
  for (let from = 0; from < count; from += chunk) {
    const n = Math.min(chunk, count - from);
    const c0 = Math.floor(from / 10);
    await sql`insert into customers (tenant_id, id, name, type)
      select ${tenantId}::uuid, md5(${prefix}::text || g::text)::uuid, ${prefix}::text || ' customer ' || g, 'Direct Customer' from generate_series(${c0 + 1}::int, ${Math.min(customers, c0 + Math.ceil(n / 10))}::int) g
      on conflict do nothing`.execute(db.db);
    await sql`insert into asset_versions (tenant_id, id, kind, asset_number, version, status, customer_id, order_id, order_product_id, product_id, product_name,
        root_id, original_id, level, quantity, included_units, start_date, end_date, term, term_dimension, renewal_term, auto_renew, price_model, billing_period,
        billing_timing, bill_cycle_day, currency_iso_code, list_price, sales_price, net_sales_price, total_price, tax_amount, total_amount, tcv, delta_tcv, delta_acv,
        monthly_price, effective_from)
      select ${tenantId}::uuid, md5(${prefix}::text || 'v' || g)::uuid, 'Subscription', ${prefix}::text || '-' || lpad(g::text, 9, '0'), 1, 'Active', md5(${prefix}::text || (((g - 1) / 10) + 1)::text)::uuid, md5(${prefix}::text || 'o' || g)::uuid, md5(${prefix}::text || 'o' || g)::uuid,
        ${productId}::uuid, 'Bench platform', md5(${prefix}::text || 'v' || g)::uuid, md5(${prefix}::text || 'v' || g)::uuid, 1, 1, 0, '2023-06-22', '2024-06-21', 12, 'Month', 12, false, 'Recurring', 'Month', 'InAdvance', 1, 'USD',
        9.9, 9.9, 9.9, 118.8, 0, 118.8, 118.8, 118.8, 118.8, 9.9, '2023-06-22'
      from generate_series(${from + 1}::int, ${from + n}::int) g`.execute(db.db);
  }
  await sql`insert into asset_heads (tenant_id, asset_number, kind, customer_id, latest_id, latest_version)
    select tenant_id, asset_number, kind, customer_id, id, version from asset_versions where tenant_id = ${tenantId} and asset_number like ${`${prefix}-%`}`.execute(db.db);
  await sql`analyze`.execute(db.db);
}
