import { createHash } from 'node:crypto';
import Stripe from 'stripe';
import { toMinorUnits } from '../core/money.js';
import type { GatewayOutcome, PaymentGateway } from './gateway.js';

// The Stripe gateway: PaymentIntents (manual capture to authorize, automatic to charge), refunds,
// and webhook signature checks, through the official SDK (shared/spec/stripe.md). Keys sent to
// Stripe are hashed from Keel's own, so they stay under 255 characters.

export interface StripeConfig {
  secretKey: string;
  webhookSecret?: string | undefined;
  host?: string | undefined;        // a local fake in tests
  port?: number | undefined;
  protocol?: 'http' | 'https' | undefined;
  timeoutMs?: number | undefined;
}

const hashKey = (k: string) => `keel_${createHash('sha256').update(k).digest('hex')}`;

/** What a PaymentIntent's status means for Keel (also used for webhook events). */
export function outcomeOf(pi: Stripe.PaymentIntent): GatewayOutcome {
  switch (pi.status) {
    case 'succeeded': return { status: 'succeeded', reference: pi.id };
    case 'requires_capture': return { status: 'authorized', reference: pi.id };
    case 'requires_action': return { status: 'requires_action', reference: pi.id };
    case 'processing': return { status: 'pending', reference: pi.id };
    default: {
      const e = pi.last_payment_error;
      return { status: 'declined', reference: pi.id, declineCode: e?.decline_code ?? e?.code ?? pi.status, message: e?.message ?? `The payment is ${pi.status}` };
    }
  }
}

export function stripeClient(cfg: StripeConfig): Stripe {
  return new Stripe(cfg.secretKey, {
    maxNetworkRetries: 2, timeout: cfg.timeoutMs ?? 20_000, telemetry: false,
    ...(cfg.host && { host: cfg.host }), ...(cfg.port && { port: cfg.port }), ...(cfg.protocol && { protocol: cfg.protocol }),
  });
}

export function stripeGateway(cfg: StripeConfig, client: Stripe = stripeClient(cfg)): PaymentGateway & { client: Stripe } {
  async function call(f: () => Promise<Stripe.PaymentIntent>): Promise<GatewayOutcome> {
    try {
      return outcomeOf(await f());
    } catch (e) {
      if (e instanceof Stripe.errors.StripeCardError) {
        const pi = (e.payment_intent as Stripe.PaymentIntent | undefined);
        return { status: 'declined', reference: pi?.id ?? null, declineCode: e.decline_code ?? e.code ?? 'card_declined', message: e.message };
      }
      throw e; // connection errors and timeouts: the caller keeps the payment Pending and retries with the same key
    }
  }
  return {
    name: 'stripe',
    client,
    authorize(i) {
      return call(() => client.paymentIntents.create({
        amount: toMinorUnits(i.amount, i.currency), currency: i.currency.toLowerCase(), payment_method: i.token, confirm: true,
        capture_method: i.capture ? 'automatic' : 'manual', automatic_payment_methods: { enabled: true, allow_redirects: 'never' },
      }, { idempotencyKey: hashKey(i.idempotencyKey) }));
    },
    capture(reference, key) {
      return call(() => client.paymentIntents.capture(reference, {}, { idempotencyKey: hashKey(key) }));
    },
    async void(reference, key) {
      await client.paymentIntents.cancel(reference, { cancellation_reason: 'abandoned' }, { idempotencyKey: hashKey(key) });
    },
    status(reference) {
      return call(() => client.paymentIntents.retrieve(reference));
    },
    async refund(reference, amount, key) {
      const pi = await client.paymentIntents.retrieve(reference);
      try {
        return refundOutcome(await client.refunds.create({ payment_intent: reference, amount: toMinorUnits(amount, pi.currency.toUpperCase()) }, { idempotencyKey: hashKey(key) }));
      } catch (e) {
        // Stripe's definite no (more than is left to refund, a charge disputed): nothing was refunded
        if (e instanceof Stripe.errors.StripeInvalidRequestError) return { status: 'declined', reference: null, declineCode: e.code ?? 'invalid_request', message: e.message };
        throw e;
      }
    },
    async refundStatus(reference) {
      return refundOutcome(await client.refunds.retrieve(reference));
    },
  };
}

/** A Stripe Refund as an outcome: succeeded; failed or canceled (the money stays with the merchant); else still pending. */
function refundOutcome(refund: Stripe.Refund): GatewayOutcome {
  if (refund.status === 'succeeded') return { status: 'succeeded', reference: refund.id };
  if (refund.status === 'failed' || refund.status === 'canceled') {
    return { status: 'declined', reference: refund.id, declineCode: refund.failure_reason ?? refund.status, message: `The refund ${refund.status}` };
  }
  return { status: 'pending', reference: refund.id };
}
