import { timingSafeEqual } from 'node:crypto';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { forbidden, unauthorized } from '../core/errors.js';
import type { Authenticated } from '../tenancy/model.js';
import { isApiKey } from '../tenancy/secrets.js';
import type { TenancyService } from '../tenancy/service.js';
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

function sameSecret(a: string, b: string): boolean {
  const x = Buffer.from(a), y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

export function registerAuth(app: FastifyInstance, deps: { tenancy: TenancyService; adminToken: string | undefined }): void {
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
    req.ctx = { ...deps.tenancy.contextFor(auth, req.id), idempotencyKey: header(req, 'idempotency-key') };
  });
}
