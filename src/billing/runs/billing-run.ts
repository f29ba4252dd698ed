import { randomUUID } from 'node:crypto';

import { actorOf, type Actor, type Ctx } from '../../context.js';
import { DomainError, invalid, notFound } from '../../core/errors.js';
import { parseBusinessDate, type PlainDate } from '../../core/dates.js';
import { Dec } from '../../core/money.js';
import { inTransaction, type Tx } from '../../db/transaction.js';
import type { OnInvoiceActivated } from '../service.js';
import { isUuid } from '../../core/ids.js';
import type { AssetsService } from '../../assets/service.js';
import type { CustomersService } from '../../customers/service.js';
import type { NumberingService } from '../../numbering/service.js';
import { billingDefaults, toCharge } from '../charges.js';
import { dueItems, assembleInvoice, type Charge, type InvoiceItemDraft } from '../invoices/builder.js';
import type { BilledDocuments } from '../invoices/billed-documents.js';
import * as store from '../store.js';
import type { BillingJob, BillingJobError } from '../model.js';
import type { IdsMatching } from '../../filters/model.js';
import type { WorkQueue } from '../../jobs/model.js';

// Billing runs (DESIGN "Billing"): for every customer, what is due by the target date minus what
// was billed becomes one invoice per currency (or one credit memo where it nets negative). A run is restartable: a rerun, or a run after a
// crash, finds the periods already billed and bills nothing twice (the billed-ledger key enforces
// it even when two runs race).

const sum = (items: readonly InvoiceItemDraft[]) => items.reduce((a, i) => a.plus(i.amount).plus(i.taxAmount), new Dec(0));

/** The tenant's day-boundary work through a date (src/jobs/day-boundary.ts): renewals that fall before it. */
export type DayBoundaryWork = (ctx: Ctx, day: string) => Promise<unknown>;

/** A billing job as the API shows it (`GET /billing/jobs/{id}`, a OneTime run's answer). */
export type BillingJobView = Omit<BillingJob, 'createdAt' | 'finishedAt' | 'heartbeatAt' | 'resumedBy' | 'retryOf'> & { resumedByJobId: string | null };

const toJobView = (j: BillingJob): BillingJobView => ({
  id: j.id, scheduleId: j.scheduleId, status: j.status, targetDate: j.targetDate, autoActivate: j.autoActivate,
  invoiceIds: j.invoiceIds, creditMemoIds: j.creditMemoIds, errors: j.errors, resumedByJobId: j.resumedBy,
});

/** A run silent this long died (KEEL_RUN_STALE_SECONDS); it records its progress six times as often. */
export const DEFAULT_STALE_SECONDS = 30;

/** A run's filters in the where dialect: which customers (and whose bill cycle day), which products. */
export interface RunFilters { customerFilter?: unknown; productFilter?: unknown; billCycleDayFilter?: unknown; orderFilter?: unknown }

/** What a run bills: to a target date, the tenant's customers or the ones named (and filtered). */
export interface RunInput { targetDate: string; autoActivate: boolean; customerIds?: string[] | undefined; scheduleId?: string | undefined; filters?: RunFilters | undefined }

/** The `billing.run` job's payload (src/jobs): the billing job it fills, what to bill, and for whom. */
export interface RunJobPayload extends RunInput { billingJobId: string; actor: Actor }

/** Where runs started over the API are enqueued and worked (the jobs runtime's `billing.run`, wired in runtime.ts). */
export type RunQueue = WorkQueue<RunJobPayload>;

interface Checked { target: PlainDate; chosen: { customers?: Set<string>; products?: Set<string> } }

/** Resolves a run's filters through the where dialect (the read model answers them: `IdsMatching`). */
async function resolveFilters(idsMatching: IdsMatching, ctx: Ctx, f: RunFilters): Promise<{ customers?: Set<string>; products?: Set<string> }> {
  if (f.orderFilter !== undefined && f.orderFilter !== null) throw invalid('UNSUPPORTED_FILTER', 'orderFilter: runs choose customers and products; select the customers of those orders with customerFilter');
  const out: { customers?: Set<string>; products?: Set<string> } = {};
  const both = (a: Set<string> | undefined, b: string[]) => new Set(a ? b.filter((x) => a.has(x)) : b);
  if (f.customerFilter !== undefined && f.customerFilter !== null) out.customers = both(out.customers, await idsMatching(ctx, 'Customer', f.customerFilter, 'customerFilter'));
  if (f.billCycleDayFilter !== undefined && f.billCycleDayFilter !== null) out.customers = both(out.customers, await idsMatching(ctx, 'Customer', f.billCycleDayFilter, 'billCycleDayFilter'));
  if (f.productFilter !== undefined && f.productFilter !== null) out.products = new Set(await idsMatching(ctx, 'Product', f.productFilter, 'productFilter'));
  return out;
}

