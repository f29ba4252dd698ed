import type { FastifyInstance } from 'fastify';
import { keelClient, type KeelClient } from '../../client/index.js';

/**
 * The typed client (client/index.ts) over a server in this process: its fetch hands each Request to
 * `app.inject`, so a test speaks to Keel exactly as a generated SDK does, without a socket.
 */
export function clientFor(app: FastifyInstance, credential: string): KeelClient {
  const injected: typeof fetch = async (input, init) => {
    const request = input instanceof Request ? input : new Request(input, init);
    const url = new URL(request.url);
    const body = request.body ? Buffer.from(await request.arrayBuffer()) : undefined;
    const res = await app.inject({
      method: request.method as 'GET', url: url.pathname + url.search,
      headers: Object.fromEntries(request.headers.entries()), ...(body && { payload: body }),
    });
    const headers = new Headers();
    for (const [k, v] of Object.entries(res.headers)) if (v !== undefined) headers.set(k, Array.isArray(v) ? v.join(', ') : String(v));
    return new Response(res.statusCode === 204 ? null : new Uint8Array(res.rawPayload), { status: res.statusCode, headers });
  };
  return keelClient({ baseUrl: 'http://keel.test', credential, fetch: injected });
}
