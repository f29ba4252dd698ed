import { connect } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config.js';
import { capConnections } from '../../src/http/server-limits.js';
import { testApp, type TestApp } from '../support/app.js';

// Serving (DESIGN §3 Serving, issue 15 part 7): this machine only unless HOST says otherwise;
// security headers on every answer; bounded sockets.
let t: TestApp;
beforeAll(async () => { t = await testApp(); });
afterAll(() => t.close());

describe('serving', () => {
  it('listens on 127.0.0.1 unless HOST is set; the limits come from the environment', () => {
    expect(loadConfig({}).host).toBe('127.0.0.1');
    expect(loadConfig({ HOST: '0.0.0.0' }).host).toBe('0.0.0.0');
    expect(loadConfig({}).serving).toEqual({
      headersTimeoutMs: 10_000, requestTimeoutMs: 30_000, keepAliveTimeoutMs: 5_000, maxConnections: 1_000,
      rateLimitPerCredential: 100_000, rateLimitWindowMs: 10_000, trustProxy: false,
    });
    expect(loadConfig({ KEEL_MAX_CONNECTIONS: '50' }).serving.maxConnections).toBe(50);
    expect(() => loadConfig({ KEEL_REQUEST_TIMEOUT_MS: 'soon' })).toThrow('KEEL_REQUEST_TIMEOUT_MS must be a whole number above 0, got "soon"');
  });

  it('API answers, the docs and the explorer carry the security headers; the explorer alone may run its inline script', async () => {
    for (const url of ['/healthz', '/openapi.json', '/orders/customers']) {
      const res = await t.call('GET', url);
      expect(res.headers['x-content-type-options'], url).toBe('nosniff');
      expect(res.headers['strict-transport-security'], url).toMatch(/max-age=\d+/);
      expect(res.headers['x-frame-options'], url).toBe('SAMEORIGIN');
      expect(String(res.headers['content-security-policy']), url).toContain("default-src 'self'");
      expect(String(res.headers['content-security-policy']), url).toContain("script-src 'self';");
    }
    const explorer = await t.call('GET', '/graphql');
    expect(explorer.statusCode).toBe(200);
    expect(String(explorer.headers['content-security-policy'])).toContain("script-src 'self' 'unsafe-inline'");
    expect(String(explorer.headers['content-security-policy'])).toContain("frame-ancestors 'self'");
    const docs = await t.call('GET', '/docs/');
    expect([docs.statusCode, docs.headers['x-content-type-options']]).toEqual([200, 'nosniff']);
    expect(String(docs.headers['content-security-policy'])).toContain("default-src 'self'");
  });

  it('past maxConnections a new socket is closed at once; the open one is still served', async () => {
    const server = t.rt.app.server;
    const before = { ...loadConfig({}).serving };
    capConnections(server, { ...before, maxConnections: 1 });
    expect([server.headersTimeout, server.requestTimeout, server.keepAliveTimeout, server.maxConnections]).toEqual([10_000, 30_000, 5_000, 1]);
    await t.rt.app.listen({ host: '127.0.0.1', port: 0 });
    const { port } = server.address() as { port: number };
    const open = (): Promise<{ answer: Promise<string>; write: (s: string) => void; closed: Promise<void> }> => new Promise((resolve) => {
      const socket = connect(port, '127.0.0.1', () => {
        let text = '';
        socket.on('data', (d) => { text += d.toString(); });
        resolve({
          answer: new Promise((r) => socket.on('data', () => { if (text.includes('\r\n\r\n')) r(text); })),
          write: (s) => socket.write(s),
          closed: new Promise((r) => socket.on('close', () => r())),
        });
      });
    });
    try {
      const first = await open();
      first.write('GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n');
      expect(await first.answer).toMatch(/^HTTP\/1\.1 200/);
      const second = await open();
      await second.closed;
    } finally {
      capConnections(server, before);
    }
  });
});

describe('a slow client', () => {
  let slow: TestApp;
  beforeAll(async () => { slow = await testApp({ config: { serving: { ...loadConfig({}).serving, headersTimeoutMs: 300, requestTimeoutMs: 300 } } }); });
  afterAll(() => slow.close());

  it('that never finishes its headers is answered 408 and cut off soon after the headers timeout, not after Node’s 60 s', async () => {
    await slow.rt.app.listen({ host: '127.0.0.1', port: 0 });
    const { port } = slow.rt.app.server.address() as { port: number };
    const started = performance.now();
    const answer = await new Promise<string>((resolve) => {
      let text = '';
      const socket = connect(port, '127.0.0.1', () => socket.write('GET /healthz HTTP/1.1\r\nHost: x\r\n'));
      socket.on('data', (d) => { text += d.toString(); });
      socket.on('close', () => resolve(text));
    });
    expect(answer).toMatch(/^HTTP\/1\.1 408/);
    // the timeout (0.3 s) plus at most one check interval (0.3 s), with room for a loaded machine
    expect(performance.now() - started).toBeLessThan(5_000);
  });
});

describe('behind a proxy', () => {
  it('KEEL_TRUST_PROXY is off unless set: true, or the proxies\' addresses', () => {
    expect(loadConfig({}).serving.trustProxy).toBe(false);
    expect(loadConfig({ KEEL_TRUST_PROXY: 'false' }).serving.trustProxy).toBe(false);
    expect(loadConfig({ KEEL_TRUST_PROXY: 'true' }).serving.trustProxy).toBe(true);
    expect(loadConfig({ KEEL_TRUST_PROXY: '10.0.0.0/8, 127.0.0.1' }).serving.trustProxy).toBe('10.0.0.0/8, 127.0.0.1');
    expect(() => loadConfig({ KEEL_TRUST_PROXY: '2' })).toThrow('a hop count is not supported');
  });

  const failures = async (app: TestApp, forwardedFor: string, n: number) => {
    const codes: number[] = [];
    for (let i = 0; i < n; i++) {
      const res = await app.call('POST', '/oauth/token', {
        payload: `client_id=00000000-0000-4000-8000-${String(i).padStart(12, '0')}&client_secret=nope&grant_type=client_credentials`,
        headers: { 'content-type': 'application/x-www-form-urlencoded', 'x-forwarded-for': forwardedFor },
      });
      codes.push(res.statusCode);
    }
    return codes;
  };

  it('with the proxy trusted, the sign-in throttle counts the client\'s address, not the proxy\'s', async () => {
    const proxied = await testApp({ config: { serving: { ...loadConfig({}).serving, trustProxy: '127.0.0.1' } } });
    try {
      expect(await failures(proxied, '203.0.113.7', 11)).toEqual([...Array<number>(10).fill(401), 429]);
      expect(await failures(proxied, '203.0.113.8', 1)).toEqual([401]);
    } finally {
      await proxied.close();
    }
  });

  it('without it, X-Forwarded-For is not believed', async () => {
    expect(await failures(t, '203.0.113.9', 10)).toEqual(Array<number>(10).fill(401));
    // the same socket address, whatever the header says
    expect(await failures(t, '203.0.113.10', 1)).toEqual([429]);
  });
});
