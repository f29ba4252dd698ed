import { createHash, randomUUID } from 'node:crypto';
import type { AssetsService } from '../assets/service.js';
import type { AssetVersion } from '../assets/model.js';
import type { CatalogService } from '../catalog/service.js';
import type { Ctx } from '../context.js';
import type { Clock } from '../core/clock.js';
import { DomainError, forbidden, invalid } from '../core/errors.js';
import { isUuid } from '../core/ids.js';
import { Dec } from '../core/money.js';
import { inScope } from '../core/scope.js';
import type { Db } from '../db/connect.js';
import { inTransaction } from '../db/transaction.js';
import { checkRow, directoryOf, keyOf, ServiceBounds, type AcceptedRow, type RawUsageInput, type RowProblem, type UsageVersionRef } from './ingest.js';
import type { IngestAnswer, IngestMode, UsageConflict } from './model.js';
import * as store from './store.js';

// Usage use cases (shared/design/usage.md). Ingest is the hot path: two reads to resolve the batch
// (cached catalog lookups aside), then one transaction of a few statements — the dedupe keys are
// its idempotency, so the generic Idempotency-Key store is not used (the route opts out).

export interface IngestBody { transactionId?: string; mode?: IngestMode; data: RawUsageInput[] }

const SKEW_MS = 5 * 60_000;

