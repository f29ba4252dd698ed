import type { Db } from '../db/connect.js';
import type { Tx } from '../db/transaction.js';

// The only file that touches document_sequences.

/** Reserves `size` numbers in one statement; returns the first. Runs in its own short
 * transaction (autocommit), never inside a business transaction. */
export async function reserveBlock(db: Db | Tx, tenantId: string, kind: string, size: number): Promise<bigint> {
  const r = await db.insertInto('document_sequences')
    .values({ tenant_id: tenantId, kind, next_value: String(1 + size) })
    .onConflict((oc) => oc.columns(['tenant_id', 'kind']).doUpdateSet((eb) => ({ next_value: eb('document_sequences.next_value', '+', String(size)) })))
    .returning('next_value')
    .executeTakeFirstOrThrow();
  return BigInt(r.next_value) - BigInt(size);
}
