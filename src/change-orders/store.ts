import { sql } from 'kysely';
import type { Db } from '../db/connect.js';
import type { Tx } from '../db/transaction.js';
import type { Row } from '../db/schema.js';
import { fromRow, insertRows, toColumns, type ColumnMap, type MapsRow } from '../db/rows.js';
import type { BulkChangeJob, BulkTarget } from './model.js';

// The only file that touches change_jobs (change orders themselves are orders: the orders domain stores them).
type Q = Db | Tx;

/** A change_jobs row with its targets as this store writes them. */
type JobRow = Omit<Row<'change_jobs'>, 'targets'> & { targets: BulkTarget[] | null };

const JOB = {
  id: 'id', status: 'status', jobType: 'job_type', request: 'request', batchSize: 'batch_size', scopeCustomerId: 'scope_customer_id', targets: 'targets', stages: 'stages', error: 'error',
  startedAt: 'started_at', finishedAt: 'finished_at', createdAt: 'created_at',
} as const satisfies ColumnMap<BulkChangeJob, JobRow>;
const jobsMap: MapsRow<BulkChangeJob, JobRow, typeof JOB> = true;
void jobsMap;

export const insertJob = (db: Q, tenantId: string, job: Pick<BulkChangeJob, 'id' | 'status' | 'request' | 'batchSize' | 'scopeCustomerId' | 'targets'>) =>
  insertRows(db, 'change_jobs', [{ tenant_id: tenantId, ...toColumns<BulkChangeJob>(JOB, job) }]);

export async function getJob(db: Q, tenantId: string, id: string): Promise<BulkChangeJob | undefined> {
  const r = await sql<JobRow>`select * from change_jobs where tenant_id = ${tenantId} and id = ${id}`.execute(db);
  return r.rows[0] && fromRow<BulkChangeJob>(JOB, r.rows[0]);
}

export async function updateJob(db: Q, tenantId: string, id: string, patch: Partial<BulkChangeJob>): Promise<void> {
  const sets = Object.entries(toColumns<BulkChangeJob>(JOB, patch)).map(([c, v]) => sql`${sql.ref(c)} = ${c === 'stages' || c === 'targets' ? JSON.stringify(v) : v}`);
  await sql`update change_jobs set ${sql.join(sets)} where tenant_id = ${tenantId} and id = ${id}`.execute(db);
}
