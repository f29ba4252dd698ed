import { createHash } from 'node:crypto';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { invalid } from '../core/errors.js';
import type { Db } from '../db/connect.js';
import { beginRequest, finishRequest, IN_PROGRESS, keepAlive } from '../idempotency/service.js';
import { header } from './auth.js';
import './route-config.js';

const WRITES = new Set(['POST', 'PATCH', 'PUT', 'DELETE']);
const INSTALLATION_SCOPE = '00000000-0000-0000-0000-000000000000';

declare module 'fastify' {
  interface FastifyRequest {
    idempotency: { scope: string; key: string; stop: () => void } | null;
  }
}

function fingerprint(req: FastifyRequest): string {
  const path = req.url.split('?')[0];
  return createHash('sha256').update(`${req.method} ${path}\n${JSON.stringify(req.body ?? null)}`).digest('hex');
}

export function registerIdempotency(app: FastifyInstance, db: Db, staleMs?: number): void {
  app.decorateRequest('idempotency', null);

  // After validation: a request rejected by its schema never claims the key.
  app.addHook('preHandler', async (req, reply) => {
    if (!WRITES.has(req.method) || req.routeOptions.config.idempotent === false) return;
    const key = header(req, 'idempotency-key');
    if (key === undefined) return;
    if (key.length === 0 || key.length > 255) throw invalid('INVALID_IDEMPOTENCY_KEY', 'header/Idempotency-Key must be 1 to 255 characters');
    const scope = req.ctx?.tenantId ?? INSTALLATION_SCOPE;
    const begin = await beginRequest(db, scope, key, fingerprint(req), staleMs);
    if (begin.kind === 'recover') {
      // the first attempt committed and died before answering: answer with what it committed
      const auth = Object.fromEntries(['authorization', 'apiaccesskey', 'nue-api-key'].filter((h) => req.headers[h]).map((h) => [h, String(req.headers[h])]));
      const res = await app.inject({ method: 'GET', url: begin.ref, headers: auth });
      await finishRequest(db, scope, key, { status: res.statusCode, body: res.body, type: String(res.headers['content-type'] ?? 'application/json') });
      return reply.header('idempotent-replayed', 'true').status(res.statusCode).type(String(res.headers['content-type'] ?? 'application/json')).send(res.body);
    }
    if (begin.kind === 'replay') {
      reply.header('idempotent-replayed', 'true').status(begin.status);
      if (begin.type) reply.type(begin.type);
      return reply.send(begin.body);
    }
    req.idempotency = { scope, key, stop: keepAlive(db, scope, key, staleMs) };
  });
  // a request that ends without a response (the client went away) stops its heartbeat too
  app.addHook('onResponse', async (req) => { req.idempotency?.stop(); });

  app.addHook('onSend', async (req, reply, payload) => {
    const claim = req.idempotency;
    if (!claim) return payload;
    claim.stop();
    req.idempotency = null;
    // an attempt that found its request committed by another attempt leaves the key to that one
    if (reply.statusCode === 409 && typeof payload === 'string' && payload.includes(`"${IN_PROGRESS}"`)) return payload;
    const type = reply.getHeader('content-type');
    await finishRequest(db, claim.scope, claim.key, {
      status: reply.statusCode,
      body: typeof payload === 'string' ? payload : Buffer.isBuffer(payload) ? payload.toString('utf8') : '',
      type: typeof type === 'string' ? type : null,
    });
    return payload;
  });
}
