import createClient, { type Client } from 'openapi-fetch';
import type { paths } from './api.js';

// Keel's typed API client: openapi-fetch over the types generated from /openapi.json
// (client/api.d.ts, `npm run gen:client`). Paths are the document's, colon verbs included:
// `client.POST('/orders/{id}:activate', { params: { path: { id } } })`.

export type { paths } from './api.js';
export type KeelClient = Client<paths>;

export interface KeelClientOptions {
  /** Where Keel answers, e.g. http://127.0.0.1:8080 */
  baseUrl: string;
  /** An API key (`keel_…`) or a bearer JWT (a user's, an API client's, a portal session's). */
  credential?: string;
  /** Another fetch (tests route it into the server in process). */
  fetch?: typeof fetch;
  headers?: Record<string, string>;
}

export function keelClient(o: KeelClientOptions): KeelClient {
  return createClient<paths>({
    baseUrl: o.baseUrl,
    ...(o.fetch && { fetch: o.fetch }),
    headers: { ...(o.credential && { authorization: `Bearer ${o.credential}` }), ...o.headers },
  });
}
