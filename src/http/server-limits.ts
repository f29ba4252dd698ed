import type { Server, ServerOptions } from 'node:http';
import type { Config } from '../config.js';

// What one client may hold of the server (issue 15 part 7). Node's defaults let a slow client keep a
// socket for 300 s (requestTimeout) and send headers for 60 s. These bound *receiving* a request —
// its headers, then all of it — and idle keep-alive sockets; the work a request starts is not cut
// off (a long run answers when it is done). Past maxConnections new sockets are closed at once.
/** The limits as the server is created with them, checked every second. */
export function serverOptions(limits: Config['serving']): ServerOptions {
  return {
    headersTimeout: Math.min(limits.headersTimeoutMs, limits.requestTimeoutMs), requestTimeout: limits.requestTimeoutMs,
    keepAliveTimeout: limits.keepAliveTimeoutMs, connectionsCheckingInterval: Math.min(1_000, limits.headersTimeoutMs),
  };
}

/** The limits on a server already made (the connection cap is only settable so). */
export function applyServerLimits(server: Server, limits: Config['serving']): void {
  server.headersTimeout = Math.min(limits.headersTimeoutMs, limits.requestTimeoutMs);
  server.requestTimeout = limits.requestTimeoutMs;
  server.keepAliveTimeout = limits.keepAliveTimeoutMs;
  server.maxConnections = limits.maxConnections;
}
