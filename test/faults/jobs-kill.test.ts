import { spawn, type ChildProcess } from 'node:child_process';
import { createServer } from 'node:net';
import { afterAll, describe, expect, it } from 'vitest';
import { sql } from 'kysely';
import { openDatabase } from '../../src/db/connect.js';
import { SYSTEM_TENANT } from '../../src/jobs/model.js';
import { engines } from './server.js';

// kill -9 a process in the middle of a batch of jobs it claimed; the restarted process finishes
// them once their leases run out, and no job is done twice: every job ends Completed by exactly one
// recorded attempt, and the only other work on record is the dead process's cut-off attempts.
const ROOT = new URL('../..', import.meta.url).pathname;
const JOBS = 40;
const children: ChildProcess[] = [];
afterAll(() => { for (const c of children) if (c.exitCode === null) c.kill('SIGKILL'); });

const freePort = () => new Promise<number>((resolve) => {
  const s = createServer();
  s.listen(0, '127.0.0.1', () => { const p = (s.address() as { port: number }).port; s.close(() => resolve(p)); });
});

/** Starts the jobs process; resolves once it is ready, and tells each job it finishes. */
async function start(env: Record<string, string>, onDone: (id: string, attempt: number) => void): Promise<{ child: ChildProcess; owner: string }> {
  const child = spawn(process.execPath, ['--import', 'tsx', 'test/faults/jobs-process.ts'], {
    cwd: ROOT, stdio: ['ignore', 'pipe', 'inherit'],
    env: {
      ...Object.fromEntries(Object.entries(process.env).filter(([k]) => k !== 'DATABASE_URL')), ...env, PORT: String(await freePort()),
      KEEL_DEMO: '0', LOG_LEVEL: 'warn', KEEL_JWT_SECRET: 'fault-suite-jwt-secret-0123456789', KEEL_WORKERS: '1',
    },
  });
  children.push(child);
  let buffer = '';
  return new Promise((resolve, reject) => {
    child.once('exit', (code) => reject(new Error(`the jobs process exited with ${code}`)));
    child.stdout!.on('data', (chunk: Buffer) => {
      buffer += chunk.toString();
      for (let nl = buffer.indexOf('\n'); nl >= 0; nl = buffer.indexOf('\n')) {
        const [word, a, b] = buffer.slice(0, nl).split(' ');
        buffer = buffer.slice(nl + 1);
        if (word === 'ready') resolve({ child, owner: a! });
        if (word === 'done') onDone(a!, Number(b));
      }
    });
  });
}

const kill = (c: ChildProcess, signal: NodeJS.Signals) => new Promise<void>((resolve) => {
  if (c.exitCode !== null || c.signalCode !== null) return resolve();
  c.removeAllListeners('exit');
  c.once('exit', () => resolve());
  c.kill(signal);
});

describe.each(await engines())('jobs survive kill -9 on $name', (engine) => {
  it(`${JOBS} jobs: the dead process's claims are finished by the restarted one, none twice`, async () => {
    const doneByFirst = new Set<string>();
    const first = await start({ ...engine.env, KEEL_FAULT_JOBS: String(JOBS) }, (id) => doneByFirst.add(id));
    // wait until it is in the middle of its first batch (16 claimed, worked one at a time)
    for (let i = 0; i < 300 && doneByFirst.size < 5; i++) await new Promise((r) => setTimeout(r, 20));
    await kill(first.child, 'SIGKILL');
    expect(doneByFirst.size).toBeGreaterThanOrEqual(5);
    expect(doneByFirst.size).toBeLessThan(JOBS);

    const doneBySecond = new Set<string>();
    const second = await start(engine.env, (id) => doneBySecond.add(id));
    for (let i = 0; i < 1500 && doneByFirst.size + doneBySecond.size < JOBS; i++) await new Promise((r) => setTimeout(r, 20));
    await new Promise((r) => setTimeout(r, 300)); // the last outcome is recorded after its line
    await kill(second.child, 'SIGTERM');

    const database = 'DATABASE_URL' in engine.env ? await openDatabase({ databaseUrl: engine.env.DATABASE_URL! }) : await openDatabase({ dataDir: engine.env.KEEL_DATA_DIR! });
    try {
      const jobs = (await sql<{ id: string; status: string; attempt: number; result: { attempt: number; owner: string } }>`select id, status, attempt, result from jobs
        where tenant_id = ${SYSTEM_TENANT} and kind = 'test.fault-effect'`.execute(database.db)).rows;
      const effects = (await sql<{ job_id: string; attempt: number; owner: string }>`select job_id, attempt, owner from fault_job_effects`.execute(database.db)).rows;
      expect(jobs).toHaveLength(JOBS);
      expect(jobs.filter((j) => j.status !== 'Completed')).toEqual([]);
      for (const j of jobs) {
        const mine = effects.filter((e) => e.job_id === j.id);
        // the recorded attempt did the work once; any other attempt on record was cut off in the dead process
        expect(j.result.attempt, j.id).toBe(j.attempt);
        expect(mine.filter((e) => e.attempt === j.attempt), j.id).toHaveLength(1);
        expect(mine.filter((e) => e.attempt !== j.attempt).every((e) => e.owner === first.owner), j.id).toBe(true);
        expect(mine.filter((e) => e.owner === second.owner).length, j.id).toBeLessThanOrEqual(1);
        if (j.result.owner === first.owner) expect(mine, `${j.id} was finished before the kill and never run again`).toHaveLength(1);
      }
      // some jobs were claimed by the dead process (leased, attempt 1) and finished by the second on attempt 2
      const taken = jobs.filter((j) => j.attempt === 2 && j.result.owner === second.owner);
      expect(taken.length).toBeGreaterThan(0);
      expect(jobs.filter((j) => j.result.owner === first.owner).length + jobs.filter((j) => j.result.owner === second.owner).length).toBe(JOBS);
    } finally {
      await database.close();
    }
  });
});
