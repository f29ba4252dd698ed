import { randomBytes, randomUUID } from 'node:crypto';
import { Temporal } from 'temporal-polyfill';
import { testClock, type Clock } from '../core/clock.js';
import { conflict, forbidden, invalid, notFound, unauthorized } from '../core/errors.js';
import { isUuid } from '../core/ids.js';
import { Lru } from '../core/lru.js';
import { inScope, outsideScope } from '../core/scope.js';
import type { Db } from '../db/connect.js';
import { inTransaction, type Tx } from '../db/transaction.js';
import type { Ctx } from '../context.js';
import type { ApiClient, ApiKey, Authenticated, LoginRecord, Tenant, TenantSettings, User } from './model.js';
import { ROLES, isRoleId, permissionsOf, type RoleId } from './roles.js';
import { DUMMY_PASSWORD_HASH, hashPassword, hashSecret, isApiKey, newApiKey, newSecret, verifyPassword } from './secrets.js';
import * as store from './store.js';
import { ACCESS_TOKEN_TTL_SECONDS, REFRESH_TOKEN_TTL_SECONDS, signAccessToken, verifyAccessToken } from './tokens.js';
import { validateSettingsPatch } from './settings.js';

export interface TenancyDeps {
  db: Db;
  clock: Clock;
  jwtKey: Uint8Array;
  /** A sandbox tenant's test clock moved from one day to a later one, in the transaction that moved it (src/jobs enqueues the day boundaries crossed). */
  onTestClockMoved?: (tx: Tx, tenantId: string, from: string, to: string) => Promise<void>;
}

export interface AuthenticationResult {
  token: string;
  refreshToken: string | null;
  expiresIn: number;
  tenants?: { apiAccessKey: string; tenantNumber: number; tenantName: string; tenantId: string; orgId: string; orgName: string }[];
}

export interface LoginMeta {
  browser: string | null;
  loginUrl: string | null;
  tenantSelector: string | undefined;
}

// Credentials are looked up on every request; a short cache keeps the hot path to no round trip.
// Any change made through this service clears it, so revocations take effect at once in this
// process and within CACHE_MS in others.
const CACHE_MS = 5000;
const CACHE_MAX = 10_000;

export type TenancyService = ReturnType<typeof createTenancyService>;

