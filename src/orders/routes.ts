import { isUuid } from '../core/ids.js';
import { notFoundHandler } from '../http/errors.js';
import { Type } from 'typebox';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { verbPath } from '../http/paths.js';
import { CHANGE_ORDER_CODES } from '../change-orders/routes.js';
import type { OrdersService } from './service.js';
import type { Workflows } from '../workflows/orders.js';
import { ActivateOrderBody, CpqCreateOrderBody, DeleteOrdersBody, InvoiceWithItems, PlaceOrderBody, PreviewInvoicesBody, UpdateDraftBody } from './schemas.js';

// Orders (seed 002 part B §1.5–1.6). Order bodies come in two shapes; request.ts reads both.
const IdParams = Type.Object({ id: Type.String() });
const write = { permission: 'orders:write', scope: 'organisation' } as const;

/** What reading and pricing an order request may refuse: its fields, products, prices, customer and contact. */
const PLAN_CODES = [
  'FIELD_NOT_ALLOWED', 'INVALID_AMOUNT', 'PRODUCT_NOT_AVAILABLE', 'PRODUCT_NOT_ACTIVE', 'PRODUCT_SKU_MISMATCH', 'ENTRY_NOT_IN_PRICE_BOOK', 'CURRENCY_MISMATCH',
  'INVALID_TERM', 'UNKNOWN_OPTION', 'OPTION_QUANTITY_OUT_OF_RANGE', 'OPTION_REQUIRED',
  'CUSTOMER_NOT_FOUND', 'CUSTOMER_REQUIRED', 'CONTACT_NOT_OF_CUSTOMER', 'UNKNOWN_FIELD', 'READ_ONLY_FIELD', 'TOO_MANY_CONTACTS',
] as const;
/** What writing and activating it may refuse (customer and contact written, tax address, invoice numbers, a retry's commit). */
const WRITE_CODES = ['REFERENCE_NOT_FOUND', 'DUPLICATE_EXTERNAL_ID', 'TAX_ADDRESS_MISSING', 'NUMBERS_EXHAUSTED', 'BILLING_CHANGED', 'IDEMPOTENCY_REQUEST_IN_PROGRESS'] as const;
/** Paying the first invoice at checkout (workflows/collect.ts). */
export const CHECKOUT_CODES = ['UNKNOWN_GATEWAY', 'PAYMENT_DECLINED', 'PAYMENT_IN_PROGRESS'] as const;
const ORDER_NOT_DRAFT = ['ORDER_NOT_FOUND', 'ORDER_NOT_DRAFT'] as const;

const placed = { description: 'The order (a cart when activateOrder is false)' };
const pending = { description: 'Placed, its payment Pending: the gateway or the customer has yet to settle it' };

