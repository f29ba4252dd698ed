import type { FastifyInstance, FastifyRequest } from 'fastify';
import cors, { type FastifyCorsOptions } from '@fastify/cors';
import type { TenancyService } from '../tenancy/service.js';
import { header } from './auth.js';
import './route-config.js';

// CORS only for the origins a tenant lists (DESIGN §3 Serving; tenant setting `corsOrigins`, none by
// default: no CORS header at all). The decision is made per request, in two halves:
// - A preflight (OPTIONS with Origin and Access-Control-Request-Method) carries no credential, so it
//   cannot name its tenant: it is answered when *some* tenant lists the origin. The set of listed
//   origins is one query, cached 5 s in the tenancy service and cleared when a tenant's settings
//   change (other processes follow within the 5 s), so a preflight costs no round trip. A preflight
//   grants nothing: it tells the browser which methods and headers it may send.
// - Every other request is answered with Access-Control-Allow-Origin only when the authenticated
//   tenant (req.ctx.tenant.settings.corsOrigins) lists the origin: a page on another tenant's origin
//   may send the request but cannot read the answer. The hook runs in preParsing, after
//   authentication and before the body is parsed, so parse, validation, domain and rate-limit errors
//   are readable by the page; a request refused by authentication itself (401, 403), and the public
//   routes (no tenant), carry no CORS headers.
// No Access-Control-Allow-Credentials: Keel uses no cookies; a page sends its key or token itself.
const ALLOW = {
  methods: ['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE'],
  allowedHeaders: ['apiAccessKey', 'Authorization', 'Content-Type', 'Idempotency-Key', 'X-Request-Id'],
  exposedHeaders: ['x-request-id', 'idempotent-replayed', 'Retry-After', 'x-ratelimit-limit', 'x-ratelimit-remaining', 'x-ratelimit-reset'],
  maxAge: 600,
  credentials: false,
  // a stray OPTIONS without Access-Control-Request-Method is not a preflight: it is refused below (404 in the API's shape)
  strictPreflight: false,
} satisfies FastifyCorsOptions;

const NONE: FastifyCorsOptions = { origin: false };

const isPreflight = (req: FastifyRequest) => req.method === 'OPTIONS' && header(req, 'access-control-request-method') !== undefined;

export async function registerCors(app: FastifyInstance, deps: { tenancy: Pick<TenancyService, 'corsOrigins'> }): Promise<void> {
  // the plugin's `OPTIONS *` route receives the preflights, which carry no credential: a public route
  app.addHook('onRoute', (r) => {
    if (r.method === 'OPTIONS' && (r.url === '*' || r.url === '/*')) r.config = { ...r.config, auth: 'none', idempotent: false };
  });
  await app.register(cors, {
    hook: 'preParsing',
    delegator: (req, done) => {
      const origin = header(req, 'origin');
      if (!origin) return done(null, NONE);
      if (req.method === 'OPTIONS') {
        if (!isPreflight(req)) return done(null, NONE);
        deps.tenancy.corsOrigins().then((listed) => done(null, listed.has(origin) ? { ...ALLOW, origin } : NONE), (err: Error) => done(err));
        return;
      }
      done(null, req.ctx?.tenant.settings.corsOrigins.includes(origin) ? { ...ALLOW, origin } : NONE);
    },
  });
}
