import { isUuid } from '../core/ids.js';
import { notFoundHandler } from '../http/errors.js';
import { Type } from 'typebox';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { verbPath } from '../http/paths.js';
import type { OrdersService } from './service.js';
import type { Workflows } from '../workflows/orders.js';

// Orders (seed 002 part B §1.5–1.6). Order bodies come in two shapes; request.ts reads both.
const IdParams = Type.Object({ id: Type.String() });
const write = { permission: 'orders:write', scope: 'organisation' } as const;

export const orderRoutes: FastifyPluginAsyncTypebox<{ orders: OrdersService; workflows: Workflows }> = async (app, { orders, workflows }) => {
  app.post('/orders', {
    config: write, schema: { tags: ['orders'], summary: 'Create a cart (activateOrder: false) or place an order with its customer and contact', body: Type.Unknown() },
  }, async (req, reply) => {
    const res = await workflows.placeOrder(req.ctx, req.body);
    // a payment waiting on the gateway or the customer: accepted, not yet settled
    return reply.status('payment' in res && res.payment?.status === 'Pending' ? 202 : 200).send(res);
  });
  // `/orders/<word>` that is no route (`/orders/quotes`) is not an order that does not exist: only a
  // UUID can name an order here, anything else is the router's 404
  app.get('/orders/:id', { config: { permission: 'orders:read', scope: 'organisation' }, schema: { tags: ['orders'], params: IdParams } },
    async (req, reply) => (isUuid(req.params.id) ? orders.getOrder(req.ctx, req.params.id) : notFoundHandler(req, reply)));
  app.post('/orders/:id', {
    config: write, schema: { tags: ['orders'], summary: 'Update a Draft order: replace or reprice its lines, apply the options', params: IdParams, body: Type.Unknown() },
  }, async (req, reply) => (isUuid(req.params.id) ? workflows.updateDraft(req.ctx, req.params.id, req.body) : notFoundHandler(req, reply)));
  app.post(verbPath('/orders/:id', 'activate'), {
    config: write, schema: { tags: ['orders'], params: IdParams, body: Type.Optional(Type.Unknown()) },
  }, async (req, reply) => {
    const res = await workflows.activateOrder(req.ctx, req.params.id, req.body ?? {});
    return reply.status('payment' in res && res.payment?.status === 'Pending' ? 202 : 200).send(res);
  });
  app.post(verbPath('/orders/:id', 'cancel'), { config: write, schema: { tags: ['orders'], params: IdParams } },
    async (req) => orders.cancelOrder(req.ctx, req.params.id));
  app.delete('/orders', {
    config: write,
    schema: {
      tags: ['orders'], summary: 'Delete Draft orders (and Canceled ones with allowDeleteCanceledOrder)',
      body: Type.Object({ orderIds: Type.Array(Type.String(), { minItems: 1, maxItems: 200 }), allowDeleteCanceledOrder: Type.Optional(Type.Boolean()) }),
    },
  }, async (req) => orders.deleteOrders(req.ctx, req.body));
  // a cart's invoice preview without the cart: priced as POST /orders prices it, nothing stored
  app.post(verbPath('/orders/invoices', 'preview'), {
    config: { permission: 'billing:read', scope: 'organisation' },
    schema: { tags: ['orders'], summary: 'Preview the invoices of order lines priced from the price book, as a cart with previewInvoice (nothing is stored)', body: Type.Unknown() },
  }, async (req) => orders.previewInvoices(req.ctx, req.body));
  app.post('/cpq/create-order', { config: write, schema: { tags: ['orders'], summary: 'CPQ CreateOrderRequest', body: Type.Unknown() } },
    async (req) => workflows.cpqCreateOrder(req.ctx, req.body));
};
