import type { Clock } from './core/clock.js';
import type { OrgScope } from './core/scope.js';
import type { Db } from './db/connect.js';
import type { Permission, RoleId } from './tenancy/roles.js';
import type { Principal, Tenant } from './tenancy/model.js';

/**
 * What every use case receives first (`verbNoun(ctx, input)`): who calls, for which tenant,
 * the database and the tenant's clock. Inside a transaction pass `tx` explicitly; never use ctx.db there.
 */
export interface Ctx {
  tenantId: string;
  tenant: Tenant;
  principal: Principal;
  permissions: Set<Permission>;
  /** Set for a credential bound to a customer: what it may reach (src/core/scope.ts). */
  scope?: OrgScope | null;
  db: Db;
  clock: Clock;
  timeZone: string;
  requestId: string;
  /** The request's Idempotency-Key: gateway calls derive their own keys from it, so a retried
   * request never charges twice. */
  idempotencyKey?: string | undefined;
}

/** The role a principal acts with ('system' for Keel itself). */
export function roleOf(p: Principal): RoleId | 'system' {
  switch (p.kind) {
    case 'user': return p.effectiveRole;
    case 'apiKey': case 'client': return p.role;
    case 'system': return 'system';
  }
}

/** A customer-facing caller (DESIGN §3): it sets only what its allow-list names; null for the tenant's own people and Keel. */
export function customerFacingRole(ctx: Pick<Ctx, 'principal'>): 'self-service' | 'storefront' | null {
  const role = roleOf(ctx.principal);
  return role === 'self-service' || role === 'storefront' ? role : null;
}

/** Who acted, as stored in `…ById` fields: the user, the API client, the API key, or Keel itself. */
export function principalId(ctx: Pick<Ctx, 'principal'>): string {
  const p = ctx.principal;
  switch (p.kind) {
    case 'user': return p.userId;
    case 'client': return p.clientId;
    case 'apiKey': return p.keyId;
    case 'system': return p.name;
  }
}

/**
 * Whom work enqueued by a request acts for (src/jobs payloads): the caller's principal, its
 * permissions and, for a bound credential, the customer at the top of its scope (the set is
 * resolved again when the job runs, as a request resolves it).
 */
export interface Actor {
  principal: Principal;
  permissions: Permission[];
  scope: { rootCustomerId: string | null } | null;
}

export function actorOf(ctx: Pick<Ctx, 'principal' | 'permissions' | 'scope'>): Actor {
  return { principal: ctx.principal, permissions: [...ctx.permissions], scope: ctx.scope ? { rootCustomerId: ctx.scope.rootCustomerId } : null };
}
