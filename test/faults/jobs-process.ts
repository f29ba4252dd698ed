// A Keel process for the jobs kill test (jobs-kill.test.ts): the real runtime (HTTP app and the
// background loop, short leases) plus a test-only job kind whose work is a row per attempt in
// fault_job_effects. Started with `node --import tsx`, killed with SIGKILL by the test.
import { sql } from 'kysely';
import { loadConfig } from '../../src/config.js';
import { SYSTEM_TENANT } from '../../src/jobs/model.js';
import { startRuntime } from '../../src/runtime.js';

export const FAULT_KIND = 'test.fault-effect';

const rt = await startRuntime(loadConfig(), { jobs: { leaseMs: 2000, pollMs: 100, owner: `fault-${process.pid}` } });
const db = rt.database.db;
await sql`create table if not exists fault_job_effects (job_id uuid not null, attempt int not null, owner text not null, primary key (job_id, attempt))`.execute(db);
rt.jobs.register(FAULT_KIND, async (job) => {
  await new Promise((r) => setTimeout(r, Number(job.payload.workMs ?? 150)));
  await sql`insert into fault_job_effects (job_id, attempt, owner) values (${job.id}, ${job.attempt}, ${rt.jobs.owner})`.execute(db);
  process.stdout.write(`done ${job.id} ${job.attempt}\n`);
  return { attempt: job.attempt, owner: rt.jobs.owner };
});
const count = Number(process.env.KEEL_FAULT_JOBS ?? 0);
if (count > 0) {
  await rt.jobs.enqueueMany(db, Array.from({ length: count }, (_, n) => ({ tenantId: SYSTEM_TENANT, kind: FAULT_KIND, payload: { n } })));
}
await rt.app.listen({ port: Number(process.env.PORT), host: '127.0.0.1' });
process.stdout.write(`ready ${rt.jobs.owner}\n`);
const stop = async () => { await rt.close(); process.exit(0); };
process.once('SIGTERM', stop);
