import type { FastifyInstance, FastifyRequest } from 'fastify';
import rateLimit from '@fastify/rate-limit';
import type { Config } from '../config.js';
import { principalId } from '../context.js';
import { tooManyRequests } from '../core/errors.js';
import './route-config.js';

// Requests per credential (issue 15 part 7): at most `rateLimitPerCredential` within a fixed window
// of `rateLimitWindowMs` (KEEL_RATE_LIMIT_PER_CREDENTIAL, KEEL_RATE_LIMIT_WINDOW_MS; either 0: no
// limit). Past it a 429 TOO_MANY_REQUESTS with Retry-After until the window ends. The credential is
// known only after authentication (auth.ts, onRequest), so the count is taken in preParsing: after
// it, before the body is parsed and before idempotency claims a key. Keyed by tenant and principal
// (the API key's id, the user, the API client); the operator token is one credential; the public
// routes (health, metrics, OpenAPI, docs, sign-in, preflights) are not counted — sign-in has its own
// throttle (src/tenancy/sign-in-throttle.ts).
// The counts live in this process's memory (@fastify/rate-limit's LocalStore, an LRU of 5,000 keys):
// N workers allow up to N times the limit.
export function requestKey(req: FastifyRequest): string | undefined {
  if (req.ctx) return `${req.ctx.tenantId}:${principalId(req.ctx)}`;
  return req.routeOptions.config.auth === 'admin' ? 'admin' : undefined;
}

export async function registerRequestLimit(app: FastifyInstance, serving: Config['serving'] | undefined): Promise<void> {
  if (!serving || serving.rateLimitPerCredential === 0 || serving.rateLimitWindowMs === 0) return;
  const { rateLimitPerCredential: max, rateLimitWindowMs: timeWindow } = serving;
  await app.register(rateLimit, {
    global: true,
    hook: 'preParsing',
    max,
    timeWindow,
    keyGenerator: (req) => requestKey(req) ?? '',
    allowList: (req) => requestKey(req) === undefined,
    // the answer's Retry-After comes from the error (src/http/errors.ts), as for every 429
    addHeaders: { 'retry-after': false },
    errorResponseBuilder: (_req, c) => {
      const retry = Math.max(1, Math.ceil(c.ttl / 1000));
      return tooManyRequests('TOO_MANY_REQUESTS', `More than ${c.max} requests within ${timeWindow / 1000} s from this credential; try again in ${retry} s`, retry);
    },
  });
}
