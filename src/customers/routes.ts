import { Type } from 'typebox';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { CustomersService } from './service.js';
import { CreateContactsBody, CreateCustomersBody, PatchContactBody, PatchCustomerBody } from './schemas.js';

// Customers and contacts (seed 002 part D §1.3). Bodies are checked field by field from the registry (objects.ts).
const IdParams = Type.Object({ id: Type.String({ description: 'The customer\'s id (or, for a customer, its external id)' }) });
const read = { permission: 'customers:read', scope: 'organisation' } as const;
const write = { permission: 'customers:write', scope: 'organisation' } as const;

/** What checking a customer's or a contact's fields may refuse (metadata/validate.ts, the allow-list of customer-facing callers). */
const FIELD_CODES = ['UNKNOWN_FIELD', 'READ_ONLY_FIELD', 'INVALID_AMOUNT', 'FIELD_NOT_ALLOWED'] as const;

export const customerRoutes: FastifyPluginAsyncTypebox<{ customers: CustomersService }> = async (app, { customers }) => {
  app.post('/orders/customers', {
    config: { ...write, errorCodes: [...FIELD_CODES, 'TOO_MANY_CONTACTS', 'REFERENCE_NOT_FOUND', 'DUPLICATE_EXTERNAL_ID', 'CUSTOMER_NOT_FOUND'] },
    schema: {
      tags: ['customers'], summary: 'Create up to 200 customers, each with up to 50 contacts, all or nothing', body: CreateCustomersBody,
      response: { 200: Type.Array(Type.Ref('Customer'), { description: 'The customers as written, in the order sent (a single one sent is answered in a list too)' }) },
    },
  }, async (req) => customers.createCustomers(req.ctx, req.body));
  app.get('/orders/customers/:id', {
    config: { ...read, errorCodes: ['CUSTOMER_NOT_FOUND'] },
    schema: { tags: ['customers'], params: IdParams, response: { 200: Type.Ref('Customer') } },
  }, async (req) => customers.getCustomer(req.ctx, req.params.id));
  app.patch('/orders/customers/:id', {
    config: { ...write, errorCodes: [...FIELD_CODES, 'CUSTOMER_NOT_FOUND', 'CONTACT_NOT_FOUND', 'HIERARCHY_CYCLE', 'TOO_MANY_CONTACTS', 'REFERENCE_NOT_FOUND', 'DUPLICATE_EXTERNAL_ID'] },
    schema: { tags: ['customers'], summary: 'Change a customer\'s fields; patch its contacts (with an id) or add them (without)', params: IdParams, body: PatchCustomerBody, response: { 200: Type.Ref('Customer') } },
  }, async (req) => customers.patchCustomer(req.ctx, req.params.id, req.body));
  app.post('/orders/customers/:id/contacts', {
    config: { ...write, errorCodes: [...FIELD_CODES, 'TOO_MANY_CONTACTS', 'CUSTOMER_NOT_FOUND'] },
    schema: {
      tags: ['customers'], summary: 'Add up to 50 contacts to a customer', params: IdParams, body: CreateContactsBody,
      response: { 200: Type.Array(Type.Ref('Contact'), { description: 'The contacts as written, in the order sent' }) },
    },
  }, async (req) => customers.createContacts(req.ctx, req.params.id, req.body));
  app.get('/orders/contacts/:id', {
    config: { ...read, errorCodes: ['CONTACT_NOT_FOUND'] },
    schema: { tags: ['customers'], params: Type.Object({ id: Type.String() }), response: { 200: Type.Ref('Contact') } },
  }, async (req) => customers.getContact(req.ctx, req.params.id));
  app.patch('/orders/contacts/:id', {
    config: { ...write, errorCodes: [...FIELD_CODES, 'CONTACT_NOT_FOUND', 'CUSTOMER_NOT_FOUND', 'REFERENCE_NOT_FOUND'] },
    schema: { tags: ['customers'], params: Type.Object({ id: Type.String() }), body: PatchContactBody, response: { 200: Type.Ref('Contact') } },
  }, async (req) => customers.patchContact(req.ctx, req.params.id, req.body));
};