export function createTenancyService(deps: TenancyDeps) {
  const { db, clock, jwtKey } = deps;
  // credentials (Authenticated) and sessions (revoked or not), by key
  const cache = new Map<string, { value: unknown; expires: number }>();

  function cached<T = Authenticated>(key: string): T | undefined {
    const hit = cache.get(key);
    if (!hit) return undefined;
    // eslint-disable-next-line no-restricted-syntax -- a credential cache's lifetime is process timing, not business time
    if (hit.expires > Date.now()) return hit.value as T;
    cache.delete(key);
    return undefined;
  }
  function remember<T = Authenticated>(key: string, value: T): T {
    if (cache.size >= CACHE_MAX) cache.clear();
    // eslint-disable-next-line no-restricted-syntax -- as above
    cache.set(key, { value, expires: Date.now() + CACHE_MS });
    return value;
  }
  const invalidate = () => cache.clear();

  /** A tenant and its first admin key; undefined when the name is taken. */
  async function issueTenant(input: { name: string; currency: string; timeZone: string; sandbox: boolean; apiKey?: string | undefined }) {
    const apiKey = input.apiKey ?? newApiKey();
    const tenant = await inTransaction(db, async (tx) => {
      const t = await store.insertTenant(tx, { name: input.name, accessKey: `tak_${randomBytes(12).toString('base64url')}`, currency: input.currency, timeZone: input.timeZone, sandbox: input.sandbox });
      if (t) await store.insertApiKey(tx, t.id, { name: 'Admin key', keyHash: hashSecret(apiKey), keyPrefix: apiKey.slice(0, 12), role: 'admin', customerId: null });
      return t;
    });
    return tenant && { tenant, apiKey };
  }

  /**
   * A credential made by another is no wider than its maker (DESIGN §3): its role grants no permission
   * the maker lacks, and a scoped maker's credential carries a scope inside the maker's own (its top
   * customer when none is named).
   */
  function boundedCredential(ctx: Ctx, input: { role: string; customerId?: string | undefined }): { role: RoleId; customerId: string | null } {
    const [role] = checkRoles([input.role], 'role') as [RoleId];
    const wider = ROLES[role].permissions.filter((p) => !ctx.permissions.has(p));
    if (wider.length > 0) throw forbidden('ROLE_WIDER_THAN_CALLER', `body/role ${role} grants ${wider.join(', ')}, which this credential does not have`);
    if (input.customerId !== undefined && !isUuid(input.customerId)) throw invalid('INVALID_FIELD', 'body/customerId must be a UUID');
    const customerId = input.customerId?.toLowerCase() ?? ctx.scope?.rootCustomerId ?? null;
    if (ctx.scope && !inScope(ctx, customerId)) throw outsideScope(ctx, customerId);
    return { role, customerId };
  }

  async function issueTokens(userId: string, tenantId: string, family: string = randomUUID()) {
    const now = clock.now();
    const token = await signAccessToken(jwtKey, { sub: userId, tid: tenantId, typ: 'user', sid: family }, now);
    const refreshToken = newSecret('rt_');
    await store.insertRefreshToken(db, {
      tokenHash: hashSecret(refreshToken), userId, tenantId, family, expiresAt: new Date(now.getTime() + REFRESH_TOKEN_TTL_SECONDS * 1000),
    });
    return { token, refreshToken, expiresIn: ACCESS_TOKEN_TTL_SECONDS };
  }

  async function authenticateUser(userId: string, tenantId: string): Promise<Authenticated> {
    const key = `u:${userId}:${tenantId}`;
    const hit = cached(key);
    if (hit) return hit;
    const m = await store.findMemberTenant(db, tenantId, userId);
    if (!m) throw forbidden('NOT_A_MEMBER', 'The user is not a member of the selected tenant');
    const roles = m.membership.roles.filter(isRoleId);
    return remember(key, {
      tenant: m.tenant,
      principal: { kind: 'user', userId, userName: m.userName, roles, effectiveRole: m.membership.effectiveRole },
      permissions: permissionsOf(roles),
    });
  }

  async function resolveSelector(selector: string): Promise<Tenant> {
    if (isApiKey(selector)) return (await authenticateApiKey(selector)).tenant;
    const t = await store.findTenantBySelector(db, selector);
    if (!t) throw unauthorized('INVALID_API_ACCESS_KEY', 'The apiAccessKey does not name a tenant');
    return t;
  }

  async function authenticateApiKey(apiKey: string): Promise<Authenticated> {
    const hash = hashSecret(apiKey);
    const hit = cached(`k:${hash}`);
    if (hit) return hit;
    const found = await store.findActiveApiKey(db, hash);
    if (!found) throw unauthorized('INVALID_API_KEY', 'The API key is not valid or has been revoked');
    return remember(`k:${hash}`, {
      tenant: found.tenant,
      principal: { kind: 'apiKey', keyId: found.keyId, role: found.role, customerId: found.customerId },
      permissions: permissionsOf([found.role]),
    });
  }

  async function authenticateToken(token: string, selector: string | undefined): Promise<Authenticated> {
    const claims = await verifyAccessToken(jwtKey, token, clock.now());
    if (claims.typ === 'client') {
      const hit = cached(`c:${claims.sub}`);
      if (hit) return hit;
      const c = await store.findApiClient(db, claims.sub);
      if (!c || c.info.revokedAt || c.tenantId !== claims.tid) throw unauthorized('INVALID_TOKEN', 'The API client has been revoked');
      const tenant = await store.findTenant(db, c.tenantId);
      if (!tenant) throw unauthorized('INVALID_TOKEN', 'The tenant no longer exists');
      return remember(`c:${claims.sub}`, {
        tenant,
        principal: { kind: 'client', clientId: c.info.id, role: c.info.role, customerId: c.info.customerId },
        permissions: permissionsOf([c.info.role]),
      });
    }
    // a user's access token dies with its session (its refresh family): here at once, elsewhere within CACHE_MS
    if (claims.sid) {
      const revoked = cached<boolean>(`s:${claims.sid}`) ?? remember(`s:${claims.sid}`, await store.refreshFamilyRevoked(db, claims.sid));
      if (revoked) throw unauthorized('SESSION_REVOKED', 'The session of this access token was revoked; sign in again');
    }
    const tenantId = selector ? (await resolveSelector(selector)).id : claims.tid;
    return authenticateUser(claims.sub, tenantId);
  }

  // a test clock is a pure function of its date and zone: made once, not on every request
  const testClocks = new Lru<string, Clock>(1000);
  const testClockOf = (tenant: Tenant): Clock => {
    const key = `${tenant.testClockDate ?? ''}|${tenant.timeZone}`;
    let c = testClocks.get(key);
    if (!c) testClocks.set(key, c = testClock(clock, tenant.testClockDate, tenant.timeZone));
    return c;
  };

  /** The use-case context of an authenticated caller; a sandbox tenant's "today" is its test clock. */
  function contextFor(auth: Authenticated, requestId: string): Ctx {
    const { tenant } = auth;
    return {
      tenantId: tenant.id, tenant, principal: auth.principal, permissions: auth.permissions, db,
      clock: tenant.sandbox ? testClockOf(tenant) : clock, timeZone: tenant.timeZone, requestId,
    };
  }

  async function recordLogin(r: Omit<LoginRecord, 'loginTime'>) {
    await store.insertLogin(db, { ...r, loginTime: clock.now() });
  }

  return {
    invalidate,
    authenticateApiKey,
    authenticateToken,

    /** Every origin some tenant lists (settings.corsOrigins): a CORS preflight carries no credential, so
     * it is answered for these (src/http/cors.ts). Cached like credentials: a settings change clears it. */
    async corsOrigins(): Promise<ReadonlySet<string>> {
      return cached<ReadonlySet<string>>('cors:origins') ?? remember<ReadonlySet<string>>('cors:origins', new Set(await store.listCorsOrigins(db)));
    },

    /** First start: the `default` sandbox tenant and its admin key (printed once). A second
     * process starting at the same moment finds the name taken and does nothing. */
    async bootstrap(opts: { apiKey?: string | undefined }): Promise<{ tenant: Tenant; apiKey: string } | undefined> {
      if ((await store.countTenants(db)) > 0) return undefined;
      return issueTenant({ name: 'default', currency: 'USD', timeZone: 'UTC', sandbox: true, apiKey: opts.apiKey });
    },

    async createTenant(input: { name: string; currency?: string | undefined; timeZone?: string | undefined; sandbox?: boolean | undefined }) {
      const timeZone = input.timeZone ?? 'UTC';
      assertTimeZone(timeZone, 'timeZone');
      const issued = await issueTenant({ name: input.name, currency: input.currency ?? 'USD', timeZone, sandbox: input.sandbox ?? false });
      if (!issued) throw conflict('TENANT_EXISTS', `A tenant named "${input.name}" already exists`);
      return issued;
    },

    async login(input: { userName: string; password: string; showTenants?: boolean | undefined }, meta: LoginMeta): Promise<AuthenticationResult> {
      const user = await store.findUserByName(db, input.userName);
      const ok = await verifyPassword(input.password, user?.passwordHash ?? DUMMY_PASSWORD_HASH);
      const memberships = user ? await store.listMemberTenants(db, user.id) : [];
      const selected = meta.tenantSelector ? await resolveSelector(meta.tenantSelector).catch(() => undefined) : undefined;
      const home = selected ? memberships.find((m) => m.tenant.id === selected.id) : memberships[0];
      const logTenant = home?.tenant.id ?? memberships[0]?.tenant.id;
      const base = { userId: user?.id ?? null, userName: input.userName, browser: meta.browser, loginUrl: meta.loginUrl };
      if (!user || !ok || user.status !== 'Active') {
        if (logTenant) await recordLogin({ ...base, tenantId: logTenant, status: 'Error', role: null, errorMessage: 'Invalid user name or password' });
        throw unauthorized('INVALID_CREDENTIALS', 'Invalid user name or password');
      }
      if (!home) {
        if (logTenant) await recordLogin({ ...base, tenantId: logTenant, status: 'Error', role: null, errorMessage: 'Not a member of the selected tenant' });
        throw unauthorized('NO_TENANT', 'The user is not a member of the selected tenant');
      }
      await store.touchLogin(db, user.id, clock.now());
      await recordLogin({ ...base, tenantId: home.tenant.id, status: 'Success', role: home.membership.effectiveRole, errorMessage: null });
      const tokens = await issueTokens(user.id, home.tenant.id);
      if (!input.showTenants) return tokens;
      return {
        ...tokens,
        tenants: memberships.map((m) => ({
          apiAccessKey: m.tenant.accessKey, tenantNumber: m.tenant.tenantNumber, tenantName: m.tenant.name,
          tenantId: m.tenant.id, orgId: m.tenant.id, orgName: m.tenant.name,
        })),
      };
    },

    /** Rotation: each refresh token works once; presenting a used one revokes its whole family. */
    async refresh(input: { refreshToken: string; userName: string }, selector: string | undefined): Promise<AuthenticationResult> {
      const hash = hashSecret(input.refreshToken);
      const now = clock.now();
      // A reuse is recorded (the family revoked) even though the call fails, so the transaction
      // returns the verdict instead of throwing it.
      const outcome = await inTransaction(db, async (tx) => {
        const token = await store.useRefreshToken(tx, hash, now);
        if (!token) return 'INVALID_REFRESH_TOKEN' as const;
        if (token.usedAt) {
          await store.revokeRefreshFamily(tx, token.family, now);
          return 'REFRESH_TOKEN_REUSED' as const;
        }
        if (token.revokedAt || token.expiresAt.getTime() <= now.getTime()) return 'INVALID_REFRESH_TOKEN' as const;
        return token;
      });
      if (typeof outcome === 'string') {
        if (outcome === 'REFRESH_TOKEN_REUSED') invalidate();
        throw unauthorized(outcome, outcome === 'REFRESH_TOKEN_REUSED'
          ? 'The refresh token was already used; every token of its session is now revoked'
          : 'The refresh token is invalid, expired or revoked');
      }
      const user = await store.findUser(db, outcome.userId);
      if (!user || user.userName !== input.userName.toLowerCase() || user.status !== 'Active') {
        throw unauthorized('INVALID_REFRESH_TOKEN', 'The refresh token does not belong to this user');
      }
      const tenantId = selector ? (await resolveSelector(selector)).id : outcome.tenantId;
      await authenticateUser(user.id, tenantId);
      return issueTokens(user.id, tenantId, outcome.family);
    },

    /** Checks a token against a tenant; answers with the same token and its remaining lifetime. */
    async verify(input: { apiAccessKey: string; token: string }): Promise<AuthenticationResult> {
      const claims = await verifyAccessToken(jwtKey, input.token, clock.now());
      await authenticateToken(input.token, input.apiAccessKey); // and it must be good for that tenant
      return { token: input.token, refreshToken: null, expiresIn: Math.max(0, claims.exp - Math.floor(clock.now().getTime() / 1000)) };
    },

    /** Revokes a refresh token and every token rotated from it. Unknown tokens answer the same. */
    async revokeRefreshToken(input: { token: string; userName: string }): Promise<void> {
      const token = await store.findRefreshToken(db, hashSecret(input.token));
      if (!token) return;
      const user = await store.findUser(db, token.userId);
      if (!user || user.userName !== input.userName.toLowerCase()) return;
      await store.revokeRefreshFamily(db, token.family, clock.now());
      invalidate(); // the session's access tokens are refused here at once
    },

    async clientCredentials(input: { clientId: string; clientSecret: string }) {
      const bad = () => unauthorized('INVALID_CLIENT', 'Invalid client id or secret');
      if (!isUuid(input.clientId)) throw bad();
      const c = await store.findApiClient(db, input.clientId);
      if (!c || c.info.revokedAt || hashSecret(input.clientSecret) !== c.secretHash) throw bad();
      const token = await signAccessToken(jwtKey, { sub: c.info.id, tid: c.tenantId, typ: 'client' }, clock.now());
      return { access_token: token, token_type: 'Bearer' as const, expires_in: ACCESS_TOKEN_TTL_SECONDS };
    },

    // --- use cases inside a tenant ---------------------------------------------------------

    async createUser(ctx: Ctx, input: { userName: string; password?: string | undefined; email?: string | undefined; firstName?: string | undefined; lastName?: string | undefined; phoneNumber?: string | undefined; timeZone?: string | undefined; locale?: string | undefined; roles: string[]; effectiveRole?: string | undefined }): Promise<User> {
      const roles = checkRoles(input.roles, 'roles');
      const effectiveRole = input.effectiveRole ?? roles[0]!;
      if (!isRoleId(effectiveRole) || !roles.includes(effectiveRole)) throw invalid('INVALID_ROLE', 'effectiveRole must be one of roles');
      if (input.timeZone) assertTimeZone(input.timeZone, 'timeZone');
      const existing = await store.findUserByName(db, input.userName);
      // A person already known to this installation is added as a member; their password stays theirs.
      if (existing && input.password !== undefined) throw conflict('USER_EXISTS', `User "${input.userName}" already exists; add them without a password`);
      if (!existing && input.password === undefined) throw invalid('PASSWORD_REQUIRED', 'body/password is required for a new user');
      const passwordHash = existing ? undefined : await hashPassword(input.password!);
      const user = await inTransaction(db, async (tx) => {
        const u = existing ?? await store.insertUser(tx, { ...input, passwordHash: passwordHash! });
        await store.upsertMembership(tx, { tenantId: ctx.tenantId, userId: u.id, roles, effectiveRole });
        return u;
      });
      invalidate();
      return user;
    },

    async profile(ctx: Ctx) {
      if (ctx.principal.kind !== 'user') throw notFound('NO_USER_PROFILE', 'This credential is not a user; it has no profile');
      const user = await store.findUser(db, ctx.principal.userId);
      if (!user) throw notFound('USER_NOT_FOUND', 'The user no longer exists');
      return { user, roles: ctx.principal.roles, effectiveRole: ctx.principal.effectiveRole };
    },

    async userRoles(ctx: Ctx, userId: string) {
      if (!isUuid(userId)) throw notFound('USER_NOT_FOUND', `User ${userId} does not exist`);
      const m = await store.findMembership(db, ctx.tenantId, userId);
      if (!m) throw notFound('USER_NOT_FOUND', `User ${userId} is not a member of this tenant`);
      return m;
    },

    async loginHistory(ctx: Ctx, f: { userId?: string | undefined; startTime?: string | undefined; endTime?: string | undefined; limit?: number | undefined }) {
      if (f.userId !== undefined && !isUuid(f.userId)) throw notFound('USER_NOT_FOUND', `User ${f.userId} does not exist`);
      return store.listLogins(db, ctx.tenantId, {
        userId: f.userId, from: parseInstant(f.startTime, 'startTime'), to: parseInstant(f.endTime, 'endTime'), limit: f.limit ?? 100,
      });
    },

    async createApiKey(ctx: Ctx, input: { name: string; role: string; customerId?: string | undefined }): Promise<ApiKey & { apiKey: string }> {
      const { role, customerId } = boundedCredential(ctx, input);
      const apiKey = newApiKey();
      const info = await inTransaction(db, (tx) => store.insertApiKey(tx, ctx.tenantId, { name: input.name, keyHash: hashSecret(apiKey), keyPrefix: apiKey.slice(0, 12), role, customerId }));
      return { ...info, apiKey };
    },

    listApiKeys: (ctx: Ctx) => store.listApiKeys(db, ctx.tenantId),

    async revokeApiKey(ctx: Ctx, id: string): Promise<ApiKey> {
      const r = isUuid(id) ? await store.revokeApiKey(db, ctx.tenantId, id, clock.now()) : undefined;
      if (!r) throw notFound('API_KEY_NOT_FOUND', `API key ${id} does not exist`);
      invalidate();
      return r;
    },

    async createApiClient(ctx: Ctx, input: { name: string; role: string; customerId?: string | undefined }): Promise<ApiClient & { clientSecret: string }> {
      const { role, customerId } = boundedCredential(ctx, input);
      const clientSecret = newSecret('kcs_');
      const info = await inTransaction(db, (tx) => store.insertApiClient(tx, ctx.tenantId, {
        id: randomUUID(), name: input.name, secretHash: hashSecret(clientSecret), role, customerId,
      }));
      return { ...info, clientSecret };
    },

    async revokeApiClient(ctx: Ctx, id: string): Promise<void> {
      if (!isUuid(id) || !(await store.revokeApiClient(db, ctx.tenantId, id, clock.now()))) {
        throw notFound('API_CLIENT_NOT_FOUND', `API client ${id} does not exist`);
      }
      invalidate();
    },

    async updateTenant(ctx: Ctx, patch: { currency?: string | undefined; timeZone?: string | undefined; settings?: Record<string, unknown> | undefined }): Promise<Tenant> {
      if (patch.timeZone) assertTimeZone(patch.timeZone, 'timeZone');
      const settings: TenantSettings | undefined = patch.settings ? validateSettingsPatch(ctx.tenant.settings, patch.settings) : undefined;
      const t = await store.updateTenant(db, ctx.tenantId, { currency: patch.currency, timeZone: patch.timeZone, settings });
      invalidate();
      return t;
    },

    async setTestClock(ctx: Ctx, today: string | null): Promise<string> {
      if (!ctx.tenant.sandbox) throw forbidden('NOT_A_SANDBOX', 'The test clock exists only for sandbox tenants');
      const from = ctx.clock.today(ctx.timeZone).toString();
      const t = await inTransaction(db, async (tx) => {
        const t = await store.updateTenant(tx, ctx.tenantId, { testClockDate: today });
        const to = t.testClockDate ?? clock.today(t.timeZone).toString();
        if (deps.onTestClockMoved && to > from) await deps.onTestClockMoved(tx, ctx.tenantId, from, to);
        return t;
      });
      invalidate();
      return t.testClockDate ?? clock.today(t.timeZone).toString();
    },

    testClockToday(ctx: Ctx): string {
      if (!ctx.tenant.sandbox) throw forbidden('NOT_A_SANDBOX', 'The test clock exists only for sandbox tenants');
      return ctx.clock.today(ctx.timeZone).toString();
    },

    listRoles: () => ROLES,

    contextFor,

    /** A context for Keel's own work in a tenant (demo data, jobs): every permission, the tenant's clock. */
    async systemContext(tenantId: string, name: string): Promise<Ctx> {
      const tenant = await store.findTenant(db, tenantId);
      if (!tenant) throw notFound('TENANT_NOT_FOUND', `Tenant ${tenantId} does not exist`);
      return contextFor({ tenant, principal: { kind: 'system', name }, permissions: permissionsOf(['admin']) }, name);
    },

    findTenantByName: (name: string) => store.findTenantByName(db, name),

    /** Every tenant's id and time zone (src/jobs keeps a day-boundary schedule for each). */
    tenantZones: () => store.tenantZones(db),
  };
}

function checkRoles(values: string[], field: string): RoleId[] {
  if (values.length === 0) throw invalid('INVALID_ROLE', `body/${field} must name at least one role`);
  for (const v of values) if (!isRoleId(v)) throw invalid('INVALID_ROLE', `body/${field} has unknown role "${v}"`);
  return [...new Set(values)] as RoleId[];
}


export function assertTimeZone(tz: string, field: string): void {
  try {
    Temporal.Instant.fromEpochMilliseconds(0).toZonedDateTimeISO(tz); // throws for an unknown zone
  } catch {
    throw invalid('INVALID_TIME_ZONE', `body/${field} must be an IANA time zone such as Europe/Paris`);
  }
}

function parseInstant(v: string | undefined, field: string): Date | undefined {
  if (v === undefined) return undefined;
  try {
    return new Date(Temporal.Instant.from(v).epochMilliseconds);
  } catch {
    throw invalid('INVALID_FIELD', `querystring/${field} must be a date-time with offset, like 2026-01-31T10:00:00.000+01:00`);
  }
}
