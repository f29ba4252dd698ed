import { Type } from 'typebox';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { TaxService } from './service.js';

export const taxRoutes: FastifyPluginAsyncTypebox<{ tax: TaxService }> = async (app, { tax: taxService }) => {
  app.get('/tax/rates', { config: { permission: 'billing:read', scope: 'tenant' }, schema: { tags: ['tax'] } }, async (req) => taxService.list(req.ctx));
  app.post('/tax/rates', {
    config: { permission: 'billing:write', scope: 'tenant' },
    schema: {
      tags: ['tax'], summary: 'Add a tax rate for a country, optionally a state and a tax code',
      body: Type.Object({
        name: Type.Optional(Type.String()), country: Type.String({ minLength: 1 }), state: Type.Optional(Type.String({ minLength: 1 })),
        taxCode: Type.Optional(Type.String({ minLength: 1 })), taxPercentage: Type.Union([Type.Number(), Type.String()]),
      }),
    },
  }, async (req, reply) => reply.status(201).send(await taxService.create(req.ctx, req.body)));
  app.delete('/tax/rates/:id', { config: { permission: 'billing:write', scope: 'tenant' }, schema: { tags: ['tax'], params: Type.Object({ id: Type.String() }) } },
    async (req, reply) => { await taxService.remove(req.ctx, req.params.id); return reply.status(204).send(); });
};
