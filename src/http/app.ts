import { randomUUID } from 'node:crypto';
import Fastify, { type FastifyInstance, type FastifyReply } from 'fastify';
import formbody from '@fastify/formbody';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { Clock } from '../core/clock.js';
import type { Db } from '../db/connect.js';
import type { TenancyService } from '../tenancy/service.js';
import { tenancyRoutes } from '../tenancy/routes.js';
import type { Publishing } from '../catalog/publishing.js';
import { catalogRoutes } from '../catalog/routes.js';
import type { CatalogService } from '../catalog/service.js';
import type { CustomersService } from '../customers/service.js';
import { customerRoutes } from '../customers/routes.js';
import { taxRoutes } from '../tax/routes.js';
import type { OrdersService } from '../orders/service.js';
import { orderRoutes } from '../orders/routes.js';
import { assetRoutes } from '../assets/routes.js';
import type { AssetsService } from '../assets/service.js';
import type { TaxService } from '../tax/service.js';
import type { ChangeOrdersService } from '../change-orders/service.js';
import type { Workflows } from '../workflows/orders.js';
import type { BulkChanges } from '../change-orders/bulk.js';
import { changeOrderRoutes } from '../change-orders/routes.js';
import type { GraphqlService } from '../graphql/service.js';
import { graphqlRoutes } from '../graphql/routes.js';
import type { BillingService } from '../billing/service.js';
import { billingRoutes } from '../billing/routes.js';
import { memoRoutes } from '../billing/memo-routes.js';
import { billingSchemas } from '../billing/schemas.js';
import { catalogSchemas } from '../catalog/schemas.js';
import { orderSchemas } from '../orders/schemas.js';
import { tenancySchemas } from '../tenancy/schemas.js';
import { usageSchemas } from '../usage/schemas.js';
import { usageRoutes } from '../usage/routes.js';
import type { UsageService } from '../usage/service.js';
import { stripeWebhookRoutes, type StripeWebhookDeps } from '../payments/routes.js';
import { registerAuth } from './auth.js';
import { registerCors } from './cors.js';
import { registerRequestLimit } from './request-limit.js';
import { errorHandlerOf, notFoundHandler, toErrorReply } from './errors.js';
import { loneSurrogateAt, mayHoldSurrogates } from './well-formed.js';
import { serverOptions } from './server-limits.js';
import type { Config } from '../config.js';
import { invalid } from '../core/errors.js';
import { registerIdempotency } from './idempotency.js';
import { registerObservability } from './observability.js';
import { registerOpenApi, undocumentedOf } from './openapi.js';
import { rewriteUrl } from './paths.js';
import type { KeelRouteConfig, RouteEntry } from './route-config.js';
import { checkPreserialisedAnswers, formatSchemaErrors, serializerCompiler, shareSchema, validatorCompiler } from './validation.js';
import { registerSecurityHeaders } from './security-headers.js';

export interface AppDeps {
  db: Db;
  clock: Clock;
  tenancy: TenancyService;
  catalog: CatalogService;
  publishing: Publishing;
  customers: CustomersService;
  assets: AssetsService;
  tax: TaxService;
  graphql: GraphqlService;
  orders: OrdersService;
  changeOrders: ChangeOrdersService;
  /** Place order, activate order, change orders: the use cases that cross domains (src/workflows). */
  workflows: Workflows;
  bulkChanges: BulkChanges;
  billing: BillingService;
  usage: UsageService;
  stripeWebhook?: StripeWebhookDeps;
  adminToken: string | undefined;
  logLevel?: string;
  /** Socket limits (src/http/server-limits.ts); absent: Node's defaults. */
  serving?: Config['serving'];
  idempotencyStaleMs?: number;
  /** Check every answer against its declared response schema (KEEL_CHECK_RESPONSES; the test suite). */
  checkResponses?: boolean;
}

export type App = FastifyInstance;

