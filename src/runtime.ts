import { Dec, toJsonNumber } from './core/money.js';
import type { Config } from './config.js';
import { systemClock, type Clock } from './core/clock.js';
import { keyFromFile } from './core/key-file.js';
import { createSecretBox, type SecretBox } from './core/secret-box.js';
import { openDatabase, type OpenDatabase } from './db/connect.js';
import { migrate } from './db/migrate.js';
import { analyzeGrownTables } from './db/maintenance.js';
import { purgeExpired } from './idempotency/service.js';
import { buildApp, type App } from './http/app.js';
import { createTenancyService, type TenancyService } from './tenancy/service.js';
import { createPublishing, type Publishing } from './catalog/publishing.js';
import { createSnapshotCache } from './catalog/snapshot-cache.js';
import { loadDemoCatalog } from './catalog/demo.js';
import { createCatalogService, type CatalogService } from './catalog/service.js';
import { createCustomersService, type CustomersService } from './customers/service.js';
import { createAssetsService } from './assets/service.js';
import { createUsageService } from './usage/service.js';
import { createTaxService } from './tax/service.js';
import { createNumberingService } from './numbering/service.js';
import { createOrdersService, type OrdersService } from './orders/service.js';
import { createBillingService, type BillingService, type OnInvoiceActivated } from './billing/service.js';
import { createPaymentsService } from './payments/service.js';
import { createGraphqlService } from './graphql/service.js';
import { testGateway } from './payments/gateway.js';
import { outcomeOf, stripeGateway } from './payments/stripe-gateway.js';
import type Stripe from 'stripe';
import type { Ctx } from './context.js';
import { createCollection } from './workflows/collect.js';
import { createWorkflows } from './workflows/orders.js';
import { createChangeOrdersService } from './change-orders/service.js';
import { createBulkChanges, type BulkJobPayload } from './change-orders/bulk.js';
import type { RunJobPayload } from './billing/runs/billing-run.js';
import type { Tx } from './db/transaction.js';
import { createJobs, type Jobs, type JobsOptions } from './jobs/service.js';
import { createDayBoundary, enqueueCrossedDays } from './jobs/day-boundary.js';
import { KINDS, registerBackgroundWork, scheduleBackgroundWork } from './jobs/background.js';

// Wires the process: database, migrations, services, the HTTP app. cli.ts and tests use it.
// A database passed in stays open on close (tests share one per worker).
export interface Runtime {
  app: App;
  database: OpenDatabase;
  tenancy: TenancyService;
  catalog: CatalogService;
  publishing: Publishing;
  customers: CustomersService;
  orders: OrdersService;
  billing: BillingService;
  /** Seals and opens the secrets Keel must send in clear (webhook signing secrets, CRM client secrets). */
  secrets: SecretBox;
  /** The background runtime (src/jobs): its loop runs only where `config.background` is set. */
  jobs: Jobs;
  /** The checkout's reconciler, for tests that settle payments without waiting for the scheduler. */
  checkoutForTests: { reconcilePending(ctx: Ctx, minAgeSeconds?: number): Promise<number> };
  migrations: string[];
  bootstrap: { tenantName: string; apiKey: string } | undefined;
  close(): Promise<void>;
}

export async function openConfiguredDatabase(config: Pick<Config, 'databaseUrl' | 'dataDir'>): Promise<OpenDatabase> {
  return config.databaseUrl ? openDatabase({ databaseUrl: config.databaseUrl }) : openDatabase({ dataDir: config.dataDir });
}

/** KEEL_ENCRYPTION_KEY, else a key made once in the data directory (apart from the business data), as the JWT key. */
export function secretBoxFor(config: Pick<Config, 'encryptionKey' | 'previousEncryptionKeys' | 'dataDir'>): SecretBox {
  return createSecretBox({ current: config.encryptionKey ?? keyFromFile(config.dataDir, 'encryption'), previous: config.previousEncryptionKeys });
}