/**
 * `concurrency`: customers billed at once by a run, each in its own transaction — on PostgreSQL a few
 * keep the database busy while Node waits (bench: +40%); the embedded engine has one connection, where
 * interleaving only costs, so it bills one at a time.
 */
export function createBillingRuns(deps: { assets: AssetsService; customers: CustomersService; numbering: NumberingService; documents: BilledDocuments; idsMatching: IdsMatching; concurrency?: number; dayBoundary: DayBoundaryWork;
  onInvoiceActivated?: OnInvoiceActivated; staleSeconds?: number; queue?: RunQueue }) {
  const staleSeconds = deps.staleSeconds ?? DEFAULT_STALE_SECONDS;
  const checkpointMs = (staleSeconds * 1000) / 6;
  const RUN_CONCURRENCY = Math.max(1, deps.concurrency ?? 1);
  const defaults = (ctx: Ctx) => billingDefaults(ctx.tenant.settings);

  /** Bills one customer to the target date; returns the invoices and credit memos written. */
  async function billCustomer(ctx: Ctx, customerId: string, target: PlainDate, autoActivate: boolean, productIds?: ReadonlySet<string>): Promise<{ invoiceIds: string[]; creditMemoIds: string[] }> {
    const today = ctx.clock.today(ctx.timeZone);
    const plan = async (q: Tx | Ctx['db']) => {
      const charges = (await deps.assets.billableLines(q, ctx, { customerId })).filter((l) => !productIds || productIds.has(l.productId))
        .map((l) => toCharge(l, defaults(ctx))).filter((c): c is Charge => c !== null);
      const numbers = [...new Set(charges.map((c) => c.assetNumber))];
      const billed = await store.billedItems(q, ctx.tenantId, numbers);
      const byCurrency = new Map<string, InvoiceItemDraft[]>();
      for (const c of charges) {
        for (const item of dueItems([c], billed, { today, targetDate: target, paymentTerm: null })) {
          byCurrency.set(c.currency, [...(byCurrency.get(c.currency) ?? []), item]);
        }
      }
      return { numbers, byCurrency };
    };
    const first = await plan(ctx.db);
    // invoices take numbers reserved before the transaction; credit memos take theirs inside it
    const owed = [...first.byCurrency.values()].filter((items) => !sum(items).lt(0));
    const itemCount = owed.reduce((n, items) => n + items.length, 0);
    if (first.byCurrency.size === 0) return { invoiceIds: [], creditMemoIds: [] };
    const invoiceNumbers = owed.length > 0 ? await deps.numbering.nextNumbers(ctx, 'invoice', owed.length) : [];
    const itemNumbers = itemCount > 0 ? await deps.numbering.nextNumbers(ctx, 'invoiceItem', itemCount) : [];
    return inTransaction(ctx.db, async (tx) => {
      await deps.assets.lockForBilling(tx, ctx, first.numbers);
      // read in the transaction: its payment term and card are the ones collection plans with (one read for both)
      const customer = await deps.customers.getStoredCustomer(tx, ctx, customerId);
      const again = await plan(tx);
      const out = { invoiceIds: [] as string[], creditMemoIds: [] as string[] };
      let nextItem = 0;
      let nextInvoice = 0;
      const revisions = await store.nextRevisions(tx, ctx.tenantId, again.numbers);
      const paymentTerm = customer.paymentTerm ?? ctx.tenant.settings.paymentTerm;
      for (const [currency, items] of again.byCurrency) {
        const draft = assembleInvoice(items, currency, { today, targetDate: target, paymentTerm });
        const isInvoice = !draft.amount.lt(0);
        const written = await deps.documents.write(tx, ctx, {
          draft, customerId, orderId: null, billToContactId: null, activate: autoActivate, revisions,
          invoiceNumber: isInvoice ? invoiceNumbers[nextInvoice++] ?? null : null,
          itemNumbers: isInvoice ? itemNumbers.slice(nextItem, (nextItem += items.length)) : [],
        });
        (written.kind === 'Invoice' ? out.invoiceIds : out.creditMemoIds).push(written.id);
        // an Active invoice is collected (its charge planned in this transaction)
        if (written.kind === 'Invoice' && autoActivate) await deps.onInvoiceActivated?.(tx, ctx, { id: written.id, customerId, currency, invoiceDate: draft.invoiceDate, paymentMethodToken: customer.defaultPaymentMethodToken });
      }
      return out;
    });
  }

  /** The run's input checked (a 400 names the field) and its filters resolved. */
  async function check(ctx: Ctx, i: RunInput): Promise<Checked> {
    const target = parseBusinessDate(i.targetDate, 'body/targetDate');
    i.customerIds?.forEach((c, k) => { if (!isUuid(c)) throw invalid('INVALID_FIELD', `body/customerIds/${k} must be an id`); });
    return { target, chosen: await resolveFilters(deps.idsMatching, ctx, i.filters ?? {}) };
  }

  /** A run recorded before it starts (Queued): what it will bill, and the run it retries if any. */
  const recordQueued = (q: Tx | Ctx['db'], ctx: Ctx, id: string, i: { targetDate: string; autoActivate: boolean; scheduleId?: string | null | undefined }, retryOf?: string) =>
    store.insertJob(q, ctx.tenantId, { id, status: 'Queued', targetDate: i.targetDate, autoActivate: i.autoActivate, scheduleId: i.scheduleId ?? null, ...(retryOf && { retryOf }) });

  const view = async (ctx: Ctx, id: string) => toJobView((await store.getJob(ctx.db, ctx.tenantId, id))!);

  /** Bills the run recorded Queued as `jobId`: Running from its start, its progress recorded as it goes, Completed at the end. */
  async function execute(ctx: Ctx, i: RunInput, jobId: string, { target, chosen }: Checked): Promise<void> {
    await store.startJob(ctx.db, ctx.tenantId, jobId);
    const customers: string[] = [];
    // customers bill independently (each in its own transaction, under its assets' head locks):
    // a few at once keep the database busy while Node waits; results keep the customers' order
    const results: ({ invoiceIds: string[]; creditMemoIds: string[] } | { customerId: string; errorCode: string; message: string })[] = [];
    const written = () => {
      const done = results.filter((r) => r !== undefined);
      return {
        invoiceIds: done.flatMap((r) => ('invoiceIds' in r ? r.invoiceIds : [])),
        creditMemoIds: done.flatMap((r) => ('creditMemoIds' in r ? r.creditMemoIds : [])),
        errors: done.flatMap((r) => ('errorCode' in r ? [r] : [])) as BillingJobError[],
      };
    };
    // progress as it goes, from the start (the day boundary may take a while): a crash leaves the
    // job with what it wrote, and a run silent for the stale time is one whose process died
    const beat = setInterval(() => {
      store.checkpointJob(ctx.db, ctx.tenantId, jobId, written()).catch(() => undefined); // the next beat records it
    }, checkpointMs);
    beat.unref?.();
    let next = 0;
    try {
      // the day boundaries up to the target date come first: subscriptions that reached their end date renew before anything is billed
      await deps.dayBoundary(ctx, i.targetDate);
      // runs of this tenant whose process died are Interrupted; this run finishes those it covers (billing is due minus billed)
      await store.interruptStaleJobs(ctx.db, staleSeconds, ctx.tenantId);
      await store.resumeInterruptedJobs(ctx.db, ctx.tenantId, i.targetDate, jobId);
      customers.push(...(i.customerIds ?? await deps.assets.customersWithAssets(ctx)).filter((c) => !chosen.customers || chosen.customers.has(c.toLowerCase())));
      await Promise.all(Array.from({ length: Math.min(RUN_CONCURRENCY, customers.length) }, async () => {
        while (next < customers.length) {
          const k = next++;
          const customerId = customers[k]!;
          try {
            results[k] = await billCustomer(ctx, customerId.toLowerCase(), target, i.autoActivate, chosen.products);
          } catch (e) {
            if (!(e instanceof DomainError)) throw e;
            results[k] = { customerId, errorCode: e.code, message: e.message };
          }
        }
      }));
    } catch (e) {
      // cut off by a fault that is not the input's: what it wrote stays recorded, and the next attempt resumes it
      await store.checkpointJob(ctx.db, ctx.tenantId, jobId, written());
      await store.interruptJob(ctx.db, ctx.tenantId, jobId);
      throw e;
    } finally {
      clearInterval(beat);
    }
    await store.finishJob(ctx.db, ctx.tenantId, jobId, { status: 'Completed', ...written(), finishedAt: ctx.clock.now() });
  }

  return {
    billCustomer,

    /**
     * At a process's start (runtime.ts): every tenant's runs left Running by a process that died become
     * Interrupted, with what they recorded. `exclusive`: this process alone uses the database (the
     * embedded engine locks its data directory), so every Running run is dead; else only the silent ones.
     */
    interruptDead: (db: Ctx['db'], exclusive: boolean) => store.interruptStaleJobs(db, exclusive ? 0 : staleSeconds),

    /** A run now, on the caller's time (the scheduler's job, the CLI): the tenant's customers, or the ones named, recorded as a billing job. */
    async run(ctx: Ctx, i: RunInput): Promise<BillingJobView> {
      const checked = await check(ctx, i);
      const jobId = randomUUID();
      await recordQueued(ctx.db, ctx, jobId, i);
      await execute(ctx, i, jobId, checked);
      return view(ctx, jobId);
    },

    /**
     * A run requested over the API: checked now (bad input changes nothing), then enqueued as a job
     * (`billing.run`) with its billing job Queued, in one transaction. This process works it at once
     * and answers when it ends within `waitMs`; otherwise the answer is the job still Queued or
     * Running, and `GET /billing/jobs/{id}` follows it. A process that dies mid-run leaves its claim
     * to expire; the run is then Interrupted (with what it wrote) and the job's next attempt finishes it.
     */
    async start(ctx: Ctx, i: RunInput, waitMs: number): Promise<BillingJobView> {
      const queue = deps.queue;
      if (!queue) throw new Error('starting a billing run needs the jobs runtime (deps.queue)');
      await check(ctx, i);
      const billingJobId = randomUUID();
      const queued = await inTransaction(ctx.db, async (tx) => {
        await recordQueued(tx, ctx, billingJobId, i);
        return queue.enqueue(tx, ctx.tenantId, { ...i, billingJobId, actor: actorOf(ctx) } satisfies RunJobPayload);
      });
      await queue.workNow(ctx.tenantId, queued, waitMs);
      return view(ctx, billingJobId);
    },

    /**
     * The `billing.run` job's work (at least once, so idempotent): a Queued run is done; a run an
     * earlier attempt left Running or Interrupted is cut off, and a new run resumes it (billing is due
     * minus billed); a finished or resumed run is left as it is. Returns the billing job that holds the outcome.
     */
    async work(ctx: Ctx, p: RunJobPayload): Promise<{ billingJobId: string }> {
      const head = await store.latestAttempt(ctx.db, ctx.tenantId, p.billingJobId);
      if (!head) throw new Error(`billing job ${p.billingJobId} does not exist`);
      if (head.status === 'Completed' || head.status === 'Failed' || head.resumedBy) return { billingJobId: head.resumedBy ?? head.id };
      let jobId = head.id;
      if (head.status !== 'Queued') {
        // an earlier attempt's run, cut off: Interrupted, and a new run (found by the next attempt, should this one die too) resumes it
        jobId = randomUUID();
        await inTransaction(ctx.db, async (tx) => {
          await store.interruptJob(tx, ctx.tenantId, head.id);
          await recordQueued(tx, ctx, jobId, head, p.billingJobId);
        });
      }
      await execute(ctx, p, jobId, await check(ctx, p));
      return { billingJobId: jobId };
    },

    /** The `billing.run` job gave up (a process died holding it on every attempt): its latest run reads Interrupted, for the next run to finish. */
    async abandoned(ctx: Ctx, p: Pick<RunJobPayload, 'billingJobId'>): Promise<void> {
      const head = await store.latestAttempt(ctx.db, ctx.tenantId, p.billingJobId);
      if (head) await store.interruptJob(ctx.db, ctx.tenantId, head.id);
    },

    async job(ctx: Ctx, id: string): Promise<BillingJobView> {
      const row = isUuid(id) ? await store.getJob(ctx.db, ctx.tenantId, id.toLowerCase()) : undefined;
      if (!row) throw notFound('JOB_NOT_FOUND', `Billing job ${id} does not exist`);
      return toJobView(row);
    },
  };
}

export type BillingRuns = ReturnType<typeof createBillingRuns>;

