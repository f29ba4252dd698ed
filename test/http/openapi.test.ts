import SwaggerParser from '@apidevtools/swagger-parser';
import type { OpenAPIV3 } from 'openapi-types';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { validate as postmanAccepts } from 'openapi-to-postmanv2';
import { Type } from 'typebox';
import Fastify from 'fastify';
import { conflict, notFound } from '../../src/core/errors.js';
import { errorHandlerOf } from '../../src/http/errors.js';
import { checkPreserialisedAnswers, serializerCompiler } from '../../src/http/validation.js';
import { undocumentedOf } from '../../src/http/openapi.js';
import { testApp, type TestApp } from '../support/app.js';

// The OpenAPI document is the contract (DESIGN §3, issue 16): it passes a real validator, and every
// path reads as clients must call it — colon verbs literal, every {parameter} a declared one.
let t: TestApp;
let spec: OpenAPIV3.Document;
beforeAll(async () => {
  t = await testApp();
  spec = (await t.call('GET', '/openapi.json')).json();
});
afterAll(() => t.close());

const METHODS = ['get', 'post', 'put', 'patch', 'delete'] as const;
const operations = () => Object.entries(spec.paths).flatMap(([path, item]) =>
  METHODS.filter((m) => item?.[m]).map((m) => ({ path, method: m, op: item![m]! })));

