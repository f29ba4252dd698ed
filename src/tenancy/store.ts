import { sql, type Updateable } from 'kysely';
import type { Db } from '../db/connect.js';
import type { Tx } from '../db/transaction.js';
import type { Database, Row } from '../db/schema.js';
import { DEFAULT_SETTINGS, type ApiClient, type ApiKey, type LoginRecord, type Membership, type RefreshToken, type Tenant, type TenantSettings, type User } from './model.js';
import type { RoleId } from './roles.js';

// The only file that touches the tenancy tables, and the only one that sees their rows: each row
// becomes its domain type (model.ts) in the one mapper below.
type Q = Db | Tx;

function toTenant(r: Row<'tenants'>): Tenant {
  return {
    id: r.id, tenantNumber: r.tenant_number, name: r.name, accessKey: r.access_key, currency: r.currency,
    timeZone: r.time_zone, sandbox: r.sandbox,
    settings: { ...DEFAULT_SETTINGS, ...(r.settings as Partial<TenantSettings>) },
    testClockDate: r.test_clock_date, createdAt: r.created_at,
  };
}

function toUser(r: Row<'users'>): User {
  return {
    id: r.id, userName: r.user_name, email: r.email, firstName: r.first_name, lastName: r.last_name,
    phoneNumber: r.phone_number, timeZone: r.time_zone, locale: r.locale, status: r.status,
    lastLoginAt: r.last_login_at, createdAt: r.created_at,
  };
}

export async function countTenants(db: Q): Promise<number> {
  const r = await db.selectFrom('tenants').select(sql<string>`count(*)`.as('n')).executeTakeFirstOrThrow();
  return Number(r.n);
}

export async function tenantZones(db: Q): Promise<{ id: string; timeZone: string }[]> {
  const r = await db.selectFrom('tenants').select(['id', 'time_zone']).orderBy('id').execute();
  return r.map((t) => ({ id: t.id, timeZone: t.time_zone }));
}

/** Undefined when the name is taken. */
export async function insertTenant(db: Q, t: { name: string; accessKey: string; currency: string; timeZone: string; sandbox: boolean }): Promise<Tenant | undefined> {
  const row = await db.insertInto('tenants')
    .values({ name: t.name, access_key: t.accessKey, currency: t.currency, time_zone: t.timeZone, sandbox: t.sandbox, settings: '{}' })
    .onConflict((oc) => oc.column('name').doNothing())
    .returningAll().executeTakeFirst();
  return row && toTenant(row);
}

export async function findTenant(db: Q, id: string): Promise<Tenant | undefined> {
  const r = await db.selectFrom('tenants').selectAll().where('id', '=', id).executeTakeFirst();
  return r && toTenant(r);
}

export async function findTenantByName(db: Q, name: string): Promise<Tenant | undefined> {
  const r = await db.selectFrom('tenants').selectAll().where('name', '=', name).executeTakeFirst();
  return r && toTenant(r);
}

export async function findTenantBySelector(db: Q, selector: string): Promise<Tenant | undefined> {
  const r = await db.selectFrom('tenants').selectAll().where('access_key', '=', selector).executeTakeFirst();
  return r && toTenant(r);
}

/** Every origin any tenant lists in settings.corsOrigins, once each. */
export async function listCorsOrigins(db: Q): Promise<string[]> {
  const rows = await db.selectFrom('tenants')
    .select(sql<string>`jsonb_array_elements_text(settings->'corsOrigins')`.as('origin'))
    .where(sql<string>`jsonb_typeof(settings->'corsOrigins')`, '=', 'array')
    .distinct().execute();
  return rows.map((r) => r.origin);
}

export async function updateTenant(db: Q, id: string, patch: { settings?: TenantSettings | undefined; currency?: string | undefined; timeZone?: string | undefined; testClockDate?: string | null | undefined }): Promise<Tenant> {
  const set: Updateable<Database['tenants']> = {
    ...(patch.settings && { settings: JSON.stringify(patch.settings) }),
    ...(patch.currency && { currency: patch.currency }),
    ...(patch.timeZone && { time_zone: patch.timeZone }),
    ...(patch.testClockDate !== undefined && { test_clock_date: patch.testClockDate }),
  };
  if (Object.keys(set).length === 0) {
    return toTenant(await db.selectFrom('tenants').selectAll().where('id', '=', id).executeTakeFirstOrThrow());
  }
  return toTenant(await db.updateTable('tenants').set(set).where('id', '=', id).returningAll().executeTakeFirstOrThrow());
}

