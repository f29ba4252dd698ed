import type { FastifyPluginAsync } from 'fastify';
import Stripe from 'stripe';
import { Type } from 'typebox';
import { invalid } from '../core/errors.js';

// Stripe's webhooks: signed with the endpoint secret, verified on the raw bytes, then handed to
// the reconciler. Always answered fast with 2xx once verified (Stripe retries otherwise).
export interface StripeWebhookDeps {
  webhookSecret: string;
  onEvent: (event: Stripe.Event) => Promise<void>;
}

/** Stripe's Event object, as Stripe sends it (shared/spec/stripe.md §8). */
const StripeEvent = Type.Object({
  id: Type.String({ description: 'evt_…: duplicates are expected, the payment settles once' }),
  object: Type.String({ description: 'event' }),
  type: Type.String({ description: 'e.g. payment_intent.succeeded, payment_intent.payment_failed; others are acknowledged and ignored' }),
  api_version: Type.Optional(Type.Union([Type.String(), Type.Null()])),
  created: Type.Integer({ description: 'Unix seconds' }),
  livemode: Type.Boolean(),
  pending_webhooks: Type.Optional(Type.Integer()),
  request: Type.Optional(Type.Union([Type.Object({ id: Type.Union([Type.String(), Type.Null()]), idempotency_key: Type.Union([Type.String(), Type.Null()]) }), Type.Null()])),
  data: Type.Object({
    object: Type.Record(Type.String(), Type.Unknown(), { description: 'The resource (a PaymentIntent for payment_intent.*)' }),
    previous_attributes: Type.Optional(Type.Record(Type.String(), Type.Unknown())),
  }),
}, { example: {
  id: 'evt_K5', object: 'event', type: 'payment_intent.succeeded', api_version: '2026-10-28.endive', created: 1795300060, livemode: false, pending_webhooks: 1,
  request: { id: null, idempotency_key: null }, data: { object: { id: 'pi_K5', object: 'payment_intent', status: 'succeeded', amount_received: 1999 } },
} });
const Received = Type.Object({ received: Type.Boolean() }, { additionalProperties: false, description: 'Verified and handled' });
/** A bad signature; then what settling the payment may answer (workflows/collect.ts reconcile: the tenant's context, the
 * gateway, the invoice, and canceling an unpaid order's invoice under cancelOnPaymentFail). */
const WEBHOOK_ERROR_CODES = ['INVALID_SIGNATURE', 'TENANT_NOT_FOUND', 'UNKNOWN_GATEWAY', 'INVOICE_NOT_FOUND', 'INVOICE_CANCELED', 'INVOICE_CORRECTED', 'INVOICE_PAID'];

export const stripeWebhookRoutes: FastifyPluginAsync<StripeWebhookDeps> = async (app, deps) => {
  // the raw bytes (this plugin's own context: the app's JSON parser stays everywhere else)
  app.removeContentTypeParser('application/json');
  app.addContentTypeParser('application/json', { parseAs: 'buffer' }, (_req, body, done) => done(null, body));
  app.post('/payments/stripe/webhook', {
    config: { auth: 'none', idempotent: false, errorCodes: WEBHOOK_ERROR_CODES },
    // the schema documents the event; the bytes are checked by their signature (constructEvent), never by a schema
    validatorCompiler: () => () => true,
    schema: { tags: ['payments'], summary: 'Stripe webhook endpoint', description: 'Signed with the endpoint secret (header Stripe-Signature); payment_intent.* events settle Pending payments.', body: StripeEvent, response: { 200: Received },
      headers: Type.Object({ 'stripe-signature': Type.Optional(Type.String({ description: 't=<unix s>,v1=<hex HMAC-SHA256 of "<t>.<raw body>">' })) }),
    },
  }, async (req) => {
    const signature = req.headers['stripe-signature'];
    let event: Stripe.Event;
    try {
      event = Stripe.webhooks.constructEvent(req.body as Buffer, String(signature ?? ''), deps.webhookSecret);
    } catch {
      throw invalid('INVALID_SIGNATURE', 'The Stripe-Signature header does not match this endpoint\'s secret');
    }
    await deps.onEvent(event);
    return { received: true };
  });
};
