import { randomBytes } from 'node:crypto';
import type { Config } from './config.js';
import { systemClock, type Clock } from './core/clock.js';
import { openDatabase, type OpenDatabase } from './db/connect.js';
import { migrate } from './db/migrate.js';
import { analyzeGrownTables } from './db/maintenance.js';
import { purgeExpired } from './idempotency/service.js';
import { buildApp, type App } from './http/app.js';
import { createTenancyService, type TenancyService } from './tenancy/service.js';
import { getOrCreateSecret } from './tenancy/store.js';
import { createPublishing, type Publishing } from './catalog/publishing.js';
import { createSnapshotCache } from './catalog/snapshot-cache.js';
import { loadDemoCatalog } from './catalog/demo.js';
import { createCustomersService, type CustomersService } from './customers/service.js';
import { assetsService } from './assets/service.js';
import { createNumberingService } from './numbering/service.js';
import { createOrdersService, type OrdersService } from './orders/service.js';
import { createBillingService, type BillingService } from './billing/service.js';
import { paymentsService } from './payments/service.js';
import { testGateway } from './payments/gateway.js';
import { outcomeOf, stripeGateway } from './payments/stripe-gateway.js';
import type Stripe from 'stripe';
import type { Ctx } from './context.js';
import { createCollection } from './workflows/collect.js';
import { createWorkflows } from './workflows/orders.js';
import { createChangeOrdersService } from './change-orders/service.js';
import { createBulkChanges } from './change-orders/bulk.js';

// Wires the process: database, migrations, services, the HTTP app. cli.ts and tests use it.
// A database passed in stays open on close (tests share one per worker).
export interface Runtime {
  app: App;
  database: OpenDatabase;
  tenancy: TenancyService;
  publishing: Publishing;
  customers: CustomersService;
  orders: OrdersService;
  billing: BillingService;
  /** The checkout's reconciler, for tests that settle payments without waiting for the scheduler. */
  checkoutForTests: { reconcilePending(ctx: Ctx, minAgeSeconds?: number): Promise<number> };
  migrations: string[];
  bootstrap: { tenantName: string; apiKey: string } | undefined;
  close(): Promise<void>;
}

export async function openConfiguredDatabase(config: Pick<Config, 'databaseUrl' | 'dataDir'>): Promise<OpenDatabase> {
  return config.databaseUrl ? openDatabase({ databaseUrl: config.databaseUrl }) : openDatabase({ dataDir: config.dataDir });
}

export async function startRuntime(config: Config, opts: { database?: OpenDatabase; clock?: Clock } = {}): Promise<Runtime> {
  const database = opts.database ?? await openConfiguredDatabase(config);
  try {
    const migrations = await migrate(database.db);
    const secret = config.jwtSecret ?? await getOrCreateSecret(database.db, 'jwt', randomBytes(32).toString('base64url'));
    const clock = opts.clock ?? systemClock;
    const tenancy = createTenancyService({ db: database.db, clock, jwtKey: new TextEncoder().encode(secret) });
    const publishing = createPublishing(createSnapshotCache(database.db));
    const boot = await tenancy.bootstrap({ apiKey: config.bootstrapApiKey });
    // A new installation gets the demo catalog in its default tenant.
    if (boot && config.loadDemo) await loadDemoCatalog(await tenancy.systemContext(boot.tenant.id, 'demo'), publishing);
    const customers = createCustomersService({ metrics: (ctx, ids) => assetsService.customerMetrics(ctx, ids) });
    const numbering = createNumberingService(database.db);
    const billing = createBillingService({ assets: assetsService, numbering, payments: paymentsService, customers, runConcurrency: database.engine === 'postgres' ? 4 : 1 });
    const stripe = config.stripe ? stripeGateway(config.stripe) : undefined;
    const orders = createOrdersService({ customers, assets: assetsService, numbering, publishing, billing });
    const changeOrders = createChangeOrdersService({ orders, assets: assetsService, billing, customers, numbering });
    const checkout = createCollection({ billing, payments: paymentsService, numbering, orders, gateways: { test: testGateway(), ...(stripe && { stripe }) } });
    const workflows = createWorkflows({ orders, changeOrders, assets: assetsService, billing, customers, collection: checkout });
    const bulkChanges = createBulkChanges({ createChangeOrder: workflows.createChangeOrder, assets: assetsService });
    // Stripe's webhooks name a PaymentIntent; the payment that carries it names the tenant.
    const onStripeEvent = async (event: Stripe.Event) => {
      const pi = event.data.object as Stripe.PaymentIntent;
      if (!event.type.startsWith('payment_intent.') || !pi?.id) return;
      await checkout.onGatewayEvent('stripe', pi.id, outcomeOf(pi), (tenantId) => tenancy.systemContext(tenantId, 'stripe-webhook'), database.db);
    };
    const app = await buildApp({
      db: database.db, clock, tenancy, publishing, customers, orders, changeOrders, workflows, bulkChanges, billing, adminToken: config.adminToken, logLevel: config.logLevel, idempotencyStaleMs: config.idempotencyStaleMs,
      ...(config.stripe?.webhookSecret && { stripeWebhook: { webhookSecret: config.stripe.webhookSecret, onEvent: onStripeEvent } }),
    });
    // Idempotency records live 24 hours; sweep them hourly (and once now). One process of a cluster does.
    const sweep = () => purgeExpired(database.db).catch((err: unknown) => app.log.warn({ err }, 'idempotency sweep failed'));
    if (config.background) await sweep();
    const sweeper = config.background ? setInterval(sweep, 3600_000).unref() : undefined;
    // The billing scheduler: every minute, each tenant's Active schedules that fired since their last run.
    const schedule = async () => {
      for (const tenantId of await billing.schedules.tenantsWithActiveSchedules(database.db)) {
        await billing.schedules.runDue(await tenancy.systemContext(tenantId, 'scheduler'));
      }
      // pending payments no webhook settled within two minutes: charge or poll them
      for (const tenantId of await paymentsService.tenantsWithPending(database.db)) {
        await checkout.reconcilePending(await tenancy.systemContext(tenantId, 'reconciler'), 120);
      }
    };
    // planner statistics of tables that outgrew them are refreshed every few seconds (db/maintenance.ts)
    const analyzer = config.background
      ? setInterval(() => { analyzeGrownTables(database.db).catch((err: unknown) => app.log.warn({ err }, 'analyze failed')); }, 5_000).unref() : undefined;
    const scheduler = config.background ? setInterval(() => { schedule().catch((err: unknown) => app.log.error({ err }, 'billing scheduler failed')); }, 60_000).unref() : undefined;
    return {
      app, database, tenancy, publishing, customers, orders, billing, checkoutForTests: checkout, migrations,
      bootstrap: boot && { tenantName: boot.tenant.name, apiKey: boot.apiKey },
      async close() {
        clearInterval(sweeper);
        clearInterval(scheduler);
        clearInterval(analyzer);
        try { await app.close(); } finally { if (!opts.database) await database.close(); }
      },
    };
  } catch (e) {
    if (!opts.database) await database.close();
    throw e;
  }
}
