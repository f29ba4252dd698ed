import { Type } from 'typebox';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { NoContent } from '../tenancy/schemas.js';
import type { TaxService } from './service.js';
import { DecimalInput } from '../http/schemas.js';

export const taxRoutes: FastifyPluginAsyncTypebox<{ tax: TaxService }> = async (app, { tax: taxService }) => {
  app.get('/tax/rates', {
    config: { permission: 'billing:read', scope: 'tenant', errorCodes: [] },
    schema: { tags: ['tax'], summary: 'The tenant\'s tax rates', response: { 200: Type.Array(Type.Ref('TaxRate')) } },
  }, async (req) => taxService.list(req.ctx));
  app.post('/tax/rates', {
    config: { permission: 'billing:write', scope: 'tenant', errorCodes: ['INVALID_AMOUNT', 'DUPLICATE_TAX_RATE'] },
    schema: {
      tags: ['tax'], summary: 'Add a tax rate for a country, optionally a state and a tax code',
      body: Type.Object({
        name: Type.Optional(Type.String()),
        country: Type.String({ minLength: 1, description: 'The country, as addresses spell it' }),
        state: Type.Optional(Type.String({ minLength: 1, description: 'Only this state (absent: the whole country)' })),
        taxCode: Type.Optional(Type.String({ minLength: 1, description: 'Only lines of products with this tax code' })),
        taxPercentage: DecimalInput('Percent from 0 to 100'),
      }, { example: { country: 'United States', state: 'California', taxPercentage: '8.625' } }),
      response: { 201: Type.Ref('TaxRate') },
    },
  }, async (req, reply) => reply.status(201).send(await taxService.create(req.ctx, req.body)));
  app.delete('/tax/rates/:id', {
    config: { permission: 'billing:write', scope: 'tenant', errorCodes: ['TAX_RATE_NOT_FOUND'] },
    schema: { tags: ['tax'], summary: 'Delete a tax rate', params: Type.Object({ id: Type.String() }), response: { 204: NoContent } },
  }, async (req, reply) => { await taxService.remove(req.ctx, req.params.id); return reply.status(204).send(); });
};
