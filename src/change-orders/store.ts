import { sql } from 'kysely';
import type { Db } from '../db/connect.js';
import type { Tx } from '../db/transaction.js';
import { insertRows } from '../db/rows.js';

// The only file that touches change_jobs (change orders themselves are orders: the orders domain stores them).
type Q = Db | Tx;
export type JobRow = Record<string, unknown> & { id: string; status: string; stages: unknown[] };

export const insertJob = (db: Q, row: Record<string, unknown>) => insertRows(db, 'change_jobs', [row]);

export async function getJob(db: Q, tenantId: string, id: string): Promise<JobRow | undefined> {
  const r = await sql<JobRow>`select * from change_jobs where tenant_id = ${tenantId} and id = ${id}`.execute(db);
  return r.rows[0];
}

export async function updateJob(db: Q, tenantId: string, id: string, columns: Record<string, unknown>): Promise<void> {
  const sets = Object.entries(columns).map(([c, v]) => sql`${sql.ref(c)} = ${c === 'stages' ? JSON.stringify(v) : v}`);
  await sql`update change_jobs set ${sql.join(sets)} where tenant_id = ${tenantId} and id = ${id}`.execute(db);
}
