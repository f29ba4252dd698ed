import { Type } from 'typebox';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { invalid } from '../core/errors.js';
import { EXPLORER_HTML } from './explorer.js';
import type { GraphqlRequest, GraphqlService } from './service.js';

// GraphQL over HTTP at the seed's four paths (seed 002 parts A §2.3, B §1.1): GET with `query`,
// `variables` (JSON) and `operationName` in the query string; POST with JSON `{query, variables,
// operationName}`, or the raw query text. An explorer for humans at /graphql.
const PATHS = ['/async/graphql', '/orders/async/graphql', '/usage/async/graphql', '/revenue/async/graphql'];

function variablesOf(v: unknown, at: string): Record<string, unknown> | undefined {
  if (v === undefined || v === null || v === '') return undefined;
  const parsed = typeof v === 'string' ? (() => { try { return JSON.parse(v) as unknown; } catch { throw invalid('INVALID_FIELD', `${at} must be a JSON object`); } })() : v;
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) throw invalid('INVALID_FIELD', `${at} must be a JSON object`);
  return parsed as Record<string, unknown>;
}

function requestOf(body: unknown, query: Record<string, unknown>): GraphqlRequest {
  const fromBody = typeof body === 'object' && body !== null && !Array.isArray(body) && typeof (body as { query?: unknown }).query === 'string' ? body as Record<string, unknown> : null;
  const text = fromBody ? fromBody.query : typeof body === 'string' && body.trim() ? body : query.query;
  if (typeof text !== 'string' || text.trim() === '') throw invalid('INVALID_FIELD', 'Send a GraphQL query: the body (raw, or JSON {query, variables}) or the query parameter `query`');
  const operationName = fromBody?.operationName ?? query.operationName;
  if (operationName !== undefined && operationName !== null && typeof operationName !== 'string') throw invalid('INVALID_FIELD', 'operationName must be a string');
  return {
    query: text, variables: variablesOf(fromBody?.variables ?? query.variables, fromBody ? 'body/variables' : 'querystring/variables'),
    operationName: typeof operationName === 'string' && operationName ? operationName : undefined,
  };
}

export const graphqlRoutes: FastifyPluginAsyncTypebox<{ graphql: GraphqlService }> = async (app, { graphql }) => {
  // the raw query text, as the seed documents it (this plugin's routes only)
  for (const type of ['text/plain', 'application/graphql']) {
    app.addContentTypeParser(type, { parseAs: 'string' }, (_req, body, done) => done(null, body));
  }
  const query = Type.Object({ query: Type.Optional(Type.String()), variables: Type.Optional(Type.String()), operationName: Type.Optional(Type.String()) });
  for (const path of PATHS) {
    app.get(path, { config: { scope: 'organisation' }, schema: { tags: ['graphql'], summary: 'Run a GraphQL query (in the query string)', querystring: query } },
      async (req, reply) => reply.type('application/json; charset=utf-8').send(await graphql.executeBody(req.ctx, requestOf(undefined, req.query))));
    app.post(path, { config: { scope: 'organisation' }, schema: { tags: ['graphql'], summary: 'Run a GraphQL query: JSON {query, variables, operationName} or the raw query', body: Type.Unknown(), querystring: query } },
      async (req, reply) => reply.type('application/json; charset=utf-8').send(await graphql.executeBody(req.ctx, requestOf(req.body, req.query))));
  }
  // the explorer is one page with its script inline: its CSP allows that script and nothing from elsewhere
  app.get('/graphql', { config: { auth: 'none' }, schema: { tags: ['graphql'], summary: 'A query explorer for humans', hide: true },
    helmet: { contentSecurityPolicy: { directives: { 'script-src': ["'self'", "'unsafe-inline'"] } } } },
    async (_req, reply) => reply.type('text/html; charset=utf-8').send(EXPLORER_HTML));
};
