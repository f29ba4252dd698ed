import { sql, type RawBuilder } from 'kysely';
import { invalid } from '../core/errors.js';
import { isDateString } from '../core/dates.js';
import { isUuid } from '../core/ids.js';
import type { Scalar, Where } from './where-filter.js';

// Compiles a where tree to one SQL predicate. Values are always bound parameters, checked against
// the column's type first (a bad value is a 400, never a database error), and columns come only
// from the caller's map, so neither a value nor a field name can inject SQL.

export type ColumnType = 'text' | 'number' | 'date' | 'boolean' | 'uuid';
export interface Column { sql: RawBuilder<unknown>; type: ColumnType }

export interface ColumnMap {
  /** A filterable field's column, built when a filter names it. */
  column: (name: string) => Column | undefined;
  /** A relation: a correlated EXISTS over the related rows given their predicate, and their columns (built on demand). */
  relation?: (name: string) => { exists: (inner: RawBuilder<unknown>) => RawBuilder<unknown>; map: ColumnMap } | undefined;
}

export function whereSql(w: Where, map: ColumnMap, at = 'where'): RawBuilder<unknown> {
  if ('and' in w) return w.and.length === 0 ? sql`true` : sql`(${sql.join(w.and.map((x) => whereSql(x, map, at)), sql` and `)})`;
  if ('or' in w) return w.or.length === 0 ? sql`false` : sql`(${sql.join(w.or.map((x) => whereSql(x, map, at)), sql` or `)})`;
  if ('not' in w) return sql`(not coalesce(${whereSql(w.not, map, at)}, false))`;
  if ('relation' in w) {
    const r = map.relation?.(w.relation);
    if (!r) throw invalid('INVALID_FILTER', `${at}: there is no relation ${w.relation}`);
    return r.exists(whereSql(w.where, r.map, `${at}/${w.relation}`));
  }
  const col = map.column(w.field);
  if (!col) throw invalid('INVALID_FILTER', `${at}: there is no field ${w.field}`);
  const here = `${at}/${w.field}/${w.op}`;
  if (w.op === '_is_null') return w.value ? sql`(${col.sql}) is null` : sql`(${col.sql}) is not null`;
  if (w.op === '_like' || w.op === '_ilike') {
    if (col.type !== 'text') throw invalid('INVALID_FILTER', `${here}: ${w.field} is not text`);
    return w.op === '_like' ? sql`(${col.sql}) like ${String(w.value)}` : sql`(${col.sql}) ilike ${String(w.value)}`;
  }
  if (w.op === '_in' || w.op === '_nin') {
    const values = (w.value as Scalar[]).map((v) => typed(col, v, here));
    const list = sql`any(${values}::${sql.raw(pgType(col.type))}[])`;
    return w.op === '_in' ? sql`(${col.sql}) = ${list}` : sql`not coalesce((${col.sql}) = ${list}, false)`;
  }
  const v = typed(col, w.value as Scalar, here);
  const cast = sql`${v}::${sql.raw(pgType(col.type))}`;
  switch (w.op) {
    case '_eq': return sql`(${col.sql}) = ${cast}`;
    case '_neq': return sql`(${col.sql}) is distinct from ${cast}`;
    case '_gt': return sql`(${col.sql}) > ${cast}`;
    case '_gte': return sql`(${col.sql}) >= ${cast}`;
    case '_lt': return sql`(${col.sql}) < ${cast}`;
    default: return sql`(${col.sql}) <= ${cast}`;
  }
}

const pgType = (t: ColumnType) => ({ text: 'text', number: 'numeric', date: 'date', boolean: 'boolean', uuid: 'uuid' })[t];

/** The value as the column's type wants it, or a 400 naming it. */
function typed(col: Column, v: Scalar, at: string): string | number | boolean | null {
  if (v === null) throw invalid('INVALID_FILTER', `${at}: null compares with _is_null`);
  switch (col.type) {
    case 'number': {
      const n = typeof v === 'number' ? v : typeof v === 'string' && /^-?\d+(\.\d+)?$/.test(v) ? Number(v) : NaN;
      if (!Number.isFinite(n)) throw invalid('INVALID_FILTER', `${at}: ${JSON.stringify(v)} is not a number`);
      return String(v);
    }
    case 'date':
      if (typeof v !== 'string' || !isDateString(v.slice(0, 10))) throw invalid('INVALID_FILTER', `${at}: ${JSON.stringify(v)} is not a date YYYY-MM-DD`);
      return v.slice(0, 10);
    case 'boolean':
      if (typeof v !== 'boolean') throw invalid('INVALID_FILTER', `${at}: ${JSON.stringify(v)} is not true or false`);
      return v;
    case 'uuid':
      if (typeof v !== 'string' || !isUuid(v)) throw invalid('INVALID_FILTER', `${at}: ${JSON.stringify(v)} is not an id`);
      return v.toLowerCase();
    default:
      return String(v);
  }
}
