import { sql, type RawBuilder } from 'kysely';
import {
  GraphQLError, Kind as AstKind, coerceInputValue, typeFromAST, valueFromAST,
  type DocumentNode, type FieldNode, type FragmentDefinitionNode, type GraphQLInputType, type OperationDefinitionNode, type SelectionSetNode, type ValueNode,
} from 'graphql';
import { DomainError } from '../core/errors.js';
import type { Permission } from '../tenancy/roles.js';
import { ENTITY_BY_NAME, ENTITY_LIST, type Entity, type QueryParams } from './entities.js';
import { SCHEMA, TYPES, rootNames } from './schema.js';
import { readWhere, type Where, type WhereSchema } from '../filters/where-filter.js';
import { whereSql, type ColumnMap } from '../filters/where-sql.js';

// Compiles a validated GraphQL query into ONE SQL statement (DESIGN "GraphQL"): every list is a
// json_agg over a subquery, every relation a correlated subquery, so no row costs a query of its
// own. The tenant, the organisation scope of the credential and the latest-version rule are part
// of every table access in the SQL itself, not left to a resolver.

/** Depth and cost limits. Cost counts the rows a query may read: a list without a limit counts 100 rows at the root and 10 per parent row below. */
export const LIMITS = { maxDepth: 6, maxRows: 10_000, maxCost: 2_000_000, assumedRootRows: 100, assumedChildRows: 10 };

/** `scopeCustomerIds`: the customers an organisation's credential reaches (resolved once per request, Ctx.scope); null: the whole tenant. */
export interface Caller { tenantId: string; scopeCustomerIds: readonly string[] | null; permissions: ReadonlySet<Permission>; today: string }

const ROOTS = new Map<string, { entity: Entity; aggregate: boolean }>();
for (const e of ENTITY_LIST) {
  for (const n of rootNames(e)) {
    ROOTS.set(n, { entity: e, aggregate: false });
    ROOTS.set(`${n}_aggregate`, { entity: e, aggregate: true });
  }
}

const err = (message: string, node?: { loc?: unknown } & object, code = 'BAD_QUERY') =>
  new GraphQLError(message, { ...(node && { nodes: [node as FieldNode] }), extensions: { code } });

/** The filter schema the where dialect checks an entity's `where` against (relations resolve lazily). */
const whereSchemas = new Map<string, WhereSchema>();
function whereSchemaOf(e: Entity): WhereSchema {
  const cached = whereSchemas.get(e.name);
  if (cached) return cached;
  const s: WhereSchema = {
    fields: e.fields.filter((f) => f.filter !== null).map((f) => f.name),
    relation: (name) => {
      const r = e.relations.find((x) => x.name === name);
      return r ? whereSchemaOf(ENTITY_BY_NAME.get(r.target)!) : undefined;
    },
  };
  whereSchemas.set(e.name, s);
  return s;
}

