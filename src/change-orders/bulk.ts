import { randomUUID } from 'node:crypto';
import { actorOf, customerFacingRole, type Actor, type Ctx } from '../context.js';
import { DomainError, forbidden, invalid, notFound } from '../core/errors.js';
import { isUuid } from '../core/ids.js';
import { inScope, outsideScope } from '../core/scope.js';
import type { AssetsService } from '../assets/service.js';
import { readWhere } from '../filters/where-filter.js';
import { readAssetChange } from './change-request.js';
import { inTransaction } from '../db/transaction.js';
import type { WorkQueue } from '../jobs/model.js';
import type { BulkChangeJob, BulkTarget } from './model.js';
import * as store from './store.js';

// Bulk price adjustment (seed 002 part A §2.6): AdjustPrice across many assets, chosen by number or
// by a filter in the where dialect, run as a job (src/jobs kind `change-orders.bulk`) in batches of
// `batchSize` (20–100). The targets are fixed and stored when the job is accepted (202); each batch
// is one change order per customer, so one customer's failure is that batch's error, not the job's
// end. Progress is recorded per customer: the next attempt after a crash goes on from there.
// GET .../jobs/{id} follows it.

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);
const MAX_TARGETS = 100_000;

interface Stage {
  id: string; startTime: string; endTime: string | null; status: string;
  processResult: { assetNumbers: string[]; orderIds: string[]; errors: { customerId: string; errorCode: string; message: string }[] };
  /** Customers of a batch in progress whose change order is made (or refused): not made again by the next attempt. */
  done?: string[];
}

/** The `change-orders.bulk` job's payload (src/jobs): the bulk job, and whom it acts for. */
export interface BulkJobPayload { bulkJobId: string; actor: Actor }

/** Where bulk jobs are enqueued and started (the jobs runtime's `change-orders.bulk`, wired in runtime.ts). */
export type BulkQueue = WorkQueue<BulkJobPayload>;

/** The change-order workflow's create (src/workflows/orders.ts), one change order per customer per batch. */
type CreateChangeOrder = (ctx: Ctx, body: unknown) => Promise<{ order: { id: unknown } } & Record<string, unknown>>;

