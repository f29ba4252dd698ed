import type { Server, ServerOptions } from 'node:http';
import type { Config, TrustProxy } from '../config.js';

// What one client may hold of the server (issue 15 part 7). Node's defaults let a slow client keep a
// socket for 300 s (requestTimeout) and send headers for 60 s. These bound *receiving* a request —
// its headers, then all of it — and idle keep-alive sockets; the work a request starts is not cut
// off (a long run answers when it is done). Past maxConnections new sockets are closed at once.

/**
 * The limits as fastify makes the server with them: its own `requestTimeout` and `keepAliveTimeout`
 * options (it overrides those of `http`), and through `http` the headers timeout, checked every second.
 * `trustProxy` (KEEL_TRUST_PROXY) too: behind a proxy `req.ip` is then the client's, as the sign-in throttle needs.
 */
export function serverOptions(limits: Config['serving']): { requestTimeout: number; keepAliveTimeout: number; trustProxy: TrustProxy; http: ServerOptions } {
  return {
    requestTimeout: limits.requestTimeoutMs, keepAliveTimeout: limits.keepAliveTimeoutMs, trustProxy: limits.trustProxy,
    http: { headersTimeout: Math.min(limits.headersTimeoutMs, limits.requestTimeoutMs), connectionsCheckingInterval: Math.min(1_000, limits.headersTimeoutMs) },
  };
}

/** The connection cap, which a server takes only once it is made. */
export function capConnections(server: Server, limits: Config['serving']): void {
  server.maxConnections = limits.maxConnections;
}
