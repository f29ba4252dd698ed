import { createHash, createHmac, randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

// An in-repo fake of the Stripe API subset Keel uses (shared/spec/stripe.md §9), on loopback:
// PaymentIntents (create/confirm, capture, cancel, retrieve), refunds, idempotent POSTs (replay,
// 400 on a changed body), the error envelope, and signed webhooks. State lives in memory.

type Obj = Record<string, unknown>;
interface Saved { fingerprint: string; status: number; body: string }

const rid = (p: string) => `${p}_${randomBytes(8).toString('hex')}`;
const DECLINED = new Set(['pm_card_chargeDeclined', 'tok_chargeDeclined', 'pm_card_visa_chargeDeclined']);
const SUCCEEDS = new Set(['pm_card_visa', 'tok_visa', 'pm_card_mastercard']);

function form(body: string): Record<string, string> {
  return Object.fromEntries(new URLSearchParams(body));
}

export interface FakeStripe {
  url: string; host: string; port: number;
  intents: Map<string, Obj>;
  requests: { method: string; path: string; idempotencyKey: string | undefined }[];
  webhook: { url: string | null; secret: string };
  refunds: Map<string, Obj>;
  /** New refunds start `pending` (as Stripe's for some methods) until `settleRefund`. */
  holdRefunds(on: boolean): void;
  /** A pending refund ends: succeeded, or failed (Stripe then sets failure_reason). */
  settleRefund(id: string, outcome: 'succeeded' | 'failed'): void;
  /** Drops the socket after the next POST (or the next `times` POSTs: the SDK's own retries too) has executed (the client sees a timeout, the charge exists). */
  dropNext(times?: number): void;
  /** The customer finished (or failed) 3-D Secure: the intent moves on; returns the signed webhook
   * Stripe would send (and sends it when `webhook.url` is set). */
  authenticate(id: string, outcome: 'succeed' | 'fail'): Promise<{ payload: string; signature: string; status: number | null }>;
  close(): Promise<void>;
}

export async function startFakeStripe(secret = 'whsec_test_keel'): Promise<FakeStripe> {
  const intents = new Map<string, Obj>();
  const refunds = new Map<string, Obj>();
  const saved = new Map<string, Saved>();
  const requests: FakeStripe['requests'] = [];
  const webhook = { url: null as string | null, secret };
  let drop = 0;
  let hold = false;

  const error = (status: number, type: string, code: string, message: string, extra: Obj = {}) => ({ status, body: { error: { type, code, message, ...extra } } });

  function route(method: string, path: string, p: Record<string, string>): { status: number; body: unknown } {
    const m = /^\/v1\/payment_intents(?:\/([^/]+))?(?:\/(capture|cancel|confirm))?$/.exec(path);
    if (m && method === 'POST' && !m[1]) {
      const amount = Number(p.amount);
      if (!Number.isInteger(amount) || amount < 50) return error(400, 'invalid_request_error', 'amount_too_small', 'Amount must be at least $0.50 usd', { param: 'amount' });
      const pi: Obj = {
        id: rid('pi'), object: 'payment_intent', amount, amount_capturable: 0, amount_received: 0, currency: p.currency, status: 'requires_payment_method',
        capture_method: p.capture_method ?? 'automatic_async', payment_method: null, latest_charge: null, last_payment_error: null, next_action: null,
        client_secret: '', created: Math.floor(Date.now() / 1000), livemode: false, metadata: {}, cancellation_reason: null, canceled_at: null,
      };
      pi.client_secret = `${String(pi.id)}_secret_${randomBytes(6).toString('hex')}`;
      intents.set(String(pi.id), pi);
      const pm = p.payment_method ?? '';
      if (p.confirm === 'true') {
        if (DECLINED.has(pm)) {
          pi.last_payment_error = { type: 'card_error', code: 'card_declined', decline_code: 'generic_decline', message: 'Your card was declined.' };
          return error(402, 'card_error', 'card_declined', 'Your card was declined.', { decline_code: 'generic_decline', charge: rid('ch'), payment_intent: pi });
        }
        if (pm === 'pm_card_authenticationRequired') {
          Object.assign(pi, { status: 'requires_action', payment_method: rid('pm'), next_action: { type: 'use_stripe_sdk' } });
        } else if (SUCCEEDS.has(pm)) {
          const manual = pi.capture_method === 'manual';
          Object.assign(pi, { payment_method: rid('pm'), latest_charge: rid('ch'), status: manual ? 'requires_capture' : 'succeeded', amount_capturable: manual ? amount : 0, amount_received: manual ? 0 : amount });
        } else {
          return error(400, 'invalid_request_error', 'resource_missing', `No such PaymentMethod: '${pm}'`, { param: 'payment_method' });
        }
      }
      return { status: 200, body: pi };
    }
    if (m?.[1]) {
      const pi = intents.get(m[1]);
      if (!pi) return error(404, 'invalid_request_error', 'resource_missing', `No such payment_intent: '${m[1]}'`, { param: 'intent' });
      if (method === 'GET' && !m[2]) return { status: 200, body: pi };
      const unexpected = () => error(400, 'invalid_request_error', 'payment_intent_unexpected_state', `This PaymentIntent's status is ${String(pi.status)}`, { payment_intent: pi });
      if (m[2] === 'capture') {
        if (pi.status !== 'requires_capture') return unexpected();
        const amt = p.amount_to_capture ? Number(p.amount_to_capture) : Number(pi.amount_capturable);
        Object.assign(pi, { status: 'succeeded', amount_received: amt, amount_capturable: 0 });
        return { status: 200, body: pi };
      }
      if (m[2] === 'cancel') {
        if (pi.status === 'succeeded' || pi.status === 'canceled') return unexpected();
        Object.assign(pi, { status: 'canceled', amount_capturable: 0, cancellation_reason: p.cancellation_reason ?? null, canceled_at: Math.floor(Date.now() / 1000) });
        return { status: 200, body: pi };
      }
    }
    if (path === '/v1/refunds' && method === 'POST') {
      const pi = intents.get(p.payment_intent ?? '');
      if (!pi || pi.status !== 'succeeded') return error(400, 'invalid_request_error', 'payment_intent_unexpected_state', 'The PaymentIntent has not succeeded', { param: 'payment_intent' });
      const refunded = [...refunds.values()].filter((r) => r.payment_intent === pi.id && (r.status === 'succeeded' || r.status === 'pending')).reduce((a, r) => a + Number(r.amount), 0);
      const amount = p.amount ? Number(p.amount) : Number(pi.amount_received) - refunded;
      if (amount + refunded > Number(pi.amount_received)) return error(400, 'invalid_request_error', 'amount_too_large', 'Refund amount is greater than the unrefunded amount', { param: 'amount' });
      const r = { id: rid('re'), object: 'refund', amount, currency: pi.currency, charge: pi.latest_charge, payment_intent: pi.id, status: hold ? 'pending' : 'succeeded',
        failure_reason: null, created: Math.floor(Date.now() / 1000) };
      refunds.set(r.id, r);
      return { status: 200, body: r };
    }
    const refund = /^\/v1\/refunds\/([^/]+)$/.exec(path);
    if (refund && method === 'GET') {
      const r = refunds.get(refund[1]!);
      return r ? { status: 200, body: r } : error(404, 'invalid_request_error', 'resource_missing', `No such refund: '${refund[1]}'`, { param: 'id' });
    }
    return error(404, 'invalid_request_error', 'resource_missing', `Unrecognized request URL (${method}: ${path})`);
  }

  const server = createServer((req: IncomingMessage, res: ServerResponse) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const url = new URL(req.url ?? '/', 'http://fake');
      const raw = Buffer.concat(chunks).toString('utf8');
      const key = req.headers['idempotency-key'] as string | undefined;
      requests.push({ method: req.method ?? 'GET', path: url.pathname, idempotencyKey: key });
      const send = (status: number, body: string, replayed = false) => {
        res.writeHead(status, { 'content-type': 'application/json', 'request-id': rid('req'), 'stripe-version': String(req.headers['stripe-version'] ?? ''), ...(replayed && { 'idempotent-replayed': 'true' }), ...(key && { 'idempotency-key': key }) });
        res.end(body);
      };
      if (!/^Bearer sk_test_/.test(String(req.headers.authorization ?? ''))) {
        send(401, JSON.stringify({ error: { type: 'invalid_request_error', message: 'Invalid API Key provided' } }));
        return;
      }
      const fingerprint = createHash('sha256').update(`${req.method} ${url.pathname} ${raw}`).digest('hex');
      if (req.method === 'POST' && key) {
        const prior = saved.get(key);
        if (prior && prior.fingerprint !== fingerprint) {
          send(400, JSON.stringify({ error: { type: 'idempotency_error', message: 'Keys for idempotent requests can only be used with the same parameters they were first used with.' } }));
          return;
        }
        if (prior) {
          if (drop > 0) { drop--; req.socket.destroy(); return; }   // a replay's answer can be lost too
          send(prior.status, prior.body, true);
          return;
        }
      }
      const params = req.method === 'GET' ? Object.fromEntries(url.searchParams) : form(raw);
      const out = route(req.method ?? 'GET', url.pathname, params);
      const body = JSON.stringify(out.body);
      if (req.method === 'POST' && key) saved.set(key, { fingerprint, status: out.status, body });
      if (drop > 0 && req.method === 'POST') { drop--; req.socket.destroy(); return; }
      send(out.status, body);
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const port = (server.address() as AddressInfo).port;

  return {
    url: `http://127.0.0.1:${port}`, host: '127.0.0.1', port, intents, refunds, requests, webhook,
    dropNext(times = 1) { drop = times; },
    holdRefunds(on) { hold = on; },
    settleRefund(id, outcome) {
      const r = refunds.get(id);
      if (!r || r.status !== 'pending') throw new Error(`no pending refund ${id}`);
      Object.assign(r, outcome === 'succeeded' ? { status: 'succeeded' } : { status: 'failed', failure_reason: 'expired_or_canceled_card' });
    },
    async authenticate(id, outcome) {
      const pi = intents.get(id);
      if (!pi) throw new Error(`no intent ${id}`);
      if (outcome === 'succeed') {
        const manual = pi.capture_method === 'manual';
        Object.assign(pi, { status: manual ? 'requires_capture' : 'succeeded', latest_charge: rid('ch'), next_action: null, amount_received: manual ? 0 : pi.amount, amount_capturable: manual ? pi.amount : 0 });
      } else {
        Object.assign(pi, { status: 'requires_payment_method', next_action: null, last_payment_error: { type: 'card_error', code: 'payment_intent_authentication_failure', message: 'The provided PaymentMethod has failed authentication.' } });
      }
      const event = {
        id: rid('evt'), object: 'event', api_version: '2026-10-28.endive', created: Math.floor(Date.now() / 1000), livemode: false, pending_webhooks: 1,
        request: { id: null, idempotency_key: null }, type: outcome === 'succeed' ? (pi.status === 'succeeded' ? 'payment_intent.succeeded' : 'payment_intent.amount_capturable_updated') : 'payment_intent.payment_failed',
        data: { object: pi },
      };
      const payload = JSON.stringify(event);
      const t = Math.floor(Date.now() / 1000);
      const sig = createHmac('sha256', webhook.secret).update(`${t}.${payload}`).digest('hex');
      const signature = `t=${t},v1=${sig}`;
      if (!webhook.url) return { payload, signature, status: null };
      const res = await fetch(webhook.url, { method: 'POST', headers: { 'content-type': 'application/json', 'stripe-signature': signature }, body: payload });
      return { payload, signature, status: res.status };
    },
    close: () => new Promise<void>((r) => server.close(() => r())),
  };
}
