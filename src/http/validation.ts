import { Ajv, type Options } from 'ajv';
import addFormatsModule from 'ajv-formats';
import type { FastifySchemaCompiler } from 'fastify';
import type { SchemaErrorFormatter } from 'fastify/types/schema.js';
import { BUSINESS_DATE_TEXT, isBusinessDate } from '../core/dates.js';

// Bodies are validated strictly: a string where a number belongs is a 400, not a silent
// conversion. Query strings and path params arrive as text, so they are coerced.
const addFormats = addFormatsModule as unknown as (ajv: Ajv) => Ajv;
const common: Options = { allErrors: false, useDefaults: true, removeAdditional: false, strict: false };

const bodyAjv = addFormats(new Ajv({ ...common, coerceTypes: false }));
const textAjv = addFormats(new Ajv({ ...common, coerceTypes: 'array' }));
for (const ajv of [bodyAjv, textAjv]) {
  // Business dates: a real calendar date, YYYY-MM-DD, 1900–2199 (2023-02-30 and 9999-12-31 are refused here).
  ajv.addFormat('date', { type: 'string', validate: isBusinessDate });
}

export const validatorCompiler: FastifySchemaCompiler<unknown> = ({ schema, httpPart }) => {
  const ajv = httpPart === 'body' ? bodyAjv : textAjv;
  return ajv.compile(schema as object) as ReturnType<FastifySchemaCompiler<unknown>>;
};

/** `body/lines/0/quantity must be >= 1`; enums list their allowed values, unknown fields are named. */
export const formatSchemaErrors: SchemaErrorFormatter = (errors, dataVar) => {
  const e = errors[0];
  if (!e) return new Error(`${dataVar} is invalid`);
  const path = `${dataVar}${e.instancePath}`;
  const params = e.params as Record<string, unknown>;
  let text = `${path} ${e.message ?? 'is invalid'}`;
  if (e.keyword === 'enum' && Array.isArray(params.allowedValues)) text += `: ${params.allowedValues.join(', ')}`;
  if (e.keyword === 'format' && params.format === 'date') text = `${path} must be ${BUSINESS_DATE_TEXT}`;
  if (e.keyword === 'required') text = `${path}/${String(params.missingProperty)} is required`;
  if (e.keyword === 'additionalProperties') text = `${path}/${String(params.additionalProperty)} is not a known field`;
  return new Error(text);
};
