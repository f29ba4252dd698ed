import type { Ctx } from '../context.js';
import type { Permission } from '../tenancy/roles.js';

// What a route declares about itself (`config` in its options); src/http enforces it.
export interface KeelRouteConfig {
  /** 'tenant' (default): an API key, a user's or client's JWT. 'admin': KEEL_ADMIN_TOKEN. 'none': public. */
  auth?: 'tenant' | 'admin' | 'none';
  /** Required permission; a valid credential without it gets 403. */
  permission?: Permission;
  /** false for credential exchanges (/auth/*, /oauth/token), whose answers must not be replayed. */
  idempotent?: boolean;
  /** Who may reach it (DESIGN §3): 'tenant' routes refuse scoped and customer-facing credentials;
   * 'organisation' routes serve them inside their scope; 'public-catalog' routes serve anyone. */
  scope?: ScopeClass;
  /** Fields of the answer that hold a secret shown once: an idempotent replay answers them null. */
  secretFields?: readonly string[];
  /** The errorCodes its own work may answer, beyond the pipeline's (src/http/error-codes.ts). */
  errorCodes?: readonly string[];
  /** CSP directives that replace the strict default's on this route (a page with its own inline script). */
  contentSecurityPolicy?: Readonly<Record<string, readonly string[]>>;
}

export type ScopeClass = 'tenant' | 'organisation' | 'public-catalog';

/** A route as registered: the standing tests are generated from this table. */
export interface RouteEntry { method: string; url: string; config: KeelRouteConfig }

declare module 'fastify' {
  interface FastifyContextConfig extends KeelRouteConfig {}
  interface FastifyInstance {
    routeTable: readonly RouteEntry[];
  }
  interface FastifyRequest {
    ctx: Ctx;
  }
}
