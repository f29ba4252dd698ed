import { Ajv, type Options } from 'ajv';
import addFormatsModule from 'ajv-formats';
import type { FastifyInstance, FastifySchemaCompiler, FastifySerializerCompiler } from 'fastify';
import type { SchemaErrorFormatter } from 'fastify/types/schema.js';
import { BUSINESS_DATE_TEXT, isBusinessDate, isDateString } from '../core/dates.js';

// Bodies are validated strictly: a string where a number belongs is a 400, not a silent
// conversion. Query strings and path params arrive as text, so they are coerced.
const addFormats = addFormatsModule as unknown as (ajv: Ajv) => Ajv;
const common: Options = { allErrors: false, useDefaults: true, removeAdditional: false, strict: false };

const bodyAjv = addFormats(new Ajv({ ...common, coerceTypes: false }));
const textAjv = addFormats(new Ajv({ ...common, coerceTypes: 'array' }));
// answers are checked as they leave: no defaults filled in, nothing coerced, every error reported
const answerAjv = addFormats(new Ajv({ ...common, useDefaults: false, coerceTypes: false, allErrors: true }));
for (const ajv of [bodyAjv, textAjv]) {
  // Business dates: a real calendar date, YYYY-MM-DD, 1900–2199 (2023-02-30 and 9999-12-31 are refused here).
  ajv.addFormat('date', { type: 'string', validate: isBusinessDate });
}
// an answer's date may be derived past the input range (a term starting 2199-12-31 ends in 2200): any real calendar date
answerAjv.addFormat('date', { type: 'string', validate: isDateString });

export const validatorCompiler: FastifySchemaCompiler<unknown> = ({ schema, httpPart }) => {
  const ajv = httpPart === 'body' ? bodyAjv : textAjv;
  return ajv.compile(schema as object) as ReturnType<FastifySchemaCompiler<unknown>>;
};

/**
 * Answers leave as JSON.stringify writes them: a declared response schema never strips or coerces a
 * field (fast-json-stringify would). With `check` (the test suite) an answer that does not match its
 * declared schema fails the request (a 500 the test sees), so the document cannot drift from the code.
 */
export function serializerCompiler(check: boolean): FastifySerializerCompiler<unknown> {
  return ({ schema, method, url, httpStatus }) => {
    const validate = check ? answerAjv.compile(schema as object) : undefined;
    return (data) => {
      const json = JSON.stringify(data);
      if (validate && !validate(JSON.parse(json))) {
        throw new Error(`the ${httpStatus} answer of ${method} ${url} does not match its schema: ${answerAjv.errorsText(validate.errors, { dataVar: 'response' })}`);
      }
      return json;
    };
  };
}

/**
 * A schema answers refer to by its `$id` (`Type.Ref('BillingJob')`): a component of the OpenAPI
 * document, and known to the answer check. The same schema in every app of a process.
 */
export function shareSchema(app: FastifyInstance, schema: object): void {
  app.addSchema(schema);
  const id = (schema as { $id?: unknown }).$id;
  if (typeof id === 'string' && !answerAjv.getSchema(id)) answerAjv.addSchema(schema);
}

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
