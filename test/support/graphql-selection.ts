import { getNamedType, isListType, isNonNullType, isObjectType, isScalarType, type GraphQLField, type GraphQLObjectType } from 'graphql';
import { SCHEMA } from '../../src/graphql/schema.js';

// Queries built from the schema, so a field, relation or root added later joins the tests that use them.
export const QUERY_FIELDS = SCHEMA.getQueryType()!.getFields();
export const ROOTS = Object.keys(QUERY_FIELDS).filter((n) => !n.endsWith('_aggregate'));

/** A field's selection: scalars by name, relations with their fields to `depth`. */
export function selection(type: GraphQLObjectType, depth: number): string {
  return Object.values(type.getFields()).flatMap((f: GraphQLField<unknown, unknown>) => {
    const named = getNamedType(f.type);
    if (isScalarType(named) || !isObjectType(named)) return [f.name];
    if (depth === 0) return [];
    // a relation that takes required arguments is asked without them only when it has none required
    if (f.args.some((a) => isNonNullType(a.type) && a.defaultValue === undefined)) return [];
    return [`${f.name} { ${selection(named, depth - 1)} }`];
  }).join(' ');
}

export const entityOf = (root: string) => {
  const t = QUERY_FIELDS[root]!.type;
  return getNamedType(isNonNullType(t) || isListType(t) ? t : t) as GraphQLObjectType;
};