export function createBulkChanges(deps: { createChangeOrder: CreateChangeOrder; assets: AssetsService; queue: BulkQueue }) {
  async function targets(ctx: Ctx, changes: unknown[]): Promise<BulkTarget[]> {
    const out = new Map<string, BulkTarget>();
    for (const [i, raw] of changes.entries()) {
      const at = `body/assetChanges/${i}`;
      if (!isObj(raw)) throw invalid('INVALID_FIELD', `${at} must be an object`);
      if (raw.changeType !== 'AdjustPrice') throw invalid('INVALID_FIELD', `${at}/changeType: bulk change orders adjust prices only (AdjustPrice)`);
      const { graphqlQuery, graphqlFilter, assetNumber, ...change } = raw;
      const filter = graphqlQuery ?? graphqlFilter;
      if ((assetNumber === undefined) === (filter === undefined)) throw invalid('INVALID_FIELD', `${at} must name an assetNumber or a graphqlQuery filter, not both`);
      readAssetChange({ ...change, assetNumber: typeof assetNumber === 'string' ? assetNumber : 'filter' }, at); // the price fields, checked now
      const rows = typeof assetNumber === 'string'
        ? await deps.assets.latestOf(ctx.db, ctx, [assetNumber])
        : await deps.assets.latestMatching(ctx.db, ctx, readWhere(filter, `${at}/graphqlQuery`, deps.assets.filterSchema), MAX_TARGETS);
      if (typeof assetNumber === 'string' && rows.length === 0) throw invalid('UNKNOWN_ASSET', `${at}/assetNumber: there is no subscription, asset or entitlement ${assetNumber}`);
      // a filter matches inside the scope only (in SQL); a number outside it is refused before the job exists
      const outside = rows.find((r) => !inScope(ctx, r.customerId));
      if (outside) throw outsideScope(ctx, outside.customerId, `${at}/assetNumber`);
      for (const r of rows) if (!out.has(r.assetNumber)) out.set(r.assetNumber, { assetNumber: r.assetNumber, customerId: r.customerId, change: i });
    }
    return [...out.values()];
  }

  /** The AdjustPrice of `assetChanges[i]`: the request's entry without its selection. */
  const changeOf = (request: Obj, i: number): Obj => {
    const { graphqlQuery: _q, graphqlFilter: _f, assetNumber: _n, ...change } = (request.assetChanges as Obj[])[i]!;
    return change;
  };

  /** Works the batches not recorded yet, recording each customer's outcome as it goes. */
  async function work(ctx: Ctx, row: BulkChangeJob): Promise<void> {
    const request = row.request as Obj;
    const { batchSize: _b, proceedOption: _p, ...orderOptions } = (isObj(request.options) ? request.options : {}) as Obj;
    const list = row.targets ?? [];
    const stages = [...(row.stages as Stage[])];
    if (row.status === 'Queued') await store.updateJob(ctx.db, ctx.tenantId, row.id, { status: 'Processing', startedAt: ctx.clock.now() });
    for (let k = 0, n = 0; k < list.length; k += row.batchSize, n++) {
      const batch = list.slice(k, k + row.batchSize);
      if (stages[n] && stages[n]!.status !== 'Processing') continue; // finished by an earlier attempt
      const stage: Stage = stages[n] ?? { id: `batch-${n + 1}`, startTime: ctx.clock.now().toISOString(), endTime: null, status: 'Processing', processResult: { assetNumbers: batch.map((b) => b.assetNumber), orderIds: [], errors: [] }, done: [] };
      stages[n] = stage;
      const done = new Set(stage.done ?? []);
      const byCustomer = new Map<string, BulkTarget[]>();
      for (const b of batch) byCustomer.set(b.customerId, [...(byCustomer.get(b.customerId) ?? []), b]);
      for (const [customerId, group] of byCustomer) {
        if (done.has(customerId)) continue;
        try {
          const res = await deps.createChangeOrder(ctx, { options: { activateOrder: true, ...orderOptions }, assetChanges: group.map((g) => ({ ...changeOf(request, g.change), assetNumber: g.assetNumber })) });
          stage.processResult.orderIds.push(String((res.order as { id: unknown }).id));
        } catch (e) {
          if (!(e instanceof DomainError)) throw e;
          stage.processResult.errors.push({ customerId, errorCode: e.code, message: e.message });
        }
        done.add(customerId);
        stage.done = [...done];
        await store.updateJob(ctx.db, ctx.tenantId, row.id, { stages });
      }
      stage.endTime = ctx.clock.now().toISOString();
      stage.status = stage.processResult.errors.length === 0 ? 'Completed' : stage.processResult.orderIds.length === 0 ? 'Failed' : 'PartialCompleted';
      delete stage.done;
      await store.updateJob(ctx.db, ctx.tenantId, row.id, { stages });
    }
    const statuses = new Set(stages.map((s) => s.status));
    const status = statuses.size === 0 || (statuses.size === 1 && statuses.has('Completed')) ? 'Completed' : statuses.size === 1 && statuses.has('Failed') ? 'Failed' : 'PartialCompleted';
    await store.updateJob(ctx.db, ctx.tenantId, row.id, { status, finishedAt: ctx.clock.now() });
  }

  return {
    /** POST /cpq/change-order-in-bulk → 202 {jobId}. */
    async start(ctx: Ctx, body: unknown): Promise<{ jobId: string }> {
      if (!isObj(body)) throw invalid('INVALID_FIELD', 'body must be an object');
      // bulk changes set prices: the tenant's to make, never a customer-facing caller's (DESIGN §3)
      const who = customerFacingRole(ctx);
      if (who) throw forbidden('FIELD_NOT_ALLOWED', `body/assetChanges: bulk price adjustments cannot be made by a ${who} credential`);
      const options = body.options === undefined ? {} : body.options;
      if (!isObj(options)) throw invalid('INVALID_FIELD', 'body/options must be an object');
      const { batchSize: rawSize = 20, proceedOption = 'CreateOrder' } = options;
      if (typeof rawSize !== 'number' || !Number.isInteger(rawSize) || rawSize < 20 || rawSize > 100) throw invalid('INVALID_FIELD', 'body/options/batchSize must be a whole number from 20 to 100');
      if (proceedOption !== 'CreateOrder') throw invalid('INVALID_FIELD', 'body/options/proceedOption: bulk changes create orders (CreateOrder); quotes are not supported');
      if (!Array.isArray(body.assetChanges) || body.assetChanges.length === 0) throw invalid('INVALID_FIELD', 'body/assetChanges must be a non-empty array');
      const list = await targets(ctx, body.assetChanges);
      const jobId = randomUUID();
      const queued = await inTransaction(ctx.db, async (tx) => {
        await store.insertJob(tx, ctx.tenantId, { id: jobId, status: 'Queued', request: body, batchSize: rawSize, scopeCustomerId: ctx.scope?.rootCustomerId ?? null, targets: list });
        return deps.queue.enqueue(tx, ctx.tenantId, { bulkJobId: jobId, actor: actorOf(ctx) });
      });
      // started here and now, in the background; the loop of any process takes it over if this one dies
      await deps.queue.workNow(ctx.tenantId, queued, 0);
      return { jobId };
    },

    /** The `change-orders.bulk` job's work (at least once): goes on from the progress recorded; a finished job is left as it is. */
    async work(ctx: Ctx, p: BulkJobPayload): Promise<{ status: string }> {
      const row = await store.getJob(ctx.db, ctx.tenantId, p.bulkJobId);
      if (!row) throw new Error(`bulk change job ${p.bulkJobId} does not exist`);
      if (row.status === 'Queued' || row.status === 'Processing') await work(ctx, row);
      return { status: (await store.getJob(ctx.db, ctx.tenantId, p.bulkJobId))!.status };
    },

    /** The job gave up (its last attempt failed, or a process died holding it every time): Failed, with why, and what its batches made. */
    async abandoned(ctx: Ctx, p: Pick<BulkJobPayload, 'bulkJobId'>, lastError: string | null): Promise<void> {
      const row = await store.getJob(ctx.db, ctx.tenantId, p.bulkJobId);
      if (!row || (row.status !== 'Queued' && row.status !== 'Processing')) return;
      await store.updateJob(ctx.db, ctx.tenantId, row.id, { status: 'Failed', error: lastError ?? 'the job was abandoned', finishedAt: ctx.clock.now() });
    },

    async job(ctx: Ctx, id: string) {
      const row = isUuid(id) ? await store.getJob(ctx.db, ctx.tenantId, id.toLowerCase()) : undefined;
      // a scoped caller follows the jobs made inside its scope
      if (!row || (ctx.scope && !inScope(ctx, row.scopeCustomerId))) throw notFound('JOB_NOT_FOUND', `Job ${id} does not exist`);
      return { id: row.id, status: row.status, error: row.error, jobType: row.jobType, startTime: row.startedAt?.toISOString() ?? null, endTime: row.finishedAt?.toISOString() ?? null, stages: (row.stages as Stage[]).map(({ done: _, ...stage }) => stage) };
    },
  };
}

export type BulkChanges = ReturnType<typeof createBulkChanges>;