const toMembership = (r: Pick<Row<'tenant_users'>, 'tenant_id' | 'user_id' | 'roles' | 'effective_role'>): Membership =>
  ({ tenantId: r.tenant_id, userId: r.user_id, roles: r.roles as RoleId[], effectiveRole: r.effective_role as RoleId });

const toApiKey = (r: Row<'api_keys'>): ApiKey =>
  ({ id: r.id, name: r.name, role: r.role as RoleId, customerId: r.customer_id, keyPrefix: r.key_prefix, createdAt: r.created_at, revokedAt: r.revoked_at });
const toApiClient = (r: Row<'api_clients'>): ApiClient =>
  ({ id: r.id, name: r.name, role: r.role as RoleId, customerId: r.customer_id, createdAt: r.created_at, revokedAt: r.revoked_at });

const toRefreshToken = (r: Row<'refresh_tokens'>): RefreshToken => ({
  tokenHash: r.token_hash, userId: r.user_id, tenantId: r.tenant_id, family: r.family, expiresAt: r.expires_at,
  usedAt: r.used_at, revokedAt: r.revoked_at, createdAt: r.created_at,
});

const toLoginRecord = (r: Row<'login_history'>): LoginRecord => ({
  userId: r.user_id, tenantId: r.tenant_id, userName: r.user_name, loginTime: r.login_time, status: r.status as LoginRecord['status'],
  browser: r.browser, loginUrl: r.login_url, role: r.role, errorMessage: r.error_message,
});

// --- API keys and clients -------------------------------------------------------------------

export async function insertApiKey(db: Q, tenantId: string, k: { name: string; keyHash: string; keyPrefix: string; role: RoleId; customerId: string | null }): Promise<ApiKey> {
  await db.insertInto('credential_routes').values({ lookup: k.keyHash, tenant_id: tenantId }).execute();
  const r = await db.insertInto('api_keys')
    .values({ tenant_id: tenantId, name: k.name, key_hash: k.keyHash, key_prefix: k.keyPrefix, role: k.role, customer_id: k.customerId })
    .returningAll().executeTakeFirstOrThrow();
  return toApiKey(r);
}

/** One round trip: the key's route, the key and its tenant. */
export async function findActiveApiKey(db: Q, keyHash: string): Promise<{ keyId: string; role: RoleId; customerId: string | null; tenant: Tenant } | undefined> {
  const r = await db.selectFrom('credential_routes as cr')
    .innerJoin('api_keys as k', (j) => j.onRef('k.tenant_id', '=', 'cr.tenant_id').onRef('k.key_hash', '=', 'cr.lookup'))
    .innerJoin('tenants as t', 't.id', 'k.tenant_id')
    .selectAll('t').select(['k.id as key_id', 'k.role as key_role', 'k.customer_id as key_customer_id'])
    .where('cr.lookup', '=', keyHash).where('k.revoked_at', 'is', null)
    .executeTakeFirst();
  if (!r) return undefined;
  const { key_id, key_role, key_customer_id, ...t } = r;
  return { keyId: key_id, role: key_role as RoleId, customerId: key_customer_id, tenant: toTenant(t) };
}

export async function listApiKeys(db: Q, tenantId: string): Promise<ApiKey[]> {
  const rows = await db.selectFrom('api_keys').selectAll().where('tenant_id', '=', tenantId).orderBy('created_at').execute();
  return rows.map(toApiKey);
}

export async function revokeApiKey(db: Q, tenantId: string, id: string, at: Date): Promise<ApiKey | undefined> {
  const r = await db.updateTable('api_keys').set({ revoked_at: sql`coalesce(revoked_at, ${at})` })
    .where('tenant_id', '=', tenantId).where('id', '=', id).returningAll().executeTakeFirst();
  return r && toApiKey(r);
}

