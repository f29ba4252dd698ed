import type { FastifyInstance } from 'fastify';
import { Type } from 'typebox';
import { Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import { ping, type Db } from '../db/connect.js';
import './route-config.js';

// /healthz: the process answers. /readyz: the database answers. /metrics: Prometheus text.
export function registerObservability(app: FastifyInstance, db: Db): void {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry });
  const duration = new Histogram({
    name: 'keel_http_request_duration_seconds',
    help: 'HTTP request duration by route and status',
    labelNames: ['method', 'route', 'status'] as const,
    buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
    registers: [registry],
  });

  // hooks on every request take a callback, not a promise: one microtask less each
  app.addHook('onResponse', (req, reply, done) => {
    duration.observe({ method: req.method, route: req.routeOptions.url ?? 'unmatched', status: String(reply.statusCode) }, reply.elapsedTime / 1000);
    done();
  });

  // hidden from the document (operators' routes); their answers are still checked in the test suite
  const open = { auth: 'none' as const, idempotent: false, errorCodes: [] };
  const status = (value: string, description: string) => ({ 200: Type.Object({ status: Type.Enum([value]) }, { additionalProperties: false, description }) });
  app.get('/healthz', { config: open, schema: { hide: true, response: status('ok', 'The process answers') } }, async () => ({ status: 'ok' }));
  app.get('/readyz', { config: open, schema: { hide: true, response: status('ready', 'The database answers (else a 500)') } }, async (_req, reply) => {
    await ping(db);
    return reply.send({ status: 'ready' });
  });
  app.get('/metrics', { config: open, schema: { hide: true, response: { 200: { description: 'Prometheus text exposition', content: { 'text/plain': { schema: Type.String() } } } } } }, async (_req, reply) =>
    reply.type(registry.contentType).send(await registry.metrics()));
}
