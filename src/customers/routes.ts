import { Type } from 'typebox';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { CustomersService } from './service.js';

// Customers and contacts (seed 002 part D §1.3). Bodies are validated from the registry (objects.ts).
const IdParams = Type.Object({ id: Type.String() });
const read = { permission: 'customers:read', scope: 'organisation' } as const;
const write = { permission: 'customers:write', scope: 'organisation' } as const;

export const customerRoutes: FastifyPluginAsyncTypebox<{ customers: CustomersService }> = async (app, { customers }) => {
  app.post('/orders/customers', {
    config: write, schema: { tags: ['customers'], summary: 'Create up to 200 customers, each with up to 50 contacts, all or nothing', body: Type.Unknown() },
  }, async (req) => customers.createCustomers(req.ctx, req.body));
  app.get('/orders/customers/:id', { config: read, schema: { tags: ['customers'], params: IdParams } },
    async (req) => customers.getCustomer(req.ctx, req.params.id));
  app.patch('/orders/customers/:id', { config: write, schema: { tags: ['customers'], params: IdParams, body: Type.Unknown() } },
    async (req) => customers.patchCustomer(req.ctx, req.params.id, req.body));
  app.post('/orders/customers/:id/contacts', {
    config: write, schema: { tags: ['customers'], summary: 'Add up to 50 contacts to a customer', params: IdParams, body: Type.Unknown() },
  }, async (req) => customers.createContacts(req.ctx, req.params.id, req.body));
  app.get('/orders/contacts/:id', { config: read, schema: { tags: ['customers'], params: IdParams } },
    async (req) => customers.getContact(req.ctx, req.params.id));
  app.patch('/orders/contacts/:id', { config: write, schema: { tags: ['customers'], params: IdParams, body: Type.Unknown() } },
    async (req) => customers.patchContact(req.ctx, req.params.id, req.body));
};
