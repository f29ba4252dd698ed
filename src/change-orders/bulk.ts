import { randomUUID } from 'node:crypto';
import { customerFacingRole, type Ctx } from '../context.js';
import { DomainError, forbidden, invalid, notFound } from '../core/errors.js';
import { isUuid } from '../core/ids.js';
import { inScope, outsideScope } from '../core/scope.js';
import type { AssetsService } from '../assets/service.js';
import { readWhere } from '../filters/where-filter.js';
import { readAssetChange } from './change-request.js';
import * as store from './store.js';

// Bulk price adjustment (seed 002 part A §2.6): AdjustPrice across many assets, chosen by number or
// by a filter in the where dialect, run as a job in batches of `batchSize` (20–100). The targets are
// fixed when the job is accepted (202); each batch is one change order per customer, so one
// customer's failure is that batch's error, not the job's end. GET .../jobs/{id} follows it.

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);
const MAX_TARGETS = 100_000;

interface Target { assetNumber: string; customerId: string; change: Obj }
interface Stage { id: string; startTime: string; endTime: string | null; status: string; processResult: { assetNumbers: string[]; orderIds: string[]; errors: { customerId: string; errorCode: string; message: string }[] } }

/** The change-order workflow's create (src/workflows/orders.ts), one change order per customer per batch. */
type CreateChangeOrder = (ctx: Ctx, body: unknown) => Promise<{ order: { id: unknown } } & Record<string, unknown>>;

export function createBulkChanges(deps: { createChangeOrder: CreateChangeOrder; assets: AssetsService }) {
  async function targets(ctx: Ctx, changes: unknown[]): Promise<Target[]> {
    const out = new Map<string, Target>();
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
      for (const r of rows) if (!out.has(r.assetNumber)) out.set(r.assetNumber, { assetNumber: r.assetNumber, customerId: r.customerId, change });
    }
    return [...out.values()];
  }

  async function run(ctx: Ctx, jobId: string, list: Target[], options: Obj, batchSize: number): Promise<void> {
    await store.updateJob(ctx.db, ctx.tenantId, jobId, { status: 'Processing', startedAt: ctx.clock.now() });
    const stages: Stage[] = [];
    for (let k = 0; k < list.length; k += batchSize) {
      const batch = list.slice(k, k + batchSize);
      const stage: Stage = { id: `batch-${stages.length + 1}`, startTime: ctx.clock.now().toISOString(), endTime: null, status: 'Processing', processResult: { assetNumbers: batch.map((b) => b.assetNumber), orderIds: [], errors: [] } };
      const byCustomer = new Map<string, Target[]>();
      for (const b of batch) byCustomer.set(b.customerId, [...(byCustomer.get(b.customerId) ?? []), b]);
      for (const [customerId, group] of byCustomer) {
        try {
          const res = await deps.createChangeOrder(ctx, { options: { activateOrder: true, ...options }, assetChanges: group.map((g) => ({ ...g.change, assetNumber: g.assetNumber })) });
          stage.processResult.orderIds.push(String((res.order as { id: unknown }).id));
        } catch (e) {
          if (!(e instanceof DomainError)) throw e;
          stage.processResult.errors.push({ customerId, errorCode: e.code, message: e.message });
        }
      }
      stage.endTime = ctx.clock.now().toISOString();
      stage.status = stage.processResult.errors.length === 0 ? 'Completed' : stage.processResult.orderIds.length === 0 ? 'Failed' : 'PartialCompleted';
      stages.push(stage);
      await store.updateJob(ctx.db, ctx.tenantId, jobId, { stages });
    }
    const statuses = new Set(stages.map((s) => s.status));
    const status = statuses.size === 0 || (statuses.size === 1 && statuses.has('Completed')) ? 'Completed' : statuses.size === 1 && statuses.has('Failed') ? 'Failed' : 'PartialCompleted';
    await store.updateJob(ctx.db, ctx.tenantId, jobId, { status, finishedAt: ctx.clock.now() });
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
      const { batchSize: rawSize = 20, proceedOption = 'CreateOrder', ...orderOptions } = options;
      if (typeof rawSize !== 'number' || !Number.isInteger(rawSize) || rawSize < 20 || rawSize > 100) throw invalid('INVALID_FIELD', 'body/options/batchSize must be a whole number from 20 to 100');
      if (proceedOption !== 'CreateOrder') throw invalid('INVALID_FIELD', 'body/options/proceedOption: bulk changes create orders (CreateOrder); quotes are not supported');
      if (!Array.isArray(body.assetChanges) || body.assetChanges.length === 0) throw invalid('INVALID_FIELD', 'body/assetChanges must be a non-empty array');
      const list = await targets(ctx, body.assetChanges);
      const jobId = randomUUID();
      await store.insertJob(ctx.db, ctx.tenantId, { id: jobId, status: 'Queued', request: body, batchSize: rawSize, scopeCustomerId: ctx.scope?.rootCustomerId ?? null });
      // the job outlives the request; it never charges twice under the request's idempotency key
      const jobCtx: Ctx = { ...ctx, idempotencyKey: undefined };
      run(jobCtx, jobId, list, orderOptions, rawSize).catch(async (err: unknown) => {
        await store.updateJob(ctx.db, ctx.tenantId, jobId, { status: 'Failed', error: err instanceof Error ? err.message : String(err), finishedAt: ctx.clock.now() }).catch(() => undefined);
      });
      return { jobId };
    },

    async job(ctx: Ctx, id: string) {
      const row = isUuid(id) ? await store.getJob(ctx.db, ctx.tenantId, id.toLowerCase()) : undefined;
      // a scoped caller follows the jobs made inside its scope
      if (!row || (ctx.scope && !inScope(ctx, row.scopeCustomerId))) throw notFound('JOB_NOT_FOUND', `Job ${id} does not exist`);
      return { id: row.id, status: row.status, error: row.error, jobType: row.jobType, startTime: row.startedAt?.toISOString() ?? null, endTime: row.finishedAt?.toISOString() ?? null, stages: row.stages };
    },
  };
}

export type BulkChanges = ReturnType<typeof createBulkChanges>;