export async function insertApiClient(db: Q, tenantId: string, c: { id: string; name: string; secretHash: string; role: RoleId; customerId: string | null }): Promise<ApiClient> {
  await db.insertInto('credential_routes').values({ lookup: `client:${c.id}`, tenant_id: tenantId }).execute();
  const r = await db.insertInto('api_clients')
    .values({ tenant_id: tenantId, id: c.id, name: c.name, secret_hash: c.secretHash, role: c.role, customer_id: c.customerId })
    .returningAll().executeTakeFirstOrThrow();
  return toApiClient(r);
}

export async function findApiClient(db: Q, clientId: string): Promise<{ tenantId: string; secretHash: string; info: ApiClient } | undefined> {
  const r = await db.selectFrom('credential_routes as cr')
    .innerJoin('api_clients as c', (j) => j.onRef('c.tenant_id', '=', 'cr.tenant_id'))
    .selectAll('c')
    .where('cr.lookup', '=', `client:${clientId}`).where('c.id', '=', clientId)
    .executeTakeFirst();
  return r && { tenantId: r.tenant_id, secretHash: r.secret_hash, info: toApiClient(r) };
}

export async function revokeApiClient(db: Q, tenantId: string, id: string, at: Date): Promise<boolean> {
  const r = await db.updateTable('api_clients').set({ revoked_at: sql`coalesce(revoked_at, ${at})` })
    .where('tenant_id', '=', tenantId).where('id', '=', id).executeTakeFirst();
  return Number(r.numUpdatedRows) > 0;
}

// --- users and memberships -------------------------------------------------------------------

export async function findUserByName(db: Q, userName: string): Promise<(User & { passwordHash: string }) | undefined> {
  const r = await db.selectFrom('users').selectAll().where('user_name', '=', userName.toLowerCase()).executeTakeFirst();
  return r && { ...toUser(r), passwordHash: r.password_hash };
}

export async function findUser(db: Q, id: string): Promise<User | undefined> {
  const r = await db.selectFrom('users').selectAll().where('id', '=', id).executeTakeFirst();
  return r && toUser(r);
}

export async function insertUser(db: Q, u: { userName: string; passwordHash: string; email?: string | undefined; firstName?: string | undefined; lastName?: string | undefined; phoneNumber?: string | undefined; timeZone?: string | undefined; locale?: string | undefined }): Promise<User> {
  const r = await db.insertInto('users').values({
    user_name: u.userName.toLowerCase(), password_hash: u.passwordHash, email: u.email ?? null, first_name: u.firstName ?? null,
    last_name: u.lastName ?? null, phone_number: u.phoneNumber ?? null, time_zone: u.timeZone ?? null, locale: u.locale ?? null,
  }).returningAll().executeTakeFirstOrThrow();
  return toUser(r);
}

export async function touchLogin(db: Q, userId: string, at: Date): Promise<void> {
  await db.updateTable('users').set({ last_login_at: at }).where('id', '=', userId).execute();
}

export async function upsertMembership(db: Q, m: Membership): Promise<void> {
  await db.insertInto('tenant_users').values({ tenant_id: m.tenantId, user_id: m.userId, roles: m.roles, effective_role: m.effectiveRole })
    .onConflict((oc) => oc.columns(['tenant_id', 'user_id']).doUpdateSet({ roles: m.roles, effective_role: m.effectiveRole }))
    .execute();
}

export async function findMembership(db: Q, tenantId: string, userId: string): Promise<Membership | undefined> {
  const r = await db.selectFrom('tenant_users').selectAll().where('tenant_id', '=', tenantId).where('user_id', '=', userId).executeTakeFirst();
  return r && toMembership(r);
}

