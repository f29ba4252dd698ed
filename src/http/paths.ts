// Path conventions of the API (DESIGN.md §3): every path also answers under /v1, and custom verbs
// sit after a colon in the last segment (`/billing/invoices:pay`, `/objects/Product/{id}:activate`).
// The router can't match a parameter followed by `:verb`, so the URL is rewritten before routing:
// `…/abc:activate` → `…/abc/:activate`, and routes are declared with `verbPath`.

const VERB = /^([^/:]+):([A-Za-z][A-Za-z0-9-]*)$/;

export function rewriteUrl(url: string): string {
  const q = url.indexOf('?');
  let path = q === -1 ? url : url.slice(0, q);
  const query = q === -1 ? '' : url.slice(q);
  if (path === '/v1') path = '/';
  else if (path.startsWith('/v1/')) path = path.slice(3);
  const slash = path.lastIndexOf('/');
  const last = path.slice(slash + 1);
  const encoded = last.includes('%3A') || last.includes('%3a');
  const m = VERB.exec(encoded ? safeDecode(last) : last);
  // an id that arrived percent-encoded stays encoded, so the router decodes it exactly once
  if (m) path = `${path.slice(0, slash + 1)}${encoded ? encodeURIComponent(m[1]!) : m[1]}/:${m[2]}`;
  return path + query;
}

function safeDecode(s: string): string {
  try { return decodeURIComponent(s); } catch { return s; } // malformed escapes route as written (404)
}

/** The router path for `base:verb`; find-my-way reads `::` as a literal colon. */
export function verbPath(base: string, verb: string): string {
  return `${base}/::${verb}`;
}

/**
 * A router path as @fastify/swagger must be given it so the document reads `…:verb` literally
 * (`/x/::verb` → `/x:verb`, `/x/:id/::verb` → `/x/{id}:verb`), never as a path parameter. Its path
 * formatter reads `::` as a literal colon and `:name` as a parameter that the next non-word character
 * ends (and keeps): so after a parameter one colon, else two.
 */
export function documentedPath(routerPath: string): string {
  const m = /^(.*)\/::([A-Za-z][A-Za-z0-9-]*)$/.exec(routerPath);
  if (!m) return routerPath;
  const base = m[1]!;
  const afterParameter = base.slice(base.lastIndexOf('/') + 1).startsWith(':');
  return `${base}${afterParameter ? ':' : '::'}${m[2]}`;
}

/**
 * A stable operationId from the method and the router path, for routes that declare none:
 * `POST /billing/invoices/::pay` → `postBillingInvoicesPay`, `GET /orders/:id` → `getOrdersById`.
 * Unique while method and path are (the router holds one route per pair).
 */
export function operationIdOf(method: string, routerPath: string): string {
  const words = routerPath.split('/').filter((w) => w !== '').flatMap((segment) => {
    const verb = segment.startsWith('::');
    const param = !verb && segment.startsWith(':');
    const parts = segment.replace(/^:+/, '').split(/[^A-Za-z0-9]+/).filter((w) => w !== '');
    return param ? ['by', ...parts] : parts;
  });
  return method.toLowerCase() + words.map((w) => w[0]!.toUpperCase() + w.slice(1)).join('');
}
