import { createHash } from 'node:crypto';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { invalid } from '../core/errors.js';
import type { Ctx } from '../context.js';
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

/** A secret an answer shows once (a new API key, a client secret) is never kept for replay: the replay says it was shown. */
function withoutSecrets(body: string, fields: readonly string[] | undefined): string {
  if (!fields || fields.length === 0) return body;
  try {
    const parsed = JSON.parse(body) as Record<string, unknown>;
    if (typeof parsed !== 'object' || parsed === null) return body;
    for (const f of fields) if (f in parsed) parsed[f] = null;
    return JSON.stringify({ ...parsed, secretShownOnce: true });
  } catch {
    return '';
  }
}

export interface IdempotencyOptions {
  staleMs?: number | undefined;
  /** Completes the charges a committed first attempt planned and left Pending (DESIGN §4 Payments): the retry finishes them. */
  completeCharges: (ctx: Ctx) => Promise<unknown>;
}

export function registerIdempotency(app: FastifyInstance, db: Db, opts: IdempotencyOptions): void {
  const { staleMs } = opts;
  app.decorateRequest('idempotency', null);

  // After validation: a request rejected by its schema never claims the key.
  // a request without the header goes past at once (a callback, not a promise: the lightest write's path)
  app.addHook('preHandler', (req, reply, done) => {
    if (!WRITES.has(req.method) || req.routeOptions.config.idempotent === false || header(req, 'idempotency-key') === undefined) return done();
    // a replayed (or recovered) answer is sent here, and the request goes no further
    claim(req, reply).then((answered) => { if (!answered) done(); }, done);
  });
  async function claim(req: FastifyRequest, reply: FastifyReply): Promise<boolean> {
    const given = header(req, 'idempotency-key')!;
    if (given.length === 0 || given.length > 255) throw invalid('INVALID_IDEMPOTENCY_KEY', 'header/Idempotency-Key must be 1 to 255 characters');
    // per tenant and credential (auth.ts qualifies the key); the operator API's per installation
    const scope = req.ctx?.tenantId ?? INSTALLATION_SCOPE;
    const key = req.ctx?.idempotencyKey ?? given;
    const begin = await beginRequest(db, scope, key, fingerprint(req), staleMs);
    if (begin.kind === 'recover') {
      // the first attempt committed and died before answering: its planned charges are made now, then
      // the answer is what it committed (the charge included)
      if (req.ctx) await opts.completeCharges(req.ctx);
      const auth = Object.fromEntries(['authorization', 'apiaccesskey', 'nue-api-key'].filter((h) => req.headers[h]).map((h) => [h, String(req.headers[h])]));
      const res = await app.inject({ method: 'GET', url: begin.ref, headers: auth });
      await finishRequest(db, scope, key, { status: res.statusCode, body: res.body, type: String(res.headers['content-type'] ?? 'application/json') });
      void reply.header('idempotent-replayed', 'true').status(res.statusCode).type(String(res.headers['content-type'] ?? 'application/json')).send(res.body);
      return true;
    }
    if (begin.kind === 'replay') {
      reply.header('idempotent-replayed', 'true').status(begin.status);
      if (begin.type) reply.type(begin.type);
      void reply.send(begin.body);
      return true;
    }
    req.idempotency = { scope, key, stop: keepAlive(db, scope, key, staleMs) };
    return false;
  }
  // a request that ends without a response (the client went away) stops its heartbeat too
  app.addHook('onResponse', (req, _reply, done) => { req.idempotency?.stop(); done(); });

  app.addHook('onSend', (req, reply, payload, done) => {
    if (!req.idempotency) return done(null, payload);
    record(req, reply, payload).then((p) => done(null, p), done);
  });
  async function record(req: FastifyRequest, reply: FastifyReply, payload: unknown): Promise<unknown> {
    const claim = req.idempotency!;
    claim.stop();
    req.idempotency = null;
    // an attempt that found its request committed by another attempt leaves the key to that one
    if (reply.statusCode === 409 && typeof payload === 'string' && payload.includes(`"${IN_PROGRESS}"`)) return payload;
    const type = reply.getHeader('content-type');
    const body = typeof payload === 'string' ? payload : Buffer.isBuffer(payload) ? payload.toString('utf8') : '';
    await finishRequest(db, claim.scope, claim.key, {
      status: reply.statusCode, body: withoutSecrets(body, req.routeOptions.config.secretFields), type: typeof type === 'string' ? type : null,
    });
    return payload;
  }
}