/** `jobs`: the background runtime's lease, poll interval and owner name (tests shorten them). */
export async function startRuntime(config: Config, opts: { database?: OpenDatabase; clock?: Clock; jobs?: Pick<JobsOptions, 'leaseMs' | 'pollMs' | 'owner'> } = {}): Promise<Runtime> {
  const database = opts.database ?? await openConfiguredDatabase(config);
  try {
    const migrations = await migrate(database.db);
    // KEEL_JWT_SECRET, else a key made once in the data directory (apart from the business data)
    const secret = config.jwtSecret ?? keyFromFile(config.dataDir, 'jwt');
    const secrets = secretBoxFor(config);
    const clock = opts.clock ?? systemClock;
    let logger: App['log'] | undefined; // the app's, once it is built
    const log: JobsOptions['log'] = { warn: (obj, msg) => logger?.warn(obj, msg), error: (obj, msg) => logger?.error(obj, msg) };
    const jobs = createJobs({ db: database.db, clock, log, concurrency: database.engine === 'postgres' ? 4 : 1, leaseMs: config.jobLeaseSeconds * 1000, ...opts.jobs });
    // a sandbox tenant's test clock moved forward: one day-boundary job per day it crossed
    const onTestClockMoved = async (tx: Tx, tenantId: string, from: string, to: string) => { await enqueueCrossedDays(jobs, tx, tenantId, from, to); };
    const tenancy = createTenancyService({ db: database.db, clock, jwtKey: new TextEncoder().encode(secret), onTestClockMoved });
    const catalog = createCatalogService();
    const publishing = createPublishing(createSnapshotCache(database.db));
    const boot = await tenancy.bootstrap({ apiKey: config.bootstrapApiKey });
    // A new installation gets the demo catalog in its default tenant.
    if (boot && config.loadDemo) await loadDemoCatalog(await tenancy.systemContext(boot.tenant.id, 'demo'), { catalog, publishing });
    const graphql = createGraphqlService();
    const paymentsService = createPaymentsService();
    const assetsService = createAssetsService();
    const tax = createTaxService();
    // customers' roll-ups come from the domains that own the figures (called after everything is wired)
    const customers = createCustomersService({
      metrics: async (ctx, ids) => {
        const [figures, balances] = await Promise.all([assetsService.customerMetrics(ctx, ids), billing.openBalances(ctx, ids)]);
        for (const [id, balance] of balances) figures.set(id, { ...figures.get(id), invoiceBalance: toJsonNumber(new Dec(balance)) });
        return figures;
      },
    });
    const numbering = createNumberingService(database.db);
    const dayBoundary = createDayBoundary({ assets: assetsService });
    // invoices activated by runs and :activate plan their charge in that transaction (collection, wired below)
    const onInvoiceActivated: OnInvoiceActivated = (tx, ctx, inv) => checkout.invoices.planOnActivation(tx, ctx, inv);
    const billing = createBillingService({ assets: assetsService, numbering, payments: paymentsService, customers, idsMatching: graphql.idsMatching, runConcurrency: database.engine === 'postgres' ? 4 : 1, runStaleSeconds: config.runStaleSeconds, dayBoundary, catalog, onInvoiceActivated,
      // runs requested over the API are jobs (src/jobs), worked at once by the process that took the request
      runQueue: jobs.queueOf(KINDS.billingRun),
      // refundCorrections: Refund — a correction memo's credit left goes back to the card, as a job
      onCreditLeft: async (tx, ctx, creditMemoId) => { await jobs.enqueue(tx, ctx.tenantId, KINDS.refundCredit, { creditMemoId }); } });
    const stripe = config.stripe ? stripeGateway(config.stripe) : undefined;
    const orders = createOrdersService({ customers, assets: assetsService, numbering, publishing, billing, tax, catalog });
    billing.setTaxStatusProvider((q, ctx, ids) => orders.taxStatusOfLines(q, ctx, ids));
    // runs a crash cut off read Interrupted from now on (the next run finishes them)
    await billing.runs.interruptDead(database.db, database.engine !== 'postgres');
    // the embedded engine's process alone uses its database: the claims it finds are a dead process's, workable now
    if (database.engine !== 'postgres') await jobs.expireLeases();
    const changeOrders = createChangeOrdersService({ orders, assets: assetsService, billing, customers, numbering });
    const checkout = createCollection({
      billing, payments: paymentsService, numbering, orders, customers, gateways: { test: testGateway(), ...(stripe && { stripe }) },
      enqueueCollect: async (tx, tenantId, invoiceId) => { await jobs.enqueue(tx, tenantId, KINDS.collect, { invoiceId }); },
    });
    const usage = createUsageService({ assets: assetsService, catalog, clock });
    const workflows = createWorkflows({ orders, changeOrders, assets: assetsService, billing, customers, collection: checkout });
    const bulkChanges = createBulkChanges({ createChangeOrder: workflows.createChangeOrder, assets: assetsService,
      queue: jobs.queueOf(KINDS.bulkChange) });
    // Stripe's webhooks name a PaymentIntent; the payment that carries it names the tenant.
    const onStripeEvent = async (event: Stripe.Event) => {
      const pi = event.data.object as Stripe.PaymentIntent;
      if (!event.type.startsWith('payment_intent.') || !pi?.id) return;
      await checkout.onGatewayEvent('stripe', pi.id, outcomeOf(pi), (tenantId) => tenancy.systemContext(tenantId, 'stripe-webhook'), database.db);
    };
    const app = await buildApp({
      db: database.db, clock, tenancy, catalog, publishing, customers, assets: assetsService, tax, graphql, orders, changeOrders, workflows, bulkChanges, billing, usage, adminToken: config.adminToken, logLevel: config.logLevel, idempotencyStaleMs: config.idempotencyStaleMs, serving: config.serving, checkResponses: config.checkResponses,
      ...(config.stripe?.webhookSecret && { stripeWebhook: { webhookSecret: config.stripe.webhookSecret, onEvent: onStripeEvent } }),
    });
    logger = app.log;
    // Background work is jobs (src/jobs/background.ts): the sweeper, the billing scheduler, the
    // payment reconciler, the statistics upkeep and each tenant's day boundary. Every process can
    // enqueue; one process of a cluster (config.background) claims and works them.
    registerBackgroundWork({
      db: database.db, jobs, purgeRejectedUsage: usage.purgeRejected,
      // the day-boundary job also makes the collection attempts that fall due (a billing run's does not)
      dayBoundary: createDayBoundary({ assets: assetsService, collection: checkout.invoices }),
      collectInvoice: (ctx, invoiceId) => checkout.invoices.collect(ctx, invoiceId),
      refundCredit: (ctx, creditMemoId) => checkout.invoices.refundCreditLeft(ctx, creditMemoId),
      systemContext: (tenantId, name) => tenancy.systemContext(tenantId, name),
      tenantZones: () => tenancy.tenantZones(),
      sweepIdempotency: purgeExpired,
      analyze: analyzeGrownTables,
      billingTenants: (db) => billing.schedules.tenantsWithActiveSchedules(db),
      runDueSchedules: (ctx) => billing.schedules.runDue(ctx),
      paymentTenants: (db) => paymentsService.tenantsWithPending(db),
      reconcilePending: (ctx, minAge) => checkout.reconcilePending(ctx, minAge),
      // work a request enqueued acts as its caller: the principal, its permissions, its scope resolved again
      actorContext: async (tenantId, actor, name) => {
        const ctx: Ctx = { ...await tenancy.systemContext(tenantId, name), principal: actor.principal, permissions: new Set(actor.permissions) };
        const root = actor.scope?.rootCustomerId ?? null;
        if (actor.scope) ctx.scope = { rootCustomerId: root, customerIds: root ? await customers.organisation(ctx, root) : new Set() };
        return ctx;
      },
      billingRun: { work: (ctx, p) => billing.runs.work(ctx, p as unknown as RunJobPayload), abandoned: (ctx, p) => billing.runs.abandoned(ctx, p as unknown as RunJobPayload) },
      bulkChange: { work: (ctx, p) => bulkChanges.work(ctx, p as unknown as BulkJobPayload), abandoned: (ctx, p, error) => bulkChanges.abandoned(ctx, p as unknown as BulkJobPayload, error) },
    });
    if (config.background) {
      await scheduleBackgroundWork(jobs, database.db);
      jobs.start();
    }
    return {
      app, database, tenancy, catalog, publishing, customers, orders, billing, secrets, jobs, checkoutForTests: checkout, migrations,
      bootstrap: boot && { tenantName: boot.tenant.name, apiKey: boot.apiKey },
      async close() {
        try { await jobs.stop(); await app.close(); } finally { if (!opts.database) await database.close(); }
      },
    };
  } catch (e) {
    if (!opts.database) await database.close();
    throw e;
  }
}
