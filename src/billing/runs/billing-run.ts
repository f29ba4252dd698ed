import { randomUUID } from 'node:crypto';

import type { Ctx } from '../../context.js';
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

// Billing runs (DESIGN "Billing"): for every customer, what is due by the target date minus what
// was billed becomes one invoice per currency (or one credit memo where it nets negative). A run is restartable: a rerun, or a run after a
// crash, finds the periods already billed and bills nothing twice (the billed-ledger key enforces
// it even when two runs race).

const sum = (items: readonly InvoiceItemDraft[]) => items.reduce((a, i) => a.plus(i.amount).plus(i.taxAmount), new Dec(0));

/** The tenant's day-boundary work through a date (src/jobs/day-boundary.ts): renewals that fall before it. */
export type DayBoundaryWork = (ctx: Ctx, day: string) => Promise<unknown>;

/** A billing job as the API shows it (`GET /billing/jobs/{id}`, a OneTime run's answer). */
export type BillingJobView = Omit<BillingJob, 'createdAt' | 'finishedAt' | 'heartbeatAt' | 'resumedBy'> & { resumedByJobId: string | null };

const toJobView = (j: BillingJob): BillingJobView => ({
  id: j.id, scheduleId: j.scheduleId, status: j.status, targetDate: j.targetDate, autoActivate: j.autoActivate,
  invoiceIds: j.invoiceIds, creditMemoIds: j.creditMemoIds, errors: j.errors, resumedByJobId: j.resumedBy,
});

/** A run silent this long died (KEEL_RUN_STALE_SECONDS); it records its progress six times as often. */
export const DEFAULT_STALE_SECONDS = 30;

/** A run's filters in the where dialect: which customers (and whose bill cycle day), which products. */
export interface RunFilters { customerFilter?: unknown; productFilter?: unknown; billCycleDayFilter?: unknown; orderFilter?: unknown }

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
  onInvoiceActivated?: OnInvoiceActivated; staleSeconds?: number }) {
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

  return {
    billCustomer,

    /**
     * At a process's start (runtime.ts): every tenant's runs left Running by a process that died become
     * Interrupted, with what they recorded. `exclusive`: this process alone uses the database (the
     * embedded engine locks its data directory), so every Running run is dead; else only the silent ones.
     */
    interruptDead: (db: Ctx['db'], exclusive: boolean) => store.interruptStaleJobs(db, exclusive ? 0 : staleSeconds),

    /** A run over the tenant's customers (or the ones named), recorded as a job. */
    async run(ctx: Ctx, i: { targetDate: string; autoActivate: boolean; customerIds?: string[] | undefined; scheduleId?: string; filters?: RunFilters }): Promise<BillingJobView> {
      const target = parseBusinessDate(i.targetDate, 'body/targetDate');
      i.customerIds?.forEach((c, k) => { if (!isUuid(c)) throw invalid('INVALID_FIELD', `body/customerIds/${k} must be an id`); });
      const chosen = await resolveFilters(deps.idsMatching, ctx, i.filters ?? {});
      // the day boundaries up to the target date come first: subscriptions that reached their end date renew before anything is billed
      await deps.dayBoundary(ctx, i.targetDate);
      const jobId = randomUUID();
      // runs of this tenant whose process died are Interrupted; this run finishes those it covers (billing is due minus billed)
      await store.interruptStaleJobs(ctx.db, staleSeconds, ctx.tenantId);
      await store.insertJob(ctx.db, ctx.tenantId, { id: jobId, status: 'Running', targetDate: i.targetDate, autoActivate: i.autoActivate, scheduleId: i.scheduleId ?? null });
      await store.resumeInterruptedJobs(ctx.db, ctx.tenantId, i.targetDate, jobId);
      const customers = (i.customerIds ?? await deps.assets.customersWithAssets(ctx)).filter((c) => !chosen.customers || chosen.customers.has(c.toLowerCase()));
      // customers bill independently (each in its own transaction, under its assets' head locks):
      // a few at once keep the database busy while Node waits; results keep the customers' order
      const results: ({ invoiceIds: string[]; creditMemoIds: string[] } | { customerId: string; errorCode: string; message: string })[] = new Array(customers.length);
      const written = () => {
        const done = results.filter((r) => r !== undefined);
        return {
          invoiceIds: done.flatMap((r) => ('invoiceIds' in r ? r.invoiceIds : [])),
          creditMemoIds: done.flatMap((r) => ('creditMemoIds' in r ? r.creditMemoIds : [])),
          errors: done.flatMap((r) => ('errorCode' in r ? [r] : [])) as BillingJobError[],
        };
      };
      // progress as it goes: a crash leaves the job with what it wrote (and, once stale, Interrupted)
      let checkpointAt = performance.now(); // elapsed time, not a business clock
      const checkpoint = async () => {
        if (performance.now() - checkpointAt < checkpointMs) return;
        checkpointAt = performance.now();
        await store.checkpointJob(ctx.db, ctx.tenantId, jobId, written());
      };
      let next = 0;
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
          await checkpoint();
        }
      }));
      await store.finishJob(ctx.db, ctx.tenantId, jobId, { status: 'Completed', ...written(), finishedAt: ctx.clock.now() });
      return toJobView((await store.getJob(ctx.db, ctx.tenantId, jobId))!);
    },

    async job(ctx: Ctx, id: string): Promise<BillingJobView> {
      const row = isUuid(id) ? await store.getJob(ctx.db, ctx.tenantId, id.toLowerCase()) : undefined;
      if (!row) throw notFound('JOB_NOT_FOUND', `Billing job ${id} does not exist`);
      return toJobView(row);
    },
  };
}

export type BillingRuns = ReturnType<typeof createBillingRuns>;