/** `clock`: the installation's wall clock (not a sandbox's test clock): rows are stamped with it, so retention counts real days. */
export function createUsageService(deps: { assets: AssetsService; catalog: CatalogService; clock: Clock }) {
  /** The usage subscriptions the batch names, with what checking its rows needs. */
  async function directoryFor(ctx: Ctx, rows: readonly RawUsageInput[]) {
    const skus = [...new Set(rows.flatMap((r) => (r.productSKU === undefined ? [] : [r.productSKU])))];
    const productIdBySku = skus.length === 0 ? new Map<string, string>() : await deps.catalog.productIdsBySku(ctx, skus);
    const numbers = new Set<string>();
    const ids = new Set<string>();
    const pairs = new Map<string, [string, string]>();
    for (const r of rows) {
      if (r.subscriptionNumber !== undefined) numbers.add(r.subscriptionNumber);
      else if (r.subscriptionId !== undefined && isUuid(r.subscriptionId)) ids.add(r.subscriptionId.toLowerCase());
      else if (r.customerId !== undefined && isUuid(r.customerId) && r.productSKU !== undefined && productIdBySku.has(r.productSKU)) {
        const pair: [string, string] = [r.customerId.toLowerCase(), productIdBySku.get(r.productSKU)!];
        pairs.set(pair.join('|'), pair);
      }
    }
    const chains = new Map<string, UsageVersionRef[]>();
    for (const [number, versions] of await deps.assets.usageChains(ctx.db, ctx, { numbers: [...numbers], ids: [...ids], customerProducts: [...pairs.values()] })) {
      chains.set(number, versions.map(refOf));
    }
    const usageProducts = [...new Set([...chains.values()].map((c) => c[0]!.productId))];
    const trees = usageProducts.length === 0 ? new Map() : await deps.catalog.productTrees(ctx, usageProducts);
    const countedProperty = new Map<string, string>();
    for (const [id, p] of trees) if (p.usageAggregation === 'UniqueCount' && typeof p.aggregationProperty === 'string') countedProperty.set(id, p.aggregationProperty);
    return directoryOf(chains, productIdBySku, countedProperty);
  }

  /** How far ahead a timestamp may be: now plus the clock skew allowed; in a sandbox, the end of the test-clock day. */
  function horizonOf(ctx: Ctx): number {
    const skewed = ctx.clock.now().getTime() + SKEW_MS;
    if (!ctx.tenant.sandbox) return skewed;
    const tomorrow = ctx.clock.today(ctx.timeZone).add({ days: 1 }).toZonedDateTime({ timeZone: ctx.timeZone }).epochMilliseconds;
    return Math.max(skewed, tomorrow);
  }

  return {
    /** Deletes the rows partial ingests rejected before `before` (the hourly `usage.purge-rejected` job: 14 days). */
    purgeRejected: (db: Db, before: Date): Promise<number> => store.purgeRejected(db, before),

    /** `POST /usage/raw-usage`: stores what is new, once, whatever the retries; see usage.md "Ingest". */
    async ingest(ctx: Ctx, body: IngestBody): Promise<IngestAnswer> {
      const mode = body.mode ?? 'atomic';
      const unkeyed = body.data.findIndex((r) => r.id === undefined);
      if (unkeyed >= 0 && body.transactionId === undefined) {
        throw invalid('TRANSACTION_ID_REQUIRED', `transactionId: data/${unkeyed} has no id, so the request needs a transactionId to key it by`);
      }
      const bodyHash = body.transactionId === undefined ? null : createHash('sha256').update(JSON.stringify(body)).digest('base64url');
      if (body.transactionId !== undefined) {
        const seen = await store.transactionOf(ctx.db, ctx.tenantId, body.transactionId);
        if (seen) return replayOf(seen, bodyHash!, body.transactionId);
      }
      const transactionId = body.transactionId ?? randomUUID();
      const dir = await directoryFor(ctx, body.data);
      const clock = { horizonMs: horizonOf(ctx), timeZone: ctx.timeZone };
      const bounds = new ServiceBounds(ctx.timeZone);
      const reach = (customerId: string) => inScope(ctx, customerId);
      const accepted: AcceptedRow[] = [];
      const rejected: (RowProblem & { row: RawUsageInput })[] = [];
      body.data.forEach((row, i) => {
        const checked = checkRow(row, i, dir, clock, reach, bounds);
        if ('errorCode' in checked) rejected.push({ ...checked, row });
        else accepted.push(checked);
      });
      if (mode === 'atomic' && rejected.length > 0) {
        // a row outside the credential's organisation is a write outside its scope: 403, like every other (DESIGN §3)
        const outside = rejected.find((p) => p.errorCode === 'OUTSIDE_ORGANISATION');
        throw outside ? forbidden(outside.errorCode, outside.message) : rowsRefused(rejected);
      }

      // the batch's own repeats: the first row of a key counts, later ones are duplicates
      const firstOf = new Map<string, AcceptedRow>();
      const fresh: { row: AcceptedRow; id: string; key: { assetNumber: string; key: string }; text: string }[] = [];
      const repeats: { row: AcceptedRow; text: string }[] = [];
      for (const row of accepted) {
        const key = keyOf(row, transactionId);
        const text = store.keyText(key);
        if (firstOf.has(text)) repeats.push({ row, text });
        else {
          firstOf.set(text, row);
          fresh.push({ row, id: randomUUID(), key, text });
        }
      }
      fresh.sort((a, b) => (a.text < b.text ? -1 : a.text > b.text ? 1 : 0)); // one lock order for parallel batches
      const now = deps.clock.now();
      const problems = rejected.map(({ row: _row, ...p }) => p);
      return inTransaction(ctx.db, async (tx) => {
        if (bodyHash !== null) {
          const placeholder: IngestAnswer = { transactionId, accepted: 0, duplicates: 0, conflicts: [], rejected: [] };
          if (!(await store.claimTransaction(tx, ctx.tenantId, transactionId, bodyHash, placeholder, now))) {
            return replayOf((await store.transactionOf(tx, ctx.tenantId, transactionId))!, bodyHash, transactionId);
          }
        }
        const stored = await store.insertKeys(tx, ctx.tenantId, fresh.map((f) => ({ ...f.key, rawUsageId: f.id, at: f.row.at, quantity: f.row.quantity })));
        const written: typeof fresh = [];
        const storedBefore: typeof fresh = [];
        for (const f of fresh) (stored.has(f.text) ? written : storedBefore).push(f);
        const seenBefore = [...storedBefore, ...repeats];
        const earlier = await store.storedKeys(tx, ctx.tenantId, storedBefore.map((f) => f.key));
        const conflicts: UsageConflict[] = [];
        for (const { row, text } of seenBefore) {
          const mine = firstOf.get(text)!;
          const first = earlier.get(text) ?? { at: mine.at, quantity: mine.quantity };
          if (row.eventId !== null && (first.at.getTime() !== row.at.getTime() || !new Dec(first.quantity).eq(row.quantity))) {
            conflicts.push({ index: row.index, id: row.eventId, subscriptionNumber: row.assetNumber, stored: { timestamp: first.at.toISOString(), quantity: new Dec(first.quantity).toString() } });
          }
        }
        conflicts.sort((a, b) => a.index - b.index);
        await store.insertRawUsage(tx, ctx.tenantId, [
          ...written.map(({ row, id }) => ({
            id, transactionId, index: row.index, eventId: row.eventId, assetNumber: row.assetNumber, subscriptionId: row.subscriptionId, customerId: row.customerId,
            productId: row.productId, at: row.at, quantity: row.quantity, properties: row.properties, status: 'Active' as const, error: null,
          })),
          ...rejected.map(({ row, index, field, errorCode, message }) => rejectedWrite(row, index, transactionId, { field, errorCode, message })),
        ], now);
        const answer: IngestAnswer = { transactionId, accepted: written.length, duplicates: seenBefore.length, conflicts, rejected: problems };
        if (bodyHash !== null) await store.saveAnswer(tx, ctx.tenantId, transactionId, answer);
        return answer;
      });
    },
  };
}

