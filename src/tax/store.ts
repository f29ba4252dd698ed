import { sql } from 'kysely';
import { Dec } from '../core/money.js';
import type { Db } from '../db/connect.js';
import type { Tx } from '../db/transaction.js';
import type { TaxRate } from './tax.js';

// The only file that touches tax_rates; rows become TaxRate here.
type Q = Db | Tx;
interface RateRow { id: string; name: string | null; country: string; state: string | null; tax_code: string | null; rate: string }
const toRate = (r: RateRow): TaxRate => ({ id: r.id, name: r.name, country: r.country, state: r.state, taxCode: r.tax_code, rate: new Dec(r.rate) });

export async function listRates(q: Q, tenantId: string): Promise<TaxRate[]> {
  const r = await sql<RateRow>`select id, name, country, state, tax_code, rate from tax_rates where tenant_id = ${tenantId} order by country, state nulls first, tax_code nulls first`.execute(q);
  return r.rows.map(toRate);
}

/** Throws the driver's 23505 when a rate for the same country, state and tax code exists. */
export async function insertRate(q: Q, tenantId: string, r: { name: string | null; country: string; state: string | null; taxCode: string | null; rate: Dec }): Promise<TaxRate> {
  const out = await sql<RateRow>`insert into tax_rates (tenant_id, name, country, state, tax_code, rate)
    values (${tenantId}, ${r.name}, ${r.country}, ${r.state}, ${r.taxCode}, ${r.rate.toString()})
    returning id, name, country, state, tax_code, rate`.execute(q);
  return toRate(out.rows[0]!);
}

/** How many rates were deleted (0 or 1). */
export async function deleteRate(q: Q, tenantId: string, id: string): Promise<number> {
  const r = await sql`delete from tax_rates where tenant_id = ${tenantId} and id = ${id}`.execute(q);
  return Number(r.numAffectedRows ?? 0);
}
