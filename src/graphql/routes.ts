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
  const query = Type.Object({
    query: Type.Optional(Type.String({ description: 'The query text (GET; a POST may send it in the body instead)' })),
    variables: Type.Optional(Type.String({ description: 'The variables: a JSON object' })),
    operationName: Type.Optional(Type.String({ description: 'Which operation of the query to run' })),
  });
  const example = { query: 'query Q($n: Int) { Order(limit: $n, orderBy: {orderNumber: asc}) { orderNumber totalAmount } }', variables: { n: 2 }, operationName: 'Q' };
  // JSON {query, variables, operationName} (GraphQL over HTTP; other members, such as extensions, are ignored) or a
  // JSON string; the raw text as text/plain or application/graphql. requestOf reads them all.
  const JsonRequest = Type.Union([
    Type.Object({
      query: Type.String({ description: 'The query text' }),
      variables: Type.Optional(Type.Union([Type.Record(Type.String(), Type.Unknown()), Type.String(), Type.Null()], { description: 'The variables: an object, or its JSON text' })),
      operationName: Type.Optional(Type.Union([Type.String(), Type.Null()], { description: 'Which operation of the query to run' })),
    }, { example }),
    Type.String({ description: 'The query text alone' }),
  ]);
  const rawQuery = { schema: Type.String({ description: 'The query text', example: example.query }) };
  const body = { content: { 'application/json': { schema: JsonRequest }, 'text/plain': rawQuery, 'application/graphql': rawQuery } };
  // a query's problems are GraphQL errors in a 200 (graphql/service.ts), so only a request without a query is a 400
  const config = { scope: 'organisation', errorCodes: [] } as const;
  const response = { 200: Type.Ref('GraphQLResponse') };
  for (const path of PATHS) {
    app.get(path, { config, schema: { tags: ['graphql'], summary: 'Run a GraphQL query (in the query string)', querystring: query, response } },
      async (req, reply) => reply.type('application/json; charset=utf-8').send(await graphql.executeBody(req.ctx, requestOf(undefined, req.query))));
    app.post(path, { config, schema: { tags: ['graphql'], summary: 'Run a GraphQL query: JSON {query, variables, operationName} or the raw query', body, querystring: query, response } },
      async (req, reply) => reply.type('application/json; charset=utf-8').send(await graphql.executeBody(req.ctx, requestOf(req.body, req.query))));
  }
  // the explorer is one page with its script inline: its CSP allows that script and nothing from elsewhere
  app.get('/graphql', { config: { auth: 'none', errorCodes: [], contentSecurityPolicy: { 'script-src': ["'self'", "'unsafe-inline'"] } },
    schema: { tags: ['graphql'], summary: 'A query explorer for humans', hide: true, response: { 200: { description: 'The explorer page', content: { 'text/html': { schema: Type.String() } } } } },
  },
    async (_req, reply) => reply.type('text/html; charset=utf-8').send(EXPLORER_HTML));
};
