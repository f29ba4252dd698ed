import { invalid } from '../core/errors.js';

// The `where` dialect (Hasura style) that GraphQL queries and every filter string use
// (`graphqlFilter`, `graphqlQuery`, `customerFilter`, ...): one parser for all of them. A filter
// comes as an object, as JSON, or as a GraphQL input literal — `{customerId: {_eq: "c1"}, _or: [...]}`
// with bare keys. Pure: it returns a tree the SQL compiler (where-sql.ts) turns into a predicate.

export const COMPARISONS = ['_eq', '_neq', '_gt', '_gte', '_lt', '_lte', '_in', '_nin', '_like', '_ilike', '_is_null'] as const;
export type Comparison = (typeof COMPARISONS)[number];
export type Scalar = string | number | boolean | null;

export type Where =
  | { and: Where[] }
  | { or: Where[] }
  | { not: Where }
  | { field: string; op: Comparison; value: Scalar | Scalar[] }
  | { relation: string; where: Where };

const MAX_DEPTH = 12;

/** Reads a GraphQL input literal (or JSON) into a plain value. */
export function parseLiteral(text: string, at: string): unknown {
  let i = 0;
  const fail = (what: string): never => { throw invalid('INVALID_FILTER', `${at}: ${what} at character ${i + 1}`); };
  const ws = () => { while (i < text.length && /[\s,]/.test(text[i]!)) i++; };
  const value = (depth: number): unknown => {
    if (depth > MAX_DEPTH) fail('the filter nests too deeply');
    ws();
    const ch = text[i];
    if (ch === '{') {
      i++;
      const out: Record<string, unknown> = {};
      for (;;) {
        ws();
        if (text[i] === '}') { i++; return out; }
        const key = text[i] === '"' ? str() : name();
        ws();
        if (text[i] !== ':') fail(`":" expected after ${key}`);
        i++;
        if (Object.hasOwn(out, key)) fail(`${key} appears twice`);
        out[key] = value(depth + 1);
      }
    }
    if (ch === '[') {
      i++;
      const out: unknown[] = [];
      for (;;) {
        ws();
        if (text[i] === ']') { i++; return out; }
        if (i >= text.length) fail('"]" expected');
        out.push(value(depth + 1));
      }
    }
    if (ch === '"') return str();
    if (ch !== undefined && /[-0-9]/.test(ch)) {
      const m = /^-?(0|[1-9]\d*)(\.\d+)?([eE][-+]?\d+)?/.exec(text.slice(i));
      if (!m) fail('a number expected');
      i += m![0].length;
      return Number(m![0]);
    }
    const word = name();
    if (word === 'true') return true;
    if (word === 'false') return false;
    if (word === 'null') return null;
    return word; // an enum value, such as asc
  };
  const name = (): string => {
    const m = /^[_A-Za-z][_0-9A-Za-z]*/.exec(text.slice(i));
    if (!m) fail(i >= text.length ? 'the filter ends too early' : `unexpected "${text[i]}"`);
    i += m![0].length;
    return m![0];
  };
  const str = (): string => {
    let out = '';
    i++;
    for (;;) {
      if (i >= text.length) fail('an unterminated string');
      const c = text[i++]!;
      if (c === '"') return out;
      if (c === '\\') {
        const e = text[i++];
        const map: Record<string, string> = { '"': '"', '\\': '\\', '/': '/', b: '\b', f: '\f', n: '\n', r: '\r', t: '\t' };
        if (e === 'u') {
          const hex = text.slice(i, i + 4);
          if (!/^[0-9a-fA-F]{4}$/.test(hex)) fail('a bad \\u escape');
          out += String.fromCharCode(parseInt(hex, 16));
          i += 4;
        } else if (e !== undefined && map[e] !== undefined) out += map[e];
        else fail('a bad escape');
      } else out += c;
    }
  };
  const v = value(0);
  ws();
  if (i < text.length) fail(`unexpected "${text[i]}" after the filter`);
  return v;
}

const isObj = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
const isScalar = (v: unknown): v is Scalar => v === null || ['string', 'number', 'boolean'].includes(typeof v);

/**
 * A where tree from an object or a filter string. `fields` names what may be compared and
 * `relations` what may be filtered through (each with its own fields); anything else is a 400
 * naming it, so an unknown field never reaches SQL.
 */
export function readWhere(input: unknown, at: string, schema: WhereSchema, depth = 0): Where {
  const raw = typeof input === 'string' ? parseLiteral(input, at) : input;
  if (depth > MAX_DEPTH) throw invalid('INVALID_FILTER', `${at}: the filter nests too deeply`);
  if (!isObj(raw)) throw invalid('INVALID_FILTER', `${at} must be an object of conditions`);
  const parts: Where[] = [];
  for (const [k, v] of Object.entries(raw)) {
    const here = `${at}/${k}`;
    if (k === '_and' || k === '_or') {
      const list = Array.isArray(v) ? v : [v];
      const items = list.map((x, n) => readWhere(x, `${here}/${n}`, schema, depth + 1));
      parts.push(k === '_and' ? { and: items } : { or: items });
    } else if (k === '_not') {
      parts.push({ not: readWhere(v, here, schema, depth + 1) });
    } else if (schema.relation?.(k)) {
      parts.push({ relation: k, where: readWhere(v, here, schema.relation(k)!, depth + 1) });
    } else if (schema.fields.includes(k)) {
      if (!isObj(v)) throw invalid('INVALID_FILTER', `${here} must be an object of comparisons such as {_eq: ...}`);
      for (const [op, value] of Object.entries(v)) {
        if (!(COMPARISONS as readonly string[]).includes(op)) throw invalid('INVALID_FILTER', `${here}/${op} is not a comparison (${COMPARISONS.join(', ')})`);
        if (op === '_in' || op === '_nin') {
          if (!Array.isArray(value) || !value.every(isScalar)) throw invalid('INVALID_FILTER', `${here}/${op} must be a list of values`);
        } else if (op === '_is_null') {
          if (typeof value !== 'boolean') throw invalid('INVALID_FILTER', `${here}/_is_null must be true or false`);
        } else if (!isScalar(value) || value === null) {
          throw invalid('INVALID_FILTER', `${here}/${op} must be a value`);
        }
        parts.push({ field: k, op: op as Comparison, value: value as Scalar | Scalar[] });
      }
    } else {
      throw invalid('INVALID_FILTER', `${here}: there is no field ${k} to filter on`);
    }
  }
  return parts.length === 1 ? parts[0]! : { and: parts };
}

/** What a filter may name: fields, and relations to filter through (looked up lazily: relations nest without end). */
export interface WhereSchema { fields: readonly string[]; relation?: (name: string) => WhereSchema | undefined }