/** Builds the server without listening (cli.ts listens; tests use app.inject). */
export async function buildApp(deps: AppDeps): Promise<App> {
  const app = Fastify({
    logger: { level: deps.logLevel ?? 'info' },
    // the timeouts are checked this often (Node's default, 30 s, would let a slow client run 30 s past them)
    ...(deps.serving && serverOptions(deps.serving)),
    genReqId: (req) => {
      const given = req.headers['x-request-id'];
      return typeof given === 'string' && /^[\w.-]{1,128}$/.test(given) ? given : randomUUID();
    },
    requestIdHeader: false,
    rewriteUrl: (req) => rewriteUrl(req.url ?? '/'),
    // the router's own refusals (a malformed URL) answer in the API's error shape too
    frameworkErrors: (error, _req, reply) => {
      const { status, body } = toErrorReply(Object.assign(error, { statusCode: (error as { statusCode?: number }).statusCode ?? 400 }));
      void (reply as unknown as FastifyReply).status(status).send(body);
    },
    bodyLimit: 5 * 1024 * 1024,
  }).withTypeProvider<TypeBoxTypeProvider>();

  app.setValidatorCompiler(validatorCompiler);
  app.setSerializerCompiler(serializerCompiler(deps.checkResponses ?? false));
  app.setSchemaErrorFormatter(formatSchemaErrors);
  app.setErrorHandler(errorHandlerOf(deps.checkResponses ?? false));
  if (deps.checkResponses) checkPreserialisedAnswers(app);
  app.setNotFoundHandler(notFoundHandler);
  await app.register(formbody);
  // security headers and the request id on every answer (API, docs, explorer): nosniff,
  // frame-ancestors none, a strict CSP; pages with an inline script widen script-src on their own route
  registerSecurityHeaders(app);
  // A bodiless POST or DELETE that still says `content-type: application/json` (many clients do)
  // has no body, not a malformed one (nor does one that sends only whitespace); anything else goes through fastify's own parser (which also
  // refuses __proto__ and constructor keys).
  const json = app.getDefaultJsonParser('error', 'error');
  app.removeContentTypeParser('application/json');
  app.addContentTypeParser('application/json', { parseAs: 'string' }, (req, body, done) => {
    const text = body as string;
    if (text.trim() === '') return done(null, undefined);
    json(req, text, (err, parsed) => {
      if (err || !mayHoldSurrogates(text)) return done(err, parsed);
      const at = loneSurrogateAt(parsed, 'body');
      return at ? done(invalid('INVALID_FIELD', `${at} holds a lone UTF-16 surrogate (half of a character)`), undefined) : done(null, parsed);
    });
  });

  // the route table, as registered (the standing tests are generated from it); read when the app is
  // ready, since plugins may still set a route's config in their own onRoute hooks
  const registered: { method: string | string[]; url: string; config?: unknown; schema?: unknown }[] = [];
  const routeTable: RouteEntry[] = [];
  app.decorate('routeTable', routeTable);
  app.addHook('onRoute', (r) => { registered.push(r); });
  app.addHook('onReady', async () => {
    for (const r of registered) {
      const config = (r.config ?? {}) as KeelRouteConfig;
      // every route a tenant's credential reaches says who may reach it (DESIGN §3 Tenant-wide routes)
      if ((config.auth ?? 'tenant') === 'tenant' && !config.scope) throw new Error(`${String(r.method)} ${r.url} declares no scope class (config.scope)`);
      // and, in the suite, its errorCodes and success answer, so the document cannot leave a route out
      const undocumented = deps.checkResponses ? undocumentedOf(r) : undefined;
      if (undocumented) throw new Error(`${String(r.method)} ${r.url} ${undocumented}`);
      for (const method of [r.method].flat()) if (method !== 'HEAD') routeTable.push({ method, url: r.url, config });
    }
  });
  registerAuth(app, { tenancy: deps.tenancy, adminToken: deps.adminToken, organisation: (ctx, id) => deps.customers.organisation(ctx, id) });
  // after authentication, before any route: CORS for the tenant's origins, the per-credential request limit
  await registerCors(app, { tenancy: deps.tenancy });
  await registerRequestLimit(app, deps.serving);
  registerIdempotency(app, deps.db, { staleMs: deps.idempotencyStaleMs, completeCharges: (ctx) => deps.workflows.completeRequestCharges(ctx) });
  registerObservability(app, deps.db);
  await registerOpenApi(app);
  // the answers' named schemas, at the root so any domain's answer may refer to any other's
  for (const schema of [...billingSchemas, ...catalogSchemas, ...orderSchemas, ...tenancySchemas, ...usageSchemas]) shareSchema(app, schema);

  await app.register(tenancyRoutes, { tenancy: deps.tenancy, clock: deps.clock });
  await app.register(catalogRoutes, { catalog: deps.catalog, publishing: deps.publishing });
  await app.register(customerRoutes, { customers: deps.customers });
  await app.register(taxRoutes, { tax: deps.tax });
  await app.register(orderRoutes, { orders: deps.orders, workflows: deps.workflows });
  await app.register(changeOrderRoutes, { changeOrders: deps.changeOrders, workflows: deps.workflows, bulk: deps.bulkChanges });
  await app.register(assetRoutes, { assets: deps.assets });
  await app.register(graphqlRoutes, { graphql: deps.graphql });
  await app.register(billingRoutes, { billing: deps.billing, tenancy: deps.tenancy, collection: deps.workflows.collection });
  await app.register(memoRoutes, { billing: deps.billing });
  await app.register(usageRoutes, { usage: deps.usage });
  if (deps.stripeWebhook) await app.register(stripeWebhookRoutes, deps.stripeWebhook);
  await app.ready(); // the route table is complete, and every route declared its scope class
  return app;
}
