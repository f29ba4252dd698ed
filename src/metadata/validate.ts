import { fullFormats } from 'ajv-formats/dist/formats.js';
import { Temporal } from 'temporal-polyfill';
import { invalid } from '../core/errors.js';
import { BUSINESS_DATE_TEXT, isBusinessDate } from '../core/dates.js';
import { isUuid } from '../core/ids.js';
import { isCurrency, parseAmount } from '../core/money.js';
import type { FieldDef, ObjectDef, ObjectInput } from './model.js';

// Pure input validation for registry-backed objects: names the offending field in every message
// (`body/0/listPrice must be a decimal number`) and normalizes values to their stored form
// (decimals as exact strings, enums in the schema's spelling, dates as YYYY-MM-DD).

export type { ObjectInput } from './model.js';

const ALWAYS_ALLOWED = new Set(['id', 'customFields', 'referenceId', 'createdDate', 'lastModifiedDate']);
const MAX_STRING = 2000;

function normalizeEnum(fd: FieldDef, v: unknown, at: string): string {
  const values = fd.values ?? [];
  if (typeof v === 'string') {
    if (values.includes(v)) return v;
    const alias = fd.aliases?.[v];
    if (alias) return alias;
    if (fd.caseInsensitive) {
      const lower = v.toLowerCase().replace(/[\s_-]/g, '');
      const hit = [...values, ...Object.keys(fd.aliases ?? {})].find((x) => x.toLowerCase().replace(/[\s_-]/g, '') === lower);
      if (hit) return values.includes(hit) ? hit : fd.aliases![hit]!;
    }
  }
  throw invalid('INVALID_FIELD', `${at} must be one of ${values.join(', ')}`);
}

/** The e-mail format JSON Schema validation uses too (ajv-formats). */
const EMAIL = fullFormats.email as RegExp;

function normalizeValue(fd: FieldDef, v: unknown, at: string): unknown {
  switch (fd.type) {
    case 'string':
    case 'text':
      if (typeof v !== 'string') throw invalid('INVALID_FIELD', `${at} must be a string`);
      if (fd.type === 'string' && v.length > MAX_STRING) throw invalid('INVALID_FIELD', `${at} must be at most ${MAX_STRING} characters`);
      if (fd.name === 'currencyIsoCode' && !isCurrency(v)) throw invalid('INVALID_FIELD', `${at} must be an ISO 4217 currency code such as USD`);
      if (fd.nonEmpty && v.trim() === '') throw invalid('INVALID_FIELD', `${at} must not be empty`);
      if (fd.format === 'email' && !EMAIL.test(v)) throw invalid('INVALID_FIELD', `${at} must be an e-mail address such as ada@example.com`);
      return v;
    case 'integer':
      if (typeof v !== 'number' || !Number.isInteger(v)) throw invalid('INVALID_FIELD', `${at} must be an integer`);
      checkRange(fd, v, at);
      return v;
    case 'decimal': {
      const d = parseAmount(v, at);
      checkRange(fd, d.toNumber(), at);
      return d.toString();
    }
    case 'boolean':
      if (typeof v !== 'boolean') throw invalid('INVALID_FIELD', `${at} must be true or false`);
      return v;
    case 'date':
      if (typeof v !== 'string' || !isBusinessDate(v)) throw invalid('INVALID_FIELD', `${at} must be ${BUSINESS_DATE_TEXT}`);
      return v;
    case 'datetime':
      try {
        if (typeof v !== 'string') throw new Error();
        return Temporal.Instant.from(v).toString();
      } catch {
        throw invalid('INVALID_FIELD', `${at} must be a date-time with an offset, like 2026-01-31T10:00:00Z`);
      }
    case 'enum':
      return normalizeEnum(fd, v, at);
    case 'ref':
      if (!isUuid(v)) throw invalid('INVALID_FIELD', `${at} must be the id of a ${fd.ref}`);
      return v.toLowerCase();
    case 'json':
      return v;
  }
}

function checkRange(fd: FieldDef, n: number, at: string): void {
  if (fd.min !== undefined && n < fd.min) throw invalid('INVALID_FIELD', `${at} must be >= ${fd.min}`);
  if (fd.max !== undefined && n > fd.max) throw invalid('INVALID_FIELD', `${at} must be <= ${fd.max}`);
}

/**
 * Validates one object of the request. `skipKeys` are nested child arrays the caller handles
 * (composite calls). On create, required fields must be present and not null.
 */
export function validateObjectInput(def: ObjectDef, body: unknown, mode: 'create' | 'patch', at: string, skipKeys: ReadonlySet<string> = new Set()): ObjectInput {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) throw invalid('INVALID_FIELD', `${at} must be an object`);
  const fields: Record<string, unknown> = {};
  let customFields: Record<string, unknown> | undefined;
  for (const [key, value] of Object.entries(body)) {
    if (skipKeys.has(key)) continue;
    if (key === 'customFields') {
      if (typeof value !== 'object' || value === null || Array.isArray(value)) throw invalid('INVALID_FIELD', `${at}/customFields must be an object`);
      customFields = value as Record<string, unknown>;
      continue;
    }
    if (ALWAYS_ALLOWED.has(key)) continue;
    const name = def.fieldAliases?.[key] ?? key;
    const fd = def.fields.find((x) => x.name === name);
    if (!fd) throw invalid('UNKNOWN_FIELD', `${at}/${key} is not a field of ${def.name}`);
    if (fd.readOnly) throw invalid('READ_ONLY_FIELD', `${at}/${key} is set by Keel and cannot be written`);
    if (value === null || value === undefined) {
      if (fd.required) throw invalid('INVALID_FIELD', `${at}/${key} is required: it needs a value`);
      if (fd.default !== undefined) throw invalid('INVALID_FIELD', `${at}/${key} needs a value: leave it out to take its default`);
      fields[fd.name] = null;
      continue;
    }
    fields[fd.name] = normalizeValue(fd, value, `${at}/${key}`);
  }
  if (mode === 'create') {
    for (const fd of def.fields) {
      if (fd.required && fields[fd.name] === undefined) throw invalid('INVALID_FIELD', `${at}/${fd.name} is required`);
    }
  }
  return { fields, customFields };
}