export type UsageService = ReturnType<typeof createUsageService>;

function refOf(v: AssetVersion): UsageVersionRef {
  const from = v.startDate > v.effectiveFrom ? v.startDate : v.effectiveFrom;
  const to = v.endDate === null ? v.effectiveTo : v.effectiveTo === null || v.endDate < v.effectiveTo ? v.endDate : v.effectiveTo;
  return { id: v.id, assetNumber: v.assetNumber, customerId: v.customerId, productId: v.productId, priceModel: v.priceModel, rootId: v.rootId, originalId: v.originalId, from, to };
}

/** The same transaction id again: the first answer for the same body, else 422. */
function replayOf(seen: { bodyHash: string; answer: IngestAnswer }, bodyHash: string, transactionId: string): IngestAnswer {
  if (seen.bodyHash === bodyHash) return seen.answer;
  throw new DomainError('idempotency_mismatch', 'TRANSACTION_REUSED', `transactionId: ${transactionId} was sent before with another body`);
}

/** Atomic mode: one 400 naming every refused row (the first in the message), nothing stored. */
function rowsRefused(rejected: readonly RowProblem[]): DomainError {
  const first = rejected[0]!;
  const more = rejected.length > 1 ? ` (and ${rejected.length - 1} more: see errors)` : '';
  return new DomainError('validation', first.errorCode, `${first.message}${more}`, undefined, rejected.map((p) => ({ index: p.index, errorCode: p.errorCode, message: p.message })));
}

/** A refused row kept (partial mode) as `Rejected`, with what of it could be read. */
function rejectedWrite(row: RawUsageInput, index: number, transactionId: string, error: { field: string; errorCode: string; message: string }): store.RawUsageWrite {
  const at = Date.parse(row.timestamp);
  const quantity = typeof row.quantity === 'number' || /^[+-]?\d+(\.\d+)?$/.test(row.quantity) ? String(row.quantity) : null;
  return {
    id: randomUUID(), transactionId, index, eventId: row.id ?? null, assetNumber: row.subscriptionNumber ?? null, subscriptionId: null, customerId: null, productId: null,
    at: Number.isNaN(at) ? null : new Date(at), quantity: quantity !== null && Number.isFinite(Number(quantity)) ? quantity : null,
    properties: { ...row.properties, ...(row.productSKU !== undefined && { productSKU: row.productSKU }), ...(row.customerId !== undefined && { customerId: row.customerId }) }, status: 'Rejected', error,
  };
}