export function compileQuery(doc: DocumentNode, operationName: string | undefined, rawVariables: Record<string, unknown>, caller: Caller): RawBuilder<unknown> {
  const ops = doc.definitions.filter((d): d is OperationDefinitionNode => d.kind === AstKind.OPERATION_DEFINITION);
  const op = operationName ? ops.find((o) => o.name?.value === operationName) : ops.length === 1 ? ops[0] : undefined;
  if (!op) throw err(operationName ? `There is no operation named ${operationName}` : 'Name the operation to run (operationName): the document has several');
  if (op.operation !== 'query') throw err(`Only queries are served here; ${op.operation}s are not`, op);
  const fragments = new Map(doc.definitions.filter((d): d is FragmentDefinitionNode => d.kind === AstKind.FRAGMENT_DEFINITION).map((f) => [f.name.value, f]));
  const variables = coerceVariables(op, rawVariables);
  const params: QueryParams = { today: caller.today };
  let alias = 0;
  let cost = 0;
  const next = () => `t${alias++}`;

  /** The fields a selection set selects, fragments flattened, @skip/@include applied. */
  function fieldsOf(set: SelectionSetNode, seen = new Set<string>()): FieldNode[] {
    const out: FieldNode[] = [];
    for (const s of set.selections) {
      if (!included(s.directives ?? [])) continue;
      if (s.kind === AstKind.FIELD) out.push(s);
      else if (s.kind === AstKind.INLINE_FRAGMENT) out.push(...fieldsOf(s.selectionSet, seen));
      else {
        const frag = fragments.get(s.name.value);
        if (frag && !seen.has(frag.name.value)) out.push(...fieldsOf(frag.selectionSet, new Set([...seen, frag.name.value])));
      }
    }
    return out;
  }
  function included(directives: readonly { name: { value: string }; arguments?: readonly { name: { value: string }; value: ValueNode }[] }[]): boolean {
    for (const d of directives) {
      const arg = d.arguments?.find((a) => a.name.value === 'if');
      const value = arg ? valueFromAST(arg.value, SCHEMA.getType('Boolean') as GraphQLInputType, variables) : undefined;
      if (d.name.value === 'skip' && value === true) return false;
      if (d.name.value === 'include' && value === false) return false;
    }
    return true;
  }
  const argNode = (f: FieldNode, name: string) => f.arguments?.find((a) => a.name.value === name)?.value;

  function allowed(e: Entity, node: FieldNode) {
    if (!caller.permissions.has(e.permission)) throw err(`${node.name.value}: reading ${e.name} needs the ${e.permission} permission`, node, 'FORBIDDEN');
  }

  /** Tenant, organisation scope and the entity's own rows (a kind of asset, invoice items but not memo items). */
  function access(e: Entity, a: string): RawBuilder<unknown> {
    const parts = [sql`${sql.ref(`${a}.tenant_id`)} = ${caller.tenantId}`];
    if (e.base) parts.push(e.base(a));
    if (caller.scopeCustomerIds) {
      if (e.owner === 'none') parts.push(sql`false`);
      else if (e.owner !== 'public') parts.push(sql`${e.owner(a)} in (select id from keel_scope)`);
    }
    return sql.join(parts, sql` and `);
  }

  function columnMap(e: Entity, a: string, depth: number): ColumnMap {
    return {
      column: (name) => {
        const f = e.fields.find((x) => x.name === name && x.filter !== null);
        return f ? { sql: f.sql(a, params), type: f.filter! } : undefined;
      },
      relation: (name) => {
        const r = e.relations.find((x) => x.name === name);
        if (!r) return undefined;
        if (depth > LIMITS.maxDepth) throw new DomainError('validation', 'QUERY_TOO_DEEP', `The filter nests deeper than ${LIMITS.maxDepth} levels`);
        const target = ENTITY_BY_NAME.get(r.target)!;
        if (!caller.permissions.has(target.permission)) throw new DomainError('forbidden', 'FORBIDDEN', `Filtering through ${name} reads ${target.name}, which needs the ${target.permission} permission`);
        const c = next();
        return {
          exists: (inner: RawBuilder<unknown>) => sql`exists (select 1 from ${sql.table(target.table)} as ${sql.id(c)} where ${access(target, c)} and ${r.join(a, c)} and ${inner})`,
          map: columnMap(target, c, depth + 1),
        };
      },
    };
  }

  function whereOf(e: Entity, a: string, f: FieldNode, depth: number): { sql: RawBuilder<unknown>; versions: boolean; none: boolean } {
    const node = argNode(f, 'where');
    if (!node) return { sql: sql`true`, versions: false, none: true };
    const value = valueFromAST(node, TYPES.get(e.name)!.where, variables);
    if (value === undefined || value === null) return { sql: sql`true`, versions: false, none: true };
    try {
      const tree = readWhere(value, `${f.name.value}/where`, whereSchemaOf(e));
      return { sql: whereSql(tree, columnMap(e, a, depth), `${f.name.value}/where`), versions: namesVersion(tree, e.versionFields ?? []), none: false };
    } catch (e2) {
      if (e2 instanceof DomainError) throw err(e2.message, node, e2.code);
      throw e2;
    }
  }

  /** orderBy in the order written: the AST for literals, the raw JSON for variables (graphql-js reorders coerced objects). */
  function orderOf(e: Entity, a: string, f: FieldNode): RawBuilder<unknown> {
    const node = argNode(f, 'orderBy');
    const specs: [string, string][] = [];
    const add = (v: unknown, at: ValueNode) => {
      if (Array.isArray(v)) { v.forEach((x) => add(x, at)); return; }
      if (typeof v !== 'object' || v === null) throw err('orderBy takes {field: asc|desc} objects', at);
      for (const [k, d] of Object.entries(v)) specs.push([k, String(d)]);
    };
    const walk = (n: ValueNode) => {
      if (n.kind === AstKind.LIST) n.values.forEach(walk);
      else if (n.kind === AstKind.OBJECT) for (const x of n.fields) specs.push([x.name.value, x.value.kind === AstKind.ENUM ? x.value.value : x.value.kind === AstKind.VARIABLE ? String(rawVariables[x.value.name.value]) : '']);
      else if (n.kind === AstKind.VARIABLE) add(rawVariables[n.name.value], n);
    };
    if (node) walk(node);
    const terms = specs.map(([k, d]) => {
      const field = e.fields.find((x) => x.name === k && x.kind !== 'JSON');
      const dir = DIRECTIONS[d];
      if (!field || !dir) throw err(`orderBy: ${k}: ${d} is not a field of ${e.name} with asc or desc`, node);
      return sql`${field.sql(a, params)} ${sql.raw(dir)}`;
    });
    return sql.join([...terms, e.defaultOrder(a)]);
  }

  function intArg(f: FieldNode, name: 'limit' | 'offset'): number | null {
    const node = argNode(f, name);
    if (!node) return null;
    const v = valueFromAST(node, SCHEMA.getType('Int') as GraphQLInputType, variables);
    if (typeof v !== 'number' || v < 0) throw err(`${name} must be a whole number of at least 0`, node);
    if (name === 'limit' && v > LIMITS.maxRows) throw err(`limit is at most ${LIMITS.maxRows}`, node, 'QUERY_TOO_COSTLY');
    return v;
  }

  function rowJson(e: Entity, a: string, f: FieldNode, depth: number, rows: number): RawBuilder<unknown> {
    const selected = fieldsOf(f.selectionSet!);
    if (selected.length === 0) throw err(`${f.name.value} selects no fields`, f);
    const cols = selected.map((s) => {
      const key = s.alias?.value ?? s.name.value;
      if (s.name.value === '__typename') return sql`${e.name} as ${sql.id(key)}`;
      const scalar = e.fields.find((x) => x.name === s.name.value);
      if (scalar) return sql`${scalar.sql(a, params)} as ${sql.id(key)}`;
      const rel = e.relations.find((r) => r.name === s.name.value)!;
      return sql`${relationJson(rel.target, rel.many, (c) => rel.join(a, c), s, depth + 1, rows)} as ${sql.id(key)}`;
    });
    return sql`(select row_to_json(r) from (select ${sql.join(cols)}) r)`;
  }

  function relationJson(target: string, isMany: boolean, join: (c: string) => RawBuilder<unknown>, f: FieldNode, depth: number, rows: number): RawBuilder<unknown> {
    if (depth > LIMITS.maxDepth) throw err(`The query nests deeper than ${LIMITS.maxDepth} levels`, f, 'QUERY_TOO_DEEP');
    const e = ENTITY_BY_NAME.get(target)!;
    allowed(e, f);
    const c = next();
    if (!isMany) {
      return sql`(select ${rowJson(e, c, f, depth, rows)} from ${sql.table(e.table)} as ${sql.id(c)} where ${access(e, c)} and ${join(c)} limit 1)`;
    }
    return listJson(e, c, f, depth, rows, join(c));
  }

  function listJson(e: Entity, a: string, f: FieldNode, depth: number, parentRows: number, join: RawBuilder<unknown>, root = false): RawBuilder<unknown> {
    const limit = intArg(f, 'limit');
    const offset = intArg(f, 'offset');
    const rows = parentRows * (limit ?? (depth <= 1 ? LIMITS.assumedRootRows : LIMITS.assumedChildRows));
    cost += rows;
    if (cost > LIMITS.maxCost) throw err(`The query could read more than ${LIMITS.maxCost} rows; add limits`, f, 'QUERY_TOO_COSTLY');
    const where = whereOf(e, a, f, depth);
    // an unfiltered root page in the default order is chosen on the heads, limit and offset included
    const onHeads = e.heads && root && where.none && !argNode(f, 'orderBy') ? e.heads : null;
    const from = onHeads ? headsPage(e, onHeads, limit, offset) : rowsOf(e, where.versions);
    const ord = orderOf(e, a, f);
    // the page is chosen first (filter, order, limit: the database can use an index and stop early);
    // only its rows are numbered and turned into JSON
    return sql`(select coalesce(json_agg(${rowJson(e, a, f, depth, rows)} order by ${sql.ref(`${a}.keel_n`)}), '[]'::json) from (
      select ${sql.ref(a)}.*, row_number() over () as keel_n from (
        select * from ${from} as ${sql.id(a)}
        where ${access(e, a)} and ${join} and ${where.sql}
        order by ${ord} ${limit !== null ? sql`limit ${limit}` : sql``} ${offset !== null && !onHeads ? sql`offset ${offset}` : sql``}) as ${sql.id(a)}) as ${sql.id(a)})`;
  }

  function headsPage(e: Entity, h: NonNullable<Entity['heads']>, limit: number | null, offset: number | null): RawBuilder<unknown> {
    const scope = caller.scopeCustomerIds ? sql`and ${sql.ref(`h.${h.owner}`)} in (select id from keel_scope)` : sql``;
    return sql`(select v.* from (select ${sql.ref(`h.${h.latestId}`)} as keel_latest from ${sql.table(h.table)} as h
      where h.tenant_id = ${caller.tenantId} and ${h.base('h')} ${scope}
      order by ${sql.ref(`h.${h.order}`)} ${limit !== null ? sql`limit ${limit}` : sql``} ${offset !== null ? sql`offset ${offset}` : sql``}) as p
      join ${sql.table(e.table)} as v on v.tenant_id = ${caller.tenantId} and v.id = p.keel_latest)`;
  }

  const roots = fieldsOf(op.selectionSet).map((f) => {
    const key = f.alias?.value ?? f.name.value;
    if (f.name.value === '__typename') return sql`${'Query'}::text as ${sql.id(key)}`;
    const root = ROOTS.get(f.name.value);
    if (!root) throw err(`There is no root field ${f.name.value}`, f);
    allowed(root.entity, f);
    const a = next();
    if (root.aggregate) {
      const where = whereOf(root.entity, a, f, 1);
      const from = rowsOf(root.entity, where.versions);
      return sql`(select json_build_object('aggregate', json_build_object('count', count(*))) from ${from} as ${sql.id(a)}
        where ${access(root.entity, a)} and ${where.sql}) as ${sql.id(key)}`;
    }
    return sql`${listJson(root.entity, a, f, 1, 1, sql`true`, true)} as ${sql.id(key)}`;
  });
  const scope = caller.scopeCustomerIds ? sql`with keel_scope(id) as (select unnest(${[...caller.scopeCustomerIds]}::uuid[])) ` : sql``;
  return sql`${scope}select row_to_json(q)::text as data from (select ${sql.join(roots)}) q`;
}

