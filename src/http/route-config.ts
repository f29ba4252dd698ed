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
}

declare module 'fastify' {
  interface FastifyContextConfig extends KeelRouteConfig {}
  interface FastifyRequest {
    ctx: Ctx;
  }
}
