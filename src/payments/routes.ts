import type { FastifyPluginAsync } from 'fastify';
import Stripe from 'stripe';
import { invalid } from '../core/errors.js';

// Stripe's webhooks: signed with the endpoint secret, verified on the raw bytes, then handed to
// the reconciler. Always answered fast with 2xx once verified (Stripe retries otherwise).
export interface StripeWebhookDeps {
  webhookSecret: string;
  onEvent: (event: Stripe.Event) => Promise<void>;
}

export const stripeWebhookRoutes: FastifyPluginAsync<StripeWebhookDeps> = async (app, deps) => {
  // the raw bytes (this plugin's own context: the app's JSON parser stays everywhere else)
  app.removeContentTypeParser('application/json');
  app.addContentTypeParser('application/json', { parseAs: 'buffer' }, (_req, body, done) => done(null, body));
  app.post('/payments/stripe/webhook', { config: { auth: 'none', idempotent: false }, schema: { tags: ['payments'], summary: 'Stripe webhook endpoint' } }, async (req) => {
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
