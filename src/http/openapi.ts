import type { FastifyInstance } from 'fastify';
import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import { documentedPath } from './paths.js';

// OpenAPI 3 from the routes' TypeBox schemas, at /openapi.json, and a browsable page at /docs.
export async function registerOpenApi(app: FastifyInstance): Promise<void> {
  await app.register(swagger, {
    openapi: {
      openapi: '3.0.3',
      info: { title: 'Keel API', version: '0.1.0', description: 'Revenue lifecycle engine: catalog, orders, billing, payments. Every path also answers under /v1.' },
      components: {
        securitySchemes: {
          apiAccessKey: { type: 'apiKey', in: 'header', name: 'apiAccessKey' },
          bearer: { type: 'http', scheme: 'bearer', bearerFormat: 'JWT or API key' },
        },
      },
      security: [{ apiAccessKey: [] }, { bearer: [] }],
    },
    // custom-verb routes (declared `/x/::verb`) read as `/x:verb`, the verb literal; a plain `/x/:id` keeps its slash
    transform: ({ schema, url }) => ({ schema, url: documentedPath(url) }),
  });
  await app.register(async (docs) => {
    docs.addHook('onRoute', (route) => { route.config = { ...route.config, auth: 'none', idempotent: false }; });
    await docs.register(swaggerUi, { routePrefix: '/docs', uiConfig: { docExpansion: 'list' }, staticCSP: true });
  });
  app.get('/openapi.json', { config: { auth: 'none', idempotent: false }, schema: { hide: true } }, async () => app.swagger());
}
