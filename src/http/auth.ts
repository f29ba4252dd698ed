import { timingSafeEqual } from 'node:crypto';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { forbidden, unauthorized } from '../core/errors.js';
import type { OrgScope } from '../core/scope.js';
import type { Authenticated, Principal } from '../tenancy/model.js';
import { isApiKey } from '../tenancy/secrets.js';
import type { TenancyService } from '../tenancy/service.js';
import { customerFacingRole, principalId, roleOf, type Ctx } from '../context.js';
import './route-config.js';

// Who is calling, decided once per request before the body is parsed (DESIGN.md §3):
// - an API key (`keel_…`) in `apiAccessKey` or `Authorization: Bearer` authenticates alone;
// - a JWT in `Authorization: Bearer` is the principal; an `apiAccessKey` beside it selects the tenant.
export function header(req: FastifyRequest, name: string): string | undefined {
  const v = req.headers[name];
  return Array.isArray(v) ? v[0] : v;
}

export function bearer(req: FastifyRequest): string | undefined {
  const h = header(req, 'authorization');
  const m = h ? /^Bearer\s+(.+)$/i.exec(h.trim()) : null;
  return m?.[1];
}

async function authenticate(req: FastifyRequest, tenancy: TenancyService): Promise<Authenticated> {
  const token = bearer(req);
  const accessKey = header(req, 'apiaccesskey') ?? header(req, 'nue-api-key');
  if (token && !isApiKey(token)) return tenancy.authenticateToken(token, accessKey);
  const key = token ?? accessKey;
  if (!key) throw unauthorized('MISSING_CREDENTIALS', 'Send an API key in the apiAccessKey header, or a bearer token');
  if (!isApiKey(key)) throw unauthorized('INVALID_API_KEY', 'The API key is not valid');
  return tenancy.authenticateApiKey(key);
}

function boundCustomer(p: Principal): string | null {
  return p.kind === 'apiKey' || p.kind === 'client' ? p.customerId : null;
}

function sameSecret(a: string, b: string): boolean {
  const x = Buffer.from(a), y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

export interface AuthDeps {
  tenancy: TenancyService;
  adminToken: string | undefined;
  /** The customer and its descendants (one query): a bound credential's scope, resolved once per request. */
  organisation: (ctx: Ctx, customerId: string) => Promise<Set<string>>;
}

export function registerAuth(app: FastifyInstance, deps: AuthDeps): void {
  app.decorateRequest('ctx', null as never);
  app.addHook('onRequest', async (req) => {
    const config = req.routeOptions.config;
    const mode = config.auth ?? 'tenant';
    if (mode === 'none' || !req.routeOptions.url) return; // public routes, and the 404 handler
    if (mode === 'admin') {
      if (!deps.adminToken) throw forbidden('ADMIN_API_DISABLED', 'Set KEEL_ADMIN_TOKEN to enable the admin API');
      const token = bearer(req);
      if (!token || !sameSecret(token, deps.adminToken)) throw unauthorized('INVALID_ADMIN_TOKEN', 'The admin token is missing or wrong');
      return;
    }
    const auth = await authenticate(req, deps.tenancy);
    if (config.permission && !auth.permissions.has(config.permission)) {
      throw forbidden('PERMISSION_DENIED', `This credential lacks the permission ${config.permission}`);
    }
    const role = roleOf(auth.principal);
    const bound = boundCustomer(auth.principal);
    // customer-facing roles act for customers, never for the tenant (DESIGN §3 Tenant-wide routes)
    if (config.scope === 'tenant' && (bound || customerFacingRole(auth))) {
      throw forbidden('TENANT_WIDE_ROUTE', `${req.routeOptions.url} is tenant-wide: a credential bound to a customer, or with the ${role} role, may not use it`);
    }
    const given = header(req, 'idempotency-key');
    const ctx: Ctx = deps.tenancy.contextFor(auth, req.id);
    // kept per tenant, credential and key (DESIGN §3): two credentials' same key are two requests
    if (given !== undefined) ctx.idempotencyKey = `${principalId(ctx)}:${given}`;
    if (bound) ctx.scope = { rootCustomerId: bound, customerIds: await deps.organisation(ctx, bound) } satisfies OrgScope;
    // a customer-facing credential bound to no customer reaches only the customers it makes (DESIGN §3)
    else if (customerFacingRole(auth)) ctx.scope = { rootCustomerId: null, customerIds: new Set() };
    req.ctx = ctx;
  });
}
