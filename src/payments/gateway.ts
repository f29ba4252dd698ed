import { createHash } from 'node:crypto';

// Payment gateways behind one interface (DESIGN "Payments and atomicity"). Keel never keeps a
// database transaction open across these calls; every call carries an idempotency key derived from
// the request, so a retry after a timeout never charges twice.
export type GatewayOutcome =
  | { status: 'authorized' | 'succeeded'; reference: string }
  | { status: 'declined'; reference: string | null; declineCode: string; message: string }
  | { status: 'requires_action'; reference: string }
  | { status: 'pending'; reference: string | null };   // no answer (a timeout): settled later, under the same key

export interface PaymentGateway {
  readonly name: string;
  /** Authorize (manual capture) or charge at once. */
  authorize(i: { amount: string; currency: string; token: string; idempotencyKey: string; capture: boolean }): Promise<GatewayOutcome>;
  capture(reference: string, idempotencyKey: string): Promise<GatewayOutcome>;
  void(reference: string, idempotencyKey: string): Promise<void>;
  refund(reference: string, amount: string, idempotencyKey: string): Promise<GatewayOutcome>;
  /** Where a payment stands now (the reconciler polls when no webhook came). */
  status(reference: string): Promise<GatewayOutcome>;
  /** Where a refund stands now (one the gateway processes later is followed up by the reconciler). */
  refundStatus(reference: string): Promise<GatewayOutcome>;
}

/**
 * The built-in `test` gateway: Stripe's test tokens, answered locally and deterministically.
 * pm_card_visa / tok_visa succeed; pm_card_chargeDeclined / tok_chargeDeclined decline;
 * pm_card_authenticationRequired needs the customer's action (202, Pending); pm_card_timeoutOnce
 * charges but its first answer is lost (a timeout, as Stripe's dropped socket): asked again under
 * the same key, it answers with that charge. pm_card_slow succeeds after 1.5 s (a slow gateway: the
 * fault suite kills a server between an order's commit and its charge with it).
 */
export function testGateway(): PaymentGateway {
  const seen = new Map<string, GatewayOutcome>();
  const byReference = new Map<string, GatewayOutcome>();
  const ref = (key: string) => `test_${createHash('sha256').update(key).digest('hex').slice(0, 24)}`;
  const once = (key: string, f: () => GatewayOutcome): GatewayOutcome => {
    const hit = seen.get(key);
    if (hit) return hit;
    const out = f();
    seen.set(key, out);
    if (out.reference) byReference.set(out.reference, out);
    return out;
  };
  const lost = new Set<string>();
  return {
    name: 'test',
    async authorize(i) {
      if (i.token === 'pm_card_slow') await new Promise((r) => setTimeout(r, 1500));
      if (i.token === 'pm_card_timeoutOnce' && !lost.has(i.idempotencyKey)) {
        lost.add(i.idempotencyKey);
        once(i.idempotencyKey, () => ({ status: i.capture ? 'succeeded' : 'authorized', reference: ref(i.idempotencyKey) }));
        throw new Error('The test gateway did not answer (pm_card_timeoutOnce)');
      }
      return once(i.idempotencyKey, () => {
        if (['pm_card_chargeDeclined', 'tok_chargeDeclined'].includes(i.token)) {
          return { status: 'declined', reference: ref(i.idempotencyKey), declineCode: 'card_declined', message: 'Your card was declined.' };
        }
        if (i.token === 'pm_card_authenticationRequired') return { status: 'requires_action', reference: ref(i.idempotencyKey) };
        if (['pm_card_visa', 'tok_visa', 'pm_card_mastercard', 'pm_card_timeoutOnce', 'pm_card_slow'].includes(i.token)) return { status: i.capture ? 'succeeded' : 'authorized', reference: ref(i.idempotencyKey) };
        return { status: 'declined', reference: null, declineCode: 'invalid_payment_method', message: `Unknown test payment method ${i.token}` };
      });
    },
    async capture(reference, key) { return once(key, () => ({ status: 'succeeded', reference })); },
    async void() { /* nothing held on the test gateway */ },
    async refund(reference, _amount, key) { return once(key, () => ({ status: 'succeeded', reference: ref(key) })); },
    async status(reference) { return byReference.get(reference) ?? { status: 'pending', reference }; },
    async refundStatus(reference) { return byReference.get(reference) ?? { status: 'pending', reference }; },
  };
}
