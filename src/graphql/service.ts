import { sql } from 'kysely';
import { GraphQLError, parse, validate, type DocumentNode, type GraphQLFormattedError } from 'graphql';
import type { Ctx } from '../context.js';
import { scopedCustomerIds } from '../core/scope.js';
import { DomainError, invalid } from '../core/errors.js';
import { Lru } from '../core/lru.js';
import { ENTITY_BY_NAME } from './entities.js';
import { parseLiteral } from '../filters/where-filter.js';
import type { IdsMatching } from '../filters/model.js';
import { compileQuery } from './compile.js';
import { SCHEMA } from './schema.js';

// Runs a GraphQL query: parse, validate against the generated schema, compile to one SQL
// statement scoped to the caller, execute. Problems with the query are GraphQL errors (HTTP 200
// with `errors` and locations), never a 500 and never part of an answer.

export interface GraphqlRequest { query: string; variables?: Record<string, unknown> | undefined; operationName?: string | undefined }
export interface GraphqlResponse { data?: unknown; errors?: GraphQLFormattedError[] }

const MAX_QUERY = 100_000;

// Clients send the same query texts again and again (values in variables): a text parsed and
// validated once is kept, most recently used last, so a repeat skips both.
const documents = new Lru<string, DocumentNode>(500);

/** A query's outcome: its data as the database wrote the JSON text, or GraphQL errors. */
type Outcome = { dataText: string } | { errors: GraphQLFormattedError[] };

async function run(ctx: Ctx, req: GraphqlRequest): Promise<Outcome> {
  if (req.query.length > MAX_QUERY) return { errors: [{ message: `The query is longer than ${MAX_QUERY} characters`, extensions: { code: 'QUERY_TOO_LONG' } }] };
  let doc = documents.get(req.query);
  if (!doc) {
    try {
      doc = parse(req.query, { maxTokens: 20_000 });
    } catch (e) {
      if (e instanceof GraphQLError) return { errors: [{ ...e.toJSON(), extensions: { code: 'GRAPHQL_PARSE_FAILED' } }] };
      throw e;
    }
    const problems = validate(SCHEMA, doc, undefined, { maxErrors: 20 });
    if (problems.length > 0) return { errors: problems.map((p) => ({ ...p.toJSON(), extensions: { code: 'GRAPHQL_VALIDATION_FAILED' } })) };
    documents.set(req.query, doc);
  }
  try {
    const statement = compileQuery(doc, req.operationName, req.variables ?? {}, {
      tenantId: ctx.tenantId, permissions: ctx.permissions, today: ctx.clock.today(ctx.timeZone).toString(),
      scopeCustomerIds: scopedCustomerIds(ctx),
    });
    const r = await sql<{ data: string }>`${statement}`.execute(ctx.db);
    return { dataText: r.rows[0]!.data };
  } catch (e) {
    if (e instanceof GraphQLError) return { errors: [e.toJSON()] };
    if (e instanceof DomainError) return { errors: [{ message: e.message, extensions: { code: e.code } }] };
    throw e;
  }
}

/** The read model (wired once in src/runtime.ts): GraphQL queries, and the where dialect's `idsMatching` for writes. */
export function createGraphqlService() {
  async function execute(ctx: Ctx, req: GraphqlRequest): Promise<GraphqlResponse> {
    const out = await run(ctx, req);
    return 'errors' in out ? out : { data: JSON.parse(out.dataText) };
  }

  /**
   * The ids of an entity's rows that a filter in the where dialect matches (a string such as
   * `{id: {_in: [...]}}` or an object): the filter strings of schedules and bulk jobs run through the
   * same parser, type checks and compiler as GraphQL, scoped to the caller. A bad filter is a 400.
   */
  const idsMatching: IdsMatching = async (ctx, entity, filter, at) => {
    if (!ENTITY_BY_NAME.has(entity)) throw new Error(`no entity ${entity}`);
    const where = typeof filter === 'string' ? parseLiteral(filter, at) : filter;
    if (typeof where !== 'object' || where === null || Array.isArray(where)) throw invalid('INVALID_FILTER', `${at} must be a filter object such as {id: {_in: [...]}}`);
    const res = await execute(ctx, { query: `query ($w: ${entity}_bool_exp) { ${entity}(where: $w) { id } }`, variables: { w: where } });
    if (res.errors) throw invalid('INVALID_FILTER', `${at}: ${res.errors[0]!.message.replace(/^Variable "\$w" got invalid value [^;]*; /, '')}`);
    return ((res.data as Record<string, { id: string }[]>)[entity] ?? []).map((r) => r.id);
  };

  return {
    schema: SCHEMA,
    execute,
    idsMatching,

    /** The answer as the HTTP body: the data's JSON text goes out as the database wrote it, never parsed and serialised again. */
    async executeBody(ctx: Ctx, req: GraphqlRequest): Promise<string> {
      const out = await run(ctx, req);
      return 'errors' in out ? JSON.stringify(out) : `{"data":${out.dataText}}`;
    },
  };
}

export type GraphqlService = ReturnType<typeof createGraphqlService>;