/** Where an entity's rows come from: its table, or for versioned ones (unless `where` asks for versions) their latest versions. */
function rowsOf(e: Entity, versions: boolean): RawBuilder<unknown> {
  return e.latest && !versions ? sql`(${e.latest})` : sql.table(e.table);
}

const DIRECTIONS: Record<string, string> = {
  asc: 'asc nulls last', desc: 'desc nulls first', asc_nulls_first: 'asc nulls first', asc_nulls_last: 'asc nulls last',
  desc_nulls_first: 'desc nulls first', desc_nulls_last: 'desc nulls last',
};

function namesVersion(w: Where, fields: readonly string[]): boolean {
  if ('and' in w) return w.and.some((x) => namesVersion(x, fields));
  if ('or' in w) return w.or.some((x) => namesVersion(x, fields));
  if ('not' in w) return namesVersion(w.not, fields);
  if ('relation' in w) return false;
  return fields.includes(w.field);
}

function coerceVariables(op: OperationDefinitionNode, raw: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const def of op.variableDefinitions ?? []) {
    const name = def.variable.name.value;
    const type = typeFromAST(SCHEMA, def.type as never) as GraphQLInputType | undefined;
    if (!type) throw err(`$${name} has an unknown type`, def);
    const given = Object.hasOwn(raw, name) ? raw[name] : def.defaultValue ? valueFromAST(def.defaultValue, type) : undefined;
    if (given === undefined) {
      if (def.type.kind === AstKind.NON_NULL_TYPE) throw err(`$${name} is required`, def);
      continue;
    }
    out[name] = coerceInputValue(given, type, (path, _value, e) => { throw err(`$${name}${path.length ? `.${path.join('.')}` : ''}: ${e.message}`, def); });
  }
  return out;
}