export const orderRoutes: FastifyPluginAsyncTypebox<{ orders: OrdersService; workflows: Workflows }> = async (app, { orders, workflows }) => {
  app.post('/orders', {
    config: { ...write, errorCodes: [...PLAN_CODES, ...WRITE_CODES, ...CHECKOUT_CODES] },
    schema: {
      tags: ['orders'], summary: 'Create a cart (activateOrder: false) or place an order with its customer and contact', body: PlaceOrderBody,
      response: { 200: Type.Ref('CreateOrderResponse', placed), 202: Type.Ref('CreateOrderResponse', pending) },
    },
  }, async (req, reply) => {
    const res = await workflows.placeOrder(req.ctx, req.body);
    // a payment waiting on the gateway or the customer: accepted, not yet settled
    return reply.status('payment' in res && res.payment?.status === 'Pending' ? 202 : 200).send(res);
  });
  // `/orders/<word>` that is no route (`/orders/quotes`) is not an order that does not exist: only a
  // UUID can name an order here, anything else is the router's 404
  app.get('/orders/:id', {
    config: { permission: 'orders:read', scope: 'organisation', errorCodes: ['ORDER_NOT_FOUND', 'ROUTE_NOT_FOUND'] },
    schema: { tags: ['orders'], params: IdParams, response: { 200: Type.Ref('CreateOrderResponse') } },
  }, async (req, reply) => (isUuid(req.params.id) ? orders.getOrder(req.ctx, req.params.id) : notFoundHandler(req, reply)));
  app.post('/orders/:id', {
    config: { ...write, errorCodes: [...ORDER_NOT_DRAFT, 'ROUTE_NOT_FOUND', ...PLAN_CODES, ...WRITE_CODES] },
    schema: {
      tags: ['orders'], summary: 'Update a Draft order: replace or reprice its lines, apply the options', params: IdParams, body: UpdateDraftBody,
      response: { 200: Type.Ref('CreateOrderResponse') },
    },
  }, async (req, reply) => (isUuid(req.params.id) ? workflows.updateDraft(req.ctx, req.params.id, req.body) : notFoundHandler(req, reply)));
  app.post(verbPath('/orders/:id', 'activate'), {
    // no body is an empty one (every option has its default)
    preValidation: async (req) => { req.body ??= {}; },
    // a change order's Draft is planned again: its codes too
    config: { ...write, errorCodes: [...ORDER_NOT_DRAFT, 'ORDER_CHANGED', ...PLAN_CODES, ...WRITE_CODES, ...CHECKOUT_CODES, ...CHANGE_ORDER_CODES] },
    schema: {
      tags: ['orders'], summary: 'Activate a Draft order (or change order), with its first invoice as asked', params: IdParams, body: ActivateOrderBody,
      response: {
        200: Type.Union([Type.Ref('CreateOrderResponse'), Type.Ref('ChangeOrderCreateResponse')], { description: 'The order activated (a change order answers as POST /orders/change-orders)' }),
        202: Type.Union([Type.Ref('CreateOrderResponse'), Type.Ref('ChangeOrderCreateResponse')], pending),
      },
    },
  }, async (req, reply) => {
    const res = await workflows.activateOrder(req.ctx, req.params.id, req.body);
    return reply.status('payment' in res && (res.payment as { status?: string } | null)?.status === 'Pending' ? 202 : 200).send(res);
  });
  app.post(verbPath('/orders/:id', 'cancel'), {
    config: { ...write, errorCodes: ['ORDER_NOT_FOUND', 'ORDER_CANCELED', 'ORDER_INVOICED'] },
    schema: { tags: ['orders'], summary: 'Cancel a Draft, or an Activated order with no Active invoice; what it provisioned is canceled too', params: IdParams, response: { 200: Type.Ref('CreateOrderResponse') } },
  }, async (req) => orders.cancelOrder(req.ctx, req.params.id));
  app.delete('/orders', {
    config: { ...write, errorCodes: ['ORDER_NOT_FOUND', 'ORDER_NOT_DELETABLE'] },
    schema: {
      tags: ['orders'], summary: 'Delete Draft orders (and Canceled ones with allowDeleteCanceledOrder)', body: DeleteOrdersBody,
      response: { 200: Type.Ref('OrdersDeleteResponse') },
    },
  }, async (req) => orders.deleteOrders(req.ctx, req.body));
  // a cart's invoice preview without the cart: priced as POST /orders prices it, nothing stored
  app.post(verbPath('/orders/invoices', 'preview'), {
    config: { permission: 'billing:read', scope: 'organisation', errorCodes: [...PLAN_CODES, 'INVALID_DATE'] },
    schema: {
      tags: ['orders'], summary: 'Preview the invoices of order lines priced from the price book, as a cart with previewInvoice (nothing is stored)', body: PreviewInvoicesBody,
      response: { 200: Type.Array(InvoiceWithItems, { description: 'The invoices, each with its items (none when nothing is due)' }) },
    },
  }, async (req) => orders.previewInvoices(req.ctx, req.body));
  app.post('/cpq/create-order', {
    config: { ...write, errorCodes: [...PLAN_CODES, ...WRITE_CODES, ...CHECKOUT_CODES] },
    schema: {
      tags: ['orders'], summary: 'CPQ CreateOrderRequest, placed as POST /orders', body: CpqCreateOrderBody,
      // unlike POST /orders, a Pending payment answers 200 too
      response: { 200: Type.Ref('CreateOrderResponse', placed) },
    },
  }, async (req) => workflows.cpqCreateOrder(req.ctx, req.body));
};
