import type { Transaction } from 'kysely';
import type { Db } from './connect.js';
import type { Database } from './schema.js';

export type Tx = Transaction<Database>;

const RETRYABLE = new Set(['40001', '40P01']); // serialization failure, deadlock detected
const MAX_ATTEMPTS = 5;

export interface TransactionOptions {
  isolation?: 'read committed' | 'repeatable read' | 'serializable';
}

function sqlState(e: unknown): string | undefined {
  return typeof e === 'object' && e !== null && 'code' in e ? String((e as { code: unknown }).code) : undefined;
}

/**
 * The only way to open a transaction. Serialization failures and deadlocks are retried, so the
 * body must be re-runnable: no network calls, no side effects outside the transaction.
 */
export async function inTransaction<T>(db: Db, fn: (tx: Tx) => Promise<T>, opts: TransactionOptions = {}): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      const builder = opts.isolation ? db.transaction().setIsolationLevel(opts.isolation) : db.transaction();
      return await builder.execute(fn);
    } catch (e) {
      const code = sqlState(e);
      if (!code || !RETRYABLE.has(code) || attempt >= MAX_ATTEMPTS) throw e;
      await new Promise((r) => setTimeout(r, Math.floor(Math.random() * 10 * attempt)));
    }
  }
}

export { sqlState };
