import type { FastifyInstance } from 'fastify';
import { forbidden, notFound } from '../core/errors.js';
import { toErrorReply } from './errors.js';
import type { CustomersService } from '../customers/service.js';

// A credential scoped to an organisation (an API client with `customerId`, seed 003) sees that
// customer and its descendants only (DESIGN "Tenancy"). GraphQL enforces it in its SQL; for the
// REST API it is enforced here, once for every route: a write naming another customer is a 403,
// and an answer that carries another customer's data (any `customerId` or `accountId` in it) is
// replaced by a 404 — no handler can forget the check. A customer record counts by its own id.

/** Every customer id an answer or a body names. */
function customerIds(v: unknown, out: Set<string>, depth = 0): Set<string> {
  if (depth > 12 || v === null || typeof v !== 'object') return out;
  if (Array.isArray(v)) { for (const x of v) customerIds(x, out, depth + 1); return out; }
  // a customer record is one of them by its own id (it carries parentCustomerId)
  const record = v as Record<string, unknown>;
  if ('parentCustomerId' in record && typeof record.id === 'string') out.add(record.id.toLowerCase());
  for (const [k, x] of Object.entries(v)) {
    if ((k === 'customerId' || k === 'accountId' || k === 'billingAccountId') && typeof x === 'string') out.add(x.toLowerCase());
    else if (typeof x === 'object') customerIds(x, out, depth + 1);
  }
  return out;
}

export function registerOrgScope(app: FastifyInstance, customers: Pick<CustomersService, 'organisation'>): void {
  app.decorateRequest('orgScope', null);
  app.addHook('preHandler', async (req) => {
    const p = req.ctx?.principal;
    if (!p || p.kind !== 'client' || !p.customerId) return;
    const scope = await customers.organisation(req.ctx, p.customerId);
    (req as unknown as { orgScope: Set<string> }).orgScope = scope;
    if (req.method !== 'GET' && !req.url.includes('graphql')) {
      for (const id of customerIds(req.body, new Set())) {
        if (!scope.has(id)) throw forbidden('OUTSIDE_ORGANISATION', `This credential acts for customer ${p.customerId} and its descendants; ${id} is not one of them`);
      }
    }
  });
  app.addHook('onSend', async (req, reply, payload) => {
    const scope = (req as unknown as { orgScope: Set<string> | null }).orgScope;
    if (!scope || reply.statusCode >= 300 || typeof payload !== 'string' || req.url.includes('graphql')) return payload;
    let body: unknown;
    try { body = JSON.parse(payload); } catch { return payload; }
    for (const id of customerIds(body, new Set())) {
      if (!scope.has(id)) {
        const e = toErrorReply(notFound('NOT_FOUND', 'There is nothing here this credential may see'));
        reply.status(e.status);
        return JSON.stringify(e.body);
      }
    }
    return payload;
  });
}