describe('the OpenAPI document', () => {
  it('passes @apidevtools/swagger-parser\'s validation', async () => {
    await expect(SwaggerParser.validate(structuredClone(spec) as never)).resolves.toBeTruthy();
  });

  it('writes colon verbs literally: every custom-verb route is `base:verb`, never a path parameter', () => {
    const verbRoutes = t.rt.app.routeTable.filter((r) => r.url.includes('/::'));
    expect(verbRoutes.length).toBeGreaterThan(20);
    const documented = new Set(operations().map((o) => `${o.method.toUpperCase()} ${o.path}`));
    const expected = verbRoutes.map((r) => {
      const [base, verb] = r.url.split('/::') as [string, string];
      return `${r.method} ${base.replace(/:([A-Za-z]\w*)/g, '{$1}')}:${verb}`;
    });
    expect(expected.filter((e) => !documented.has(e))).toEqual([]);
    expect(Object.keys(spec.paths)).toEqual(expect.arrayContaining(['/billing/invoices:pay', '/billing/invoices:write-off', '/apiKeys/{id}:revoke']));
  });

  it('declares every {parameter} of every path, and no path parameter its path does not have', () => {
    const wrong = operations().flatMap(({ path, method, op }) => {
      const inPath = [...path.matchAll(/\{([^}]+)\}/g)].map((m) => m[1]!).sort();
      const declared = (op.parameters ?? []).filter((p): p is OpenAPIV3.ParameterObject => 'in' in p && p.in === 'path').map((p) => p.name).sort();
      return JSON.stringify(inPath) === JSON.stringify(declared) ? [] : [`${method.toUpperCase()} ${path}: path has {${inPath.join(', ')}}, declared (${declared.join(', ')})`];
    });
    expect(wrong).toEqual([]);
  });

  it('gives every operation a unique, stable operationId and documents the error shape on every one', () => {
    const ops = operations();
    const ids = ops.map((o) => o.op.operationId);
    expect(ids.filter((id) => !id)).toEqual([]);
    expect(ids.length - new Set(ids).size, 'duplicate operationIds').toBe(0);
    expect(ops.find((o) => o.path === '/billing/invoices:pay' && o.method === 'post')?.op.operationId).toBe('postBillingInvoicesPay');
    expect(ops.find((o) => o.path === '/apiKeys/{id}:revoke')?.op.operationId).toBe('postApiKeysByIdRevoke');
    // the error shape, itself or narrowed to the errorCodes its route lists (allOf: [Error], errorCode: {enum})
    const errorShape = (o: { op: OpenAPIV3.OperationObject }) => {
      const schema = (o.op.responses['4XX'] as OpenAPIV3.ResponseObject | undefined)?.content?.['application/json']?.schema as { $ref?: string; allOf?: { $ref?: string }[] } | undefined;
      return schema?.$ref ?? schema?.allOf?.[0]?.$ref;
    };
    const withoutErrors = ops.filter((o) => errorShape(o) !== '#/components/schemas/Error');
    expect(withoutErrors.map((o) => `${o.method} ${o.path}`)).toEqual([]);
    expect(spec.components?.schemas?.Error).toMatchObject({ type: 'object', required: ['title', 'message', 'errorCode', 'errorType'] });
    expect(ops.filter((o) => !Object.keys(o.op.responses).some((c) => c.startsWith('2')))).toEqual([]);
  });

  it('keeps answers true to it: the suite checks every answer against its declared schema, and a mismatch fails', () => {
    const schema = Type.Object({ id: Type.String({ format: 'uuid' }), total: Type.Number(), at: Type.String({ format: 'date-time' }) }, { additionalProperties: false });
    const compile = (check: boolean) => serializerCompiler(check)({ schema, method: 'GET', url: '/x', httpStatus: '200' } as never) as (data: unknown) => string;
    const good = { id: '5e1f6c7a-0000-4000-8000-000000000001', total: 1.5, at: new Date('2026-12-03T10:00:00Z') };
    expect(compile(true)(good)).toBe(JSON.stringify(good));
    expect(() => compile(true)({ ...good, total: '1.5' })).toThrow('the 200 answer of GET /x does not match its schema: response/total must be number');
    expect(() => compile(true)({ ...good, extra: 1 })).toThrow('must NOT have additional properties');
    // outside the suite answers leave as JSON.stringify writes them: nothing stripped or coerced
    expect(compile(false)({ ...good, total: '1.5', extra: 1 })).toBe(JSON.stringify({ ...good, total: '1.5', extra: 1 }));
    // and the document names the shapes the routes declare
    expect(spec.components?.schemas?.BillingJob).toMatchObject({ type: 'object' });
    const job = spec.paths['/billing/jobs/{id}']!.get!.responses['200'] as OpenAPIV3.ResponseObject;
    expect(job.content?.['application/json']?.schema).toEqual({ $ref: '#/components/schemas/BillingJob' });
  });

  it('checks the answers no serializer sees too (a handler\'s own JSON text, text, bytes), and starts no route it cannot document', async () => {
    const app = Fastify();
    app.setErrorHandler(errorHandlerOf(true));
    checkPreserialisedAnswers(app);
    const Answer = Type.Object({ data: Type.Object({ n: Type.Integer() }) }, { additionalProperties: false });
    app.get('/json', async (_req, reply) => reply.type('application/json').send('{"data":{"n":1}}'));
    app.get('/json-off', { schema: { response: { 200: Answer } } }, async (_req, reply) => reply.type('application/json').send('{"data":{"n":"1"}}'));
    app.get('/json-on', { schema: { response: { 200: Answer } } }, async (_req, reply) => reply.type('application/json').send('{"data":{"n":1}}'));
    const text = { 200: { description: 'text', content: { 'text/plain': { schema: Type.String() } } } };
    app.get('/text', { schema: { response: text } }, async (_req, reply) => reply.type('text/plain').send('ok'));
    app.get('/html', { schema: { response: text } }, async (_req, reply) => reply.type('text/html').send('<p>ok</p>'));
    const [undeclared, off, on, plain, html] = await Promise.all([app.inject('/json'), app.inject('/json-off'), app.inject('/json-on'), app.inject('/text'), app.inject('/html')]);
    expect([undeclared.statusCode, on.statusCode, on.body, plain.statusCode, plain.body]).toEqual([200, 200, '{"data":{"n":1}}', 200, 'ok']);
    expect([off.statusCode, off.json().message]).toEqual([500, 'the 200 answer of GET /json-off does not match its schema: response/data/n must be integer']);
    expect([html.statusCode, html.json().message]).toEqual([500, 'the 200 answer of GET /html is text/html, which it does not declare (text/plain)']);
    await app.close();
    // a route that lists no errorCodes or describes no success is refused at start in the suite (app.ts)
    expect(undocumentedOf({ config: {}, schema: { response: { 200: Answer } } })).toBe('lists no errorCodes (config.errorCodes)');
    expect(undocumentedOf({ config: { errorCodes: [] }, schema: { response: { 400: Answer } } })).toBe('describes no success answer (schema.response 2xx)');
    expect(undocumentedOf({ config: {}, schema: { hide: true } })).toBeUndefined();
    expect(undocumentedOf({ config: { errorCodes: [] }, schema: { response: { 204: { description: 'nothing' } } } })).toBeUndefined();
  });

  it('names each shared shape once: bodies refer to the request schemas as answers do to theirs', () => {
    const body = (path: string, method: 'post' | 'patch') => JSON.stringify((spec.paths[path]![method]!.requestBody as OpenAPIV3.RequestBodyObject).content['application/json']!.schema);
    for (const path of ['/orders', '/orders/invoices:preview', '/cpq/create-order', '/orders/{id}']) expect(body(path, 'post'), path).toContain('"$ref":"#/components/schemas/OrderLineRequest"');
    expect(body('/orders/change-orders', 'post')).toContain('"$ref":"#/components/schemas/AssetChangeRequest"');
    expect(body('/objects/{objectName}', 'post')).toContain('"$ref":"#/components/schemas/CatalogObjectInput"');
    expect(JSON.stringify(spec.components?.schemas?.CatalogObjectInput)).toContain('"$ref":"#/components/schemas/ProductInput"');
    expect(JSON.stringify(spec.components?.schemas?.ProductContent)).toContain('"$ref":"#/components/schemas/PriceBookEntryContent"');
    expect(body('/orders/customers', 'post')).toContain('"$ref":"#/components/schemas/CustomerInput"');
  });

  it('is served as a Postman collection too (/postman.json): every operation a request, colon verbs literal', async () => {
    expect(postmanAccepts({ type: 'json', data: structuredClone(spec) as never })).toMatchObject({ result: true });
    const res = await t.call('GET', '/postman.json');
    expect(res.statusCode).toBe(200);
    const json = res.json() as { info: object; variable: { key: string }[]; item: Folder[] };
    expect(json.info).toMatchObject({ name: 'Keel API', schema: 'https://schema.getpostman.com/json/collection/v2.1.0/collection.json' });
    type Request = { name: string; request: { method: string; url: { host: string[]; path: string[] } } };
    type Folder = { name: string; item: (Folder | Request)[] };
    const requests: Request[] = [];
    const walk = (items: (Folder | Request)[]) => { for (const i of items) { if ('item' in i) walk(i.item); else requests.push(i); } };
    walk(json.item);
    expect(requests.length).toBe(operations().length);
    expect(new Set(json.item.map((folder) => folder.name))).toEqual(new Set(operations().flatMap((o) => o.op.tags ?? [])));
    const at = (path: string) => requests.find((r) => `/${r.request.url.path.join('/')}` === path);
    expect([at('/billing/invoices:pay')?.request.method, at('/billing/invoices:pay')?.request.url.host]).toEqual(['POST', ['{{baseUrl}}']]);
    expect(at('/apiKeys/{{id}}:revoke')?.request.method).toBe('POST');
    expect(json.variable.map((v) => v.key)).toContain('baseUrl');
  });

  it('lists per operation the errorCodes its route may answer, and the suite fails a route answering one it does not list', async () => {
    const listing = operations().filter((o) => (o.op.responses['4XX'] as OpenAPIV3.ResponseObject).content?.['application/json']?.schema?.['allOf' as never]);
    for (const o of listing) {
      const codes = ((o.op.responses['4XX'] as OpenAPIV3.ResponseObject).content!['application/json']!.schema as { properties: { errorCode: { enum: string[] } } }).properties.errorCode.enum;
      expect(codes, `${o.method} ${o.path}`).toEqual(expect.arrayContaining(['INVALID_FIELD', 'MISSING_CREDENTIALS', 'PERMISSION_DENIED', 'IDEMPOTENCY_KEY_REUSED']));
    }
    const app = Fastify();
    app.setErrorHandler(errorHandlerOf(true));
    app.get('/thing', { config: { errorCodes: ['THING_NOT_FOUND'] } }, async () => { throw notFound('THING_NOT_FOUND', 'no such thing'); });
    app.get('/other', { config: { errorCodes: ['THING_NOT_FOUND'] } }, async () => { throw conflict('THING_BUSY', 'busy'); });
    const [listed, unlisted] = [await app.inject('/thing'), await app.inject('/other')];
    expect([listed.statusCode, listed.json().errorCode]).toEqual([404, 'THING_NOT_FOUND']);
    expect([unlisted.statusCode, unlisted.json()]).toEqual([500, expect.objectContaining({ errorCode: 'UNLISTED_ERROR_CODE', message: expect.stringContaining('errorCode THING_BUSY is not in its config.errorCodes') })]);
    await app.close();
  });
});
