import type { Clock } from './core/clock.js';
import type { Db } from './db/connect.js';
import type { Permission } from './tenancy/roles.js';
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
  db: Db;
  clock: Clock;
  timeZone: string;
  requestId: string;
}
