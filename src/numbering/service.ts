import { DEFAULT_NUMBER_FORMATS, formatDocumentNumber } from '../core/numbering-format.js';
import type { Ctx } from '../context.js';
import type { Db } from '../db/connect.js';
import type { Tx } from '../db/transaction.js';
import * as store from './store.js';

// Per-tenant document numbers (ORD-00000001, SUB-000001, ...). Numbers come from blocks reserved
// by a statement of their own and handed out from memory, so a business transaction never holds a
// counter row. A block left unused when the process stops is a gap: numbers are unique and
// increasing within a process, not gap-free.
//
// Call `nextNumbers` BEFORE opening the business transaction: on the embedded engine there is one
// connection, and a reservation waiting behind an open transaction would wait forever.
export const DEFAULT_BLOCK_SIZE = 20;
export type DocumentKind = keyof typeof DEFAULT_NUMBER_FORMATS;

interface Block { next: bigint; end: bigint }

export type NumberingService = ReturnType<typeof createNumberingService>;

export function createNumberingService(db: Db, blockSize = DEFAULT_BLOCK_SIZE) {
  const blocks = new Map<string, Block>();
  const pending = new Map<string, Promise<void>>();

  async function refill(tenantId: string, kind: string, atLeast: number): Promise<void> {
    const key = `${tenantId}:${kind}`;
    const size = Math.max(blockSize, atLeast);
    const first = await store.reserveBlock(db, tenantId, kind, size);
    const current = blocks.get(key);
    // Concurrent refills: keep what is left of the old block only if it is contiguous.
    if (current && current.next < current.end && current.end === first) blocks.set(key, { next: current.next, end: first + BigInt(size) });
    else blocks.set(key, { next: first, end: first + BigInt(size) });
  }

  async function take(tenantId: string, kind: string, count: number): Promise<bigint[]> {
    const key = `${tenantId}:${kind}`;
    for (;;) {
      const b = blocks.get(key);
      if (b && b.end - b.next >= BigInt(count)) {
        const out = Array.from({ length: count }, (_, i) => b.next + BigInt(i));
        b.next += BigInt(count);
        return out;
      }
      let p = pending.get(key);
      if (!p) {
        p = refill(tenantId, kind, count).finally(() => pending.delete(key));
        pending.set(key, p);
      }
      await p;
    }
  }

  /** `count` formatted numbers of one kind, in increasing order. */
  async function nextNumbers(ctx: Pick<Ctx, 'tenantId' | 'tenant'>, kind: DocumentKind, count = 1): Promise<string[]> {
    const format = ctx.tenant.settings.numberFormats[kind] ?? DEFAULT_NUMBER_FORMATS[kind];
    const seqs = await take(ctx.tenantId, kind, count);
    return seqs.map((n) => formatDocumentNumber(format, n));
  }

  /**
   * Numbers taken inside a business transaction, for documents that only the transaction itself
   * discovers it needs (a credit memo when billing nets negative). They commit or roll back with
   * it; the counter row stays locked until then, so keep this to rare documents.
   */
  async function nextNumbersInTx(tx: Tx, ctx: Pick<Ctx, 'tenantId' | 'tenant'>, kind: DocumentKind, count = 1): Promise<string[]> {
    const format = ctx.tenant.settings.numberFormats[kind] ?? DEFAULT_NUMBER_FORMATS[kind];
    const first = await store.reserveBlock(tx, ctx.tenantId, kind, count);
    return Array.from({ length: count }, (_, i) => formatDocumentNumber(format, first + BigInt(i)));
  }

  return { nextNumbers, nextNumbersInTx };
}
