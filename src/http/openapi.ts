import type { FastifyInstance } from 'fastify';
import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import { documentedPath, operationIdOf } from './paths.js';
import { ErrorBody } from './schemas.js';
import { errorCodesOf } from './error-codes.js';
import type { KeelRouteConfig } from './route-config.js';
import { shareSchema } from './validation.js';

// OpenAPI 3 from the routes' TypeBox schemas, at /openapi.json, and a browsable page at /docs.

/** Every failure's body (src/http/errors.ts), shared by every operation's 4XX answer. */
const ERROR_SCHEMA = { $id: 'Error', ...ErrorBody, description: 'The error shape: the message names the offending field; errorCode says why' };
const ERROR_STATUSES = '400 invalid input (the message names the field), 401 no or bad credentials, 402 payment declined, 403 permission, role or scope, 404 not found (or outside the caller\'s scope, for reads), 409 wrong state or a concurrent change, 422 an Idempotency-Key reused with another body, 429 too many requests';

/** The 4XX answer of one operation: the error shape, its errorCode one of the codes the route lists. */
function errorResponsesOf(config: KeelRouteConfig | undefined) {
  return { '4XX': { description: ERROR_STATUSES, allOf: [{ $ref: 'Error#' }], properties: { errorCode: { type: 'string', enum: errorCodesOf(config) } } } };
}

/** What a documented route leaves out of its operation: the suite refuses to start such a route
 * (src/http/app.ts), so every operation lists its errorCodes and describes its success. */
export function undocumentedOf(route: { schema?: unknown; config?: unknown }): string | undefined {
  const schema = route.schema as { hide?: boolean; response?: Record<string, unknown> } | undefined;
  if (schema?.hide) return undefined;
  if (!(route.config as KeelRouteConfig | undefined)?.errorCodes) return 'lists no errorCodes (config.errorCodes)';
  if (!Object.keys(schema?.response ?? {}).some((status) => status.startsWith('2'))) return 'describes no success answer (schema.response 2xx)';
  return undefined;
}

/** The document as a Postman collection (v2.1), a folder per tag, `{{baseUrl}}` for the server. */
async function postmanCollectionOf(document: unknown): Promise<unknown> {
  // loaded on the first request: the converter is large, and most servers are never asked
  const { convert } = await import('openapi-to-postmanv2');
  return new Promise((resolve, reject) => {
    convert({ type: 'json', data: structuredClone(document) as never }, { folderStrategy: 'Tags', requestParametersResolution: 'Example' }, (err, result) => {
      if (err) return reject(err);
      const first = result?.result ? result.output?.[0] : undefined;
      if (!first) return reject(new Error(`the OpenAPI document did not convert to a Postman collection: ${String(result?.reason)}`));
      resolve(first.data);
    });
  });
}

export async function registerOpenApi(app: FastifyInstance): Promise<void> {
  shareSchema(app, ERROR_SCHEMA);
  await app.register(swagger, {
    openapi: {
      openapi: '3.0.3',
      info: { title: 'Keel API', version: '0.1.0', description: 'Revenue lifecycle engine: catalog, orders, billing, payments. Every path also answers under /v1. The same API as a Postman collection: [/postman.json](/postman.json); as a typed TypeScript client: `client/` in the repository.' },
      components: {
        securitySchemes: {
          apiAccessKey: { type: 'apiKey', in: 'header', name: 'apiAccessKey' },
          bearer: { type: 'http', scheme: 'bearer', bearerFormat: 'JWT or API key' },
        },
      },
      security: [{ apiAccessKey: [] }, { bearer: [] }],
    },
    refResolver: { buildLocalReference: (json, _base, _fragment, i) => (typeof json.$id === 'string' ? json.$id : `def-${i}`) },
    // custom-verb routes (declared `/x/::verb`) read as `/x:verb`, the verb literal; a plain `/x/:id`
    // keeps its slash. Every operation gets a stable operationId and documents the error shape.
    transform: ({ schema, url, route }) => {
      const path = documentedPath(url);
      if (!schema || schema.hide) return { schema, url: path };
      const method = [route.method].flat()[0]!;
      const declared = schema as typeof schema & { operationId?: string; response?: Record<string, unknown> };
      return {
        url: path,
        schema: { ...schema, operationId: declared.operationId ?? operationIdOf(method, url), response: { ...errorResponsesOf(route.config as KeelRouteConfig | undefined), ...declared.response } },
      };
    },
  });
  await app.register(async (docs) => {
    docs.addHook('onRoute', (route) => { route.config = { ...route.config, auth: 'none', idempotent: false }; });
    await docs.register(swaggerUi, { routePrefix: '/docs', uiConfig: { docExpansion: 'list' }, staticCSP: true });
  });
  app.get('/openapi.json', { config: { auth: 'none', idempotent: false }, schema: { hide: true } }, async () => app.swagger());
  // the Postman collection the seeds promise, converted from the document once (openapi-to-postmanv2)
  let collection: Promise<unknown> | undefined;
  app.get('/postman.json', { config: { auth: 'none', idempotent: false }, schema: { hide: true } }, async () => (collection ??= postmanCollectionOf(app.swagger())));
}
