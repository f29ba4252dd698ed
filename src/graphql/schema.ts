import {
  GraphQLBoolean, GraphQLEnumType, GraphQLFloat, GraphQLID, GraphQLInputObjectType, GraphQLInt, GraphQLList, GraphQLNonNull, GraphQLObjectType,
  GraphQLScalarType, GraphQLSchema, GraphQLString, Kind as AstKind, type GraphQLFieldConfigMap, type GraphQLInputFieldConfigMap,
  type GraphQLInputType, type GraphQLOutputType, type ValueNode,
} from 'graphql';
import { ENTITY_LIST, type Entity, type Kind } from './entities.js';

// The GraphQL schema generated from the entity registry (Hasura style): per entity an object type,
// a `<Entity>_bool_exp` filter, a `<Entity>_order_by`, and root fields `Entity`, `entity` and
// `Entity_aggregate`. Nothing here resolves: compile.ts turns a validated query into one SQL statement.

function literal(node: ValueNode): unknown {
  switch (node.kind) {
    case AstKind.OBJECT: return Object.fromEntries(node.fields.map((f) => [f.name.value, literal(f.value)]));
    case AstKind.LIST: return node.values.map(literal);
    case AstKind.INT: case AstKind.FLOAT: return Number(node.value);
    case AstKind.STRING: case AstKind.ENUM: return node.value;
    case AstKind.BOOLEAN: return node.value;
    default: return null;
  }
}
export const JSONScalar = new GraphQLScalarType({ name: 'JSON', description: 'Any JSON value', serialize: (v) => v, parseValue: (v) => v, parseLiteral: literal });

export const ORDER_BY = new GraphQLEnumType({
  name: 'order_by',
  values: { asc: {}, desc: {}, asc_nulls_first: {}, asc_nulls_last: {}, desc_nulls_first: {}, desc_nulls_last: {} },
});

const SCALARS: Record<Kind, GraphQLScalarType> = { String: GraphQLString, Int: GraphQLInt, Float: GraphQLFloat, Boolean: GraphQLBoolean, JSON: JSONScalar, ID: GraphQLID };

const comparisons = new Map<Kind, GraphQLInputObjectType>();
function comparisonOf(kind: Kind): GraphQLInputObjectType {
  const existing = comparisons.get(kind);
  if (existing) return existing;
  const t = SCALARS[kind];
  const ordered = kind !== 'Boolean';
  const fields: GraphQLInputFieldConfigMap = {
    _eq: { type: t }, _neq: { type: t }, _in: { type: new GraphQLList(new GraphQLNonNull(t)) }, _nin: { type: new GraphQLList(new GraphQLNonNull(t)) },
    _is_null: { type: GraphQLBoolean },
    ...(ordered && { _gt: { type: t }, _gte: { type: t }, _lt: { type: t }, _lte: { type: t } }),
    ...(kind === 'String' && { _like: { type: GraphQLString }, _ilike: { type: GraphQLString } }),
  };
  const c = new GraphQLInputObjectType({ name: `${kind}_comparison_exp`, fields });
  comparisons.set(kind, c);
  return c;
}

export interface EntityTypes { object: GraphQLObjectType; where: GraphQLInputObjectType; orderBy: GraphQLInputObjectType; aggregate: GraphQLObjectType }

export function rootNames(e: Entity): string[] {
  const lower = e.name[0]!.toLowerCase() + e.name.slice(1);
  return lower === e.name ? [e.name] : [e.name, lower];
}

function buildSchema(): { schema: GraphQLSchema; types: Map<string, EntityTypes> } {
  const types = new Map<string, EntityTypes>();
  const get = (name: string) => types.get(name)!;
  const listArgs = (target: string) => ({
    where: { type: get(target).where as GraphQLInputType },
    orderBy: { type: new GraphQLList(new GraphQLNonNull(get(target).orderBy)) as GraphQLInputType },
    limit: { type: GraphQLInt }, offset: { type: GraphQLInt },
  });
  for (const e of ENTITY_LIST) {
    const where: GraphQLInputObjectType = new GraphQLInputObjectType({
      name: `${e.name}_bool_exp`,
      fields: () => ({
        _and: { type: new GraphQLList(new GraphQLNonNull(where)) }, _or: { type: new GraphQLList(new GraphQLNonNull(where)) }, _not: { type: where },
        ...Object.fromEntries(e.fields.filter((f) => f.filter !== null).map((f) => [f.name, { type: comparisonOf(f.kind) }])),
        ...Object.fromEntries(e.relations.map((r) => [r.name, { type: get(r.target).where }])),
      }),
    });
    const orderBy = new GraphQLInputObjectType({
      name: `${e.name}_order_by`,
      fields: Object.fromEntries(e.fields.filter((f) => f.kind !== 'JSON').map((f) => [f.name, { type: ORDER_BY }])),
    });
    const object: GraphQLObjectType = new GraphQLObjectType({
      name: e.name,
      fields: () => {
        const out: GraphQLFieldConfigMap<unknown, unknown> = {};
        for (const f of e.fields) out[f.name] = { type: SCALARS[f.kind] };
        for (const r of e.relations) {
          out[r.name] = r.many
            ? { type: new GraphQLNonNull(new GraphQLList(new GraphQLNonNull(get(r.target).object))) as GraphQLOutputType, args: listArgs(r.target) }
            : { type: get(r.target).object };
        }
        return out;
      },
    });
    const aggregate = new GraphQLObjectType({
      name: `${e.name}_aggregate`,
      fields: { aggregate: { type: new GraphQLObjectType({ name: `${e.name}_aggregate_fields`, fields: { count: { type: new GraphQLNonNull(GraphQLInt) } } }) } },
    });
    types.set(e.name, { object, where, orderBy, aggregate });
  }
  const query = new GraphQLObjectType({
    name: 'Query',
    fields: () => {
      const out: GraphQLFieldConfigMap<unknown, unknown> = {};
      for (const e of ENTITY_LIST) {
        for (const n of rootNames(e)) {
          out[n] = { type: new GraphQLNonNull(new GraphQLList(new GraphQLNonNull(get(e.name).object))), args: listArgs(e.name) };
          out[`${n}_aggregate`] = { type: new GraphQLNonNull(get(e.name).aggregate), args: { where: { type: get(e.name).where } } };
        }
      }
      return out;
    },
  });
  return { schema: new GraphQLSchema({ query }), types };
}

const built = buildSchema();
export const SCHEMA = built.schema;
export const TYPES = built.types;