/** The member's tenant and roles in one round trip (request authentication). */
export async function findMemberTenant(db: Q, tenantId: string, userId: string): Promise<{ tenant: Tenant; membership: Membership; userName: string } | undefined> {
  const r = await db.selectFrom('tenant_users as m')
    .innerJoin('tenants as t', 't.id', 'm.tenant_id')
    .innerJoin('users as u', 'u.id', 'm.user_id')
    .selectAll('t').select(['m.roles as m_roles', 'm.effective_role as m_effective', 'u.user_name as u_name', 'u.status as u_status'])
    .where('m.tenant_id', '=', tenantId).where('m.user_id', '=', userId)
    .executeTakeFirst();
  if (!r || r.u_status !== 'Active') return undefined;
  const { m_roles, m_effective, u_name, u_status: _s, ...t } = r;
  return { tenant: toTenant(t), membership: toMembership({ tenant_id: tenantId, user_id: userId, roles: m_roles, effective_role: m_effective }), userName: u_name };
}

export async function listMemberTenants(db: Q, userId: string): Promise<{ tenant: Tenant; membership: Membership }[]> {
  const rows = await db.selectFrom('tenant_users as m').innerJoin('tenants as t', 't.id', 'm.tenant_id')
    .selectAll('t').select(['m.roles as m_roles', 'm.effective_role as m_effective'])
    .where('m.user_id', '=', userId).orderBy('t.tenant_number').execute();
  return rows.map(({ m_roles, m_effective, ...t }) => ({
    tenant: toTenant(t), membership: toMembership({ tenant_id: t.id, user_id: userId, roles: m_roles, effective_role: m_effective }),
  }));
}

// --- refresh tokens ---------------------------------------------------------------------------

export async function insertRefreshToken(db: Q, t: { tokenHash: string; userId: string; tenantId: string; family: string; expiresAt: Date }): Promise<void> {
  await db.insertInto('refresh_tokens').values({ token_hash: t.tokenHash, user_id: t.userId, tenant_id: t.tenantId, family: t.family, expires_at: t.expiresAt }).execute();
}

/** Marks the token used and returns it as it was before, or undefined when there is none. */
export async function useRefreshToken(db: Q, tokenHash: string, at: Date): Promise<RefreshToken | undefined> {
  const before = await db.selectFrom('refresh_tokens').selectAll().where('token_hash', '=', tokenHash).forUpdate().executeTakeFirst();
  if (!before) return undefined;
  await db.updateTable('refresh_tokens').set({ used_at: sql`coalesce(used_at, ${at})` }).where('token_hash', '=', tokenHash).execute();
  return toRefreshToken(before);
}

export async function revokeRefreshFamily(db: Q, family: string, at: Date): Promise<void> {
  await db.updateTable('refresh_tokens').set({ revoked_at: sql`coalesce(revoked_at, ${at})` }).where('family', '=', family).execute();
}

/** Whether a session (a refresh token family) was revoked. */
export async function refreshFamilyRevoked(db: Q, family: string): Promise<boolean> {
  const r = await db.selectFrom('refresh_tokens').select('family').where('family', '=', family).where('revoked_at', 'is not', null).limit(1).executeTakeFirst();
  return r !== undefined;
}

export async function findRefreshToken(db: Q, tokenHash: string): Promise<RefreshToken | undefined> {
  const r = await db.selectFrom('refresh_tokens').selectAll().where('token_hash', '=', tokenHash).executeTakeFirst();
  return r && toRefreshToken(r);
}

// --- login history and server secrets ------------------------------------------------------------

export async function insertLogin(db: Q, l: LoginRecord): Promise<void> {
  await db.insertInto('login_history').values({
    tenant_id: l.tenantId, user_id: l.userId, user_name: l.userName, login_time: l.loginTime, status: l.status,
    browser: l.browser, login_url: l.loginUrl, role: l.role, error_message: l.errorMessage,
  }).execute();
}

export async function listLogins(db: Q, tenantId: string, f: { userId?: string | undefined; from?: Date | undefined; to?: Date | undefined; limit: number }): Promise<LoginRecord[]> {
  let q = db.selectFrom('login_history').selectAll().where('tenant_id', '=', tenantId);
  if (f.userId) q = q.where('user_id', '=', f.userId);
  if (f.from) q = q.where('login_time', '>=', f.from);
  if (f.to) q = q.where('login_time', '<=', f.to);
  const rows = await q.orderBy('login_time', 'desc').limit(f.limit).execute();
  return rows.map(toLoginRecord);
}
