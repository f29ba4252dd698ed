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
 * A schema bodies, queries and answers refer to by its `$id` (`Type.Ref('BillingJob')`): a component
 * of the OpenAPI document, known to every validator (each with its own date rule). The same schema
 * in every app of a process.
 */
export function shareSchema(app: FastifyInstance, schema: object): void {
  app.addSchema(schema);
  const id = (schema as { $id?: unknown }).$id;
  if (typeof id !== 'string') return;
  for (const ajv of [bodyAjv, textAjv, answerAjv]) if (!ajv.getSchema(id)) ajv.addSchema(schema);
}

/** `body/lines/0/quantity must be >= 1`; enums list their allowed values, unknown fields are named. */
export const formatSchemaErrors: SchemaErrorFormatter = (errors, dataVar) => {
  const e = mostSpecific(errors);
  if (!e) return new Error(`${dataVar} is invalid`);
  const path = `${dataVar}${e.instancePath}`;
  const params = e.params as Record<string, unknown>;
  let text = `${path} ${e.message ?? 'is invalid'}`;
  if (e.keyword === 'type') text = `${path} must be ${typesAt(errors, e.instancePath).join(' or ')}`;
  if (e.keyword === 'enum' && Array.isArray(params.allowedValues)) text += `: ${params.allowedValues.join(', ')}`;
  if (e.keyword === 'format' && params.format === 'date') text = `${path} must be ${BUSINESS_DATE_TEXT}`;
  if (e.keyword === 'required') text = `${path}/${String(params.missingProperty)} is required`;
  if (e.keyword === 'additionalProperties') text = `${path}/${String(params.additionalProperty)} is not a known field`;
  return new Error(text);
};

type SchemaError = Parameters<SchemaErrorFormatter>[0][number];
const depth = (e: SchemaError) => (e.instancePath === '' ? 0 : e.instancePath.split('/').length);

/** A failed anyOf reports each branch's error, then its own: the one deepest into the value names
 * what is wrong (a list-or-object body with a bad field says which field, not "must be array"). */
function mostSpecific(errors: readonly SchemaError[]): SchemaError | undefined {
  const own = errors.filter((e) => e.keyword !== 'anyOf' && e.keyword !== 'oneOf');
  return own.reduce<SchemaError | undefined>((best, e) => (!best || depth(e) > depth(best) ? e : best), undefined) ?? errors[0];
}

/** The types the branches at one place allow (a number or a decimal string: "must be number or
 * string"); null, which leaves an optional field out, goes without saying. */
function typesAt(errors: readonly SchemaError[], at: string): string[] {
  const types = new Set(errors.filter((e) => e.keyword === 'type' && e.instancePath === at).flatMap((e) => [(e.params as { type: string | string[] }).type].flat()).flatMap((t) => t.split(',')));
  if (types.size > 1) types.delete('null');
  return [...types];
}

/**
 * With the suite's check, the answers no serializer sees — a handler's own string or bytes (GraphQL's
 * JSON, text, a PDF, an idempotent replay) — are checked as they are sent: the content type must be
 * one the route declares, and a JSON body must match its schema.
 */
export function checkPreserialisedAnswers(app: FastifyInstance): void {
  const serialised = new WeakSet<object>();
  app.addHook('preSerialization', async (_req, reply, payload) => { serialised.add(reply); return payload; });
  app.addHook('onSend', async (req, reply, payload) => {
    if (serialised.has(reply) || (typeof payload !== 'string' && !Buffer.isBuffer(payload))) return payload;
    const responses = (req.routeOptions.schema as { response?: Record<string, unknown> } | undefined)?.response;
    const declared = responses?.[String(reply.statusCode)] ?? responses?.[`${String(reply.statusCode)[0]}xx`] ?? responses?.[`${String(reply.statusCode)[0]}XX`];
    if (!declared) return payload;
    const type = String(reply.getHeader('content-type') ?? 'application/json').split(';')[0]!.trim();
    const content = (declared as { content?: Record<string, { schema?: object }> }).content;
    const schema = content ? content[type]?.schema : declared;
    const where = `the ${reply.statusCode} answer of ${req.method} ${req.routeOptions.url}`;
    if (!schema) throw new Error(`${where} is ${type}, which it does not declare (${Object.keys(content ?? {}).join(', ')})`);
    if (type !== 'application/json') return payload;
    const validate = answerAjv.compile(schema); // Ajv keeps what it compiled, by schema object
    if (!validate(JSON.parse(payload.toString()))) throw new Error(`${where} does not match its schema: ${answerAjv.errorsText(validate.errors, { dataVar: 'response' })}`);
    return payload;
  });
}
