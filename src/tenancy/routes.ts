import { Type } from 'typebox';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { header } from '../http/auth.js';
import { verbPath } from '../http/paths.js';
import { CurrencyCode, DateString, Nullable, StringEnum } from '../http/schemas.js';
import type { ApiKey, LoginRecord, Tenant, User } from './model.js';
import { ROLE_IDS, ROLES, functionsOf, type RoleId } from './roles.js';
import type { TenancyService } from './service.js';
import type { Clock } from '../core/clock.js';
import { isDomainError } from '../core/errors.js';
import { createSignInThrottle, type SignInThrottle } from './sign-in-throttle.js';

/** A credential exchange under the throttle: refused while its keys are locked, a 401 counted against them. */
async function throttled<T>(throttle: SignInThrottle, clock: Clock, keys: readonly string[], exchange: () => Promise<T>): Promise<T> {
  throttle.check(keys, clock.now().getTime());
  try {
    const out = await exchange();
    throttle.succeeded(keys[0]!);
    return out;
  } catch (e) {
    if (isDomainError(e) && e.kind === 'unauthorized') throttle.failed(keys, clock.now().getTime());
    throw e;
  }
}

// Tenants, users, roles, credentials and the test clock. Validate, call the service, map.
const RoleName = StringEnum(ROLE_IDS);
const credentialExchange = { auth: 'none', idempotent: false } as const;

const toTenantView = (t: Tenant) => ({
  id: t.id, tenantNumber: t.tenantNumber, name: t.name, apiAccessKey: t.accessKey, currency: t.currency, timeZone: t.timeZone,
  sandbox: t.sandbox, settings: t.settings, createdDate: t.createdAt.toISOString(),
});

const toRoleView = (id: RoleId, effective: boolean) => ({
  id, name: ROLES[id].name, effective,
  functions: functionsOf(ROLES[id].permissions).map((f) => f.id),
  features: functionsOf(ROLES[id].permissions).map((f) => f.featureName),
});

const toUserView = (u: User, tenantId: string, roles: RoleId[], effectiveRole: RoleId) => ({
  id: u.id, status: u.status, email: u.email, phoneNumber: u.phoneNumber, firstName: u.firstName, lastName: u.lastName,
  timeZone: u.timeZone, locale: u.locale, currency: null, effectiveRoleId: effectiveRole, userName: u.userName,
  salesforceUserName: null, name: [u.firstName, u.lastName].filter(Boolean).join(' ') || u.userName,
  roles: roles.map((r) => toRoleView(r, r === effectiveRole)), tenantId,
  lastLoginTime: u.lastLoginAt?.toISOString() ?? null, createdDate: u.createdAt.toISOString(), mfaEnabled: false,
});

const toKeyView = (k: ApiKey) => ({
  id: k.id, name: k.name, role: k.role, customerId: k.customerId, keyPrefix: k.keyPrefix, createdDate: k.createdAt.toISOString(),
  revokedDate: k.revokedAt?.toISOString() ?? null, status: k.revokedAt ? 'Revoked' : 'Active',
});

export const tenancyRoutes: FastifyPluginAsyncTypebox<{ tenancy: TenancyService; clock: Clock; signInThrottle?: SignInThrottle }> = async (app, { tenancy, clock, signInThrottle }) => {
  const throttle = signInThrottle ?? createSignInThrottle();
  // --- operators ---------------------------------------------------------------------------
  app.post('/admin/tenants', {
    config: { auth: 'admin', secretFields: ['apiKey'] },
    schema: {
      tags: ['admin'], summary: 'Create a tenant and its first admin API key (KEEL_ADMIN_TOKEN)',
      body: Type.Object({
        name: Type.String({ minLength: 1, maxLength: 100 }),
        currency: Type.Optional(CurrencyCode),
        timeZone: Type.Optional(Type.String({ minLength: 1 })),
        sandbox: Type.Optional(Type.Boolean()),
      }),
    },
  }, async (req, reply) => {
    const { tenant, apiKey } = await tenancy.createTenant(req.body);
    return reply.status(201).send({ ...toTenantView(tenant), apiKey });
  });

  // --- credentials -------------------------------------------------------------------------
  app.post('/auth/token', {
    config: credentialExchange,
    schema: {
      tags: ['auth'], summary: 'Sign in: access token (1 hour) and refresh token',
      body: Type.Object({ userName: Type.String({ minLength: 1 }), password: Type.String({ minLength: 1 }), showTenants: Type.Optional(Type.Boolean()) }),
    },
  }, async (req) => throttled(throttle, clock, [`user:${req.body.userName.toLowerCase()}`, `address:${req.ip}`], () => tenancy.login(req.body, {
    browser: header(req, 'user-agent') ?? null,
    loginUrl: `${req.protocol}://${req.host}${req.url}`,
    tenantSelector: header(req, 'apiaccesskey'),
  })));

  app.post('/auth/refreshToken', {
    config: credentialExchange,
    schema: {
      tags: ['auth'], summary: 'Exchange a refresh token for new tokens (the old refresh token stops working)',
      body: Type.Object({ refreshToken: Type.String({ minLength: 1 }), userName: Type.String({ minLength: 1 }) }),
    },
  }, async (req) => tenancy.refresh(req.body, header(req, 'apiaccesskey')));

  app.post('/auth/verify', {
    config: credentialExchange,
    schema: {
      tags: ['auth'], summary: 'Check that an access token is valid for the tenant of apiAccessKey',
      body: Type.Object({ apiAccessKey: Type.String({ minLength: 1 }), token: Type.String({ minLength: 1 }) }),
    },
  }, async (req) => tenancy.verify(req.body));

  app.post('/auth/revokeToken', {
    config: credentialExchange,
    schema: {
      tags: ['auth'], summary: 'Revoke a refresh token and every token rotated from it',
      body: Type.Object({ token: Type.String({ minLength: 1 }), userName: Type.String({ minLength: 1 }) }),
    },
  }, async (req, reply) => {
    await tenancy.revokeRefreshToken(req.body);
    return reply.type('text/plain; charset=utf-8').send('Token revoked');
  });

  app.post('/oauth/token', {
    config: credentialExchange,
    schema: {
      tags: ['auth'], summary: 'OAuth 2.0 client credentials grant (form-encoded or JSON)',
      body: Type.Object({
        client_id: Type.String({ minLength: 1 }),
        client_secret: Type.String({ minLength: 1 }),
        grant_type: StringEnum(['client_credentials'] as const),
      }),
    },
  }, async (req) => throttled(throttle, clock, [`client:${req.body.client_id}`, `address:${req.ip}`],
    () => tenancy.clientCredentials({ clientId: req.body.client_id, clientSecret: req.body.client_secret })));

  // --- the caller's tenant -------------------------------------------------------------------
  app.get('/tenant', { config: { permission: 'tenant:read', scope: 'tenant' }, schema: { tags: ['tenant'] } },
    async (req) => toTenantView(req.ctx.tenant));

  app.patch('/tenant', {
    config: { permission: 'tenant:admin', scope: 'tenant' },
    schema: {
      tags: ['tenant'], summary: 'Change the tenant\'s currency, time zone or settings ("Term Basis", "Bill Cycle Day", ...)',
      body: Type.Object({
        currency: Type.Optional(CurrencyCode),
        timeZone: Type.Optional(Type.String({ minLength: 1 })),
        settings: Type.Optional(Type.Record(Type.String(), Type.Unknown())),
      }),
    },
  }, async (req) => toTenantView(await tenancy.updateTenant(req.ctx, req.body)));

  app.get('/test/clock', { config: { permission: 'tenant:read', scope: 'tenant' }, schema: { tags: ['tenant'], summary: 'Today for this sandbox tenant' } },
    async (req) => ({ today: tenancy.testClockToday(req.ctx) }));

  app.post('/test/clock', {
    config: { permission: 'tenant:admin', scope: 'tenant' },
    schema: {
      tags: ['tenant'], summary: 'Set today for this sandbox tenant (null: follow the real date)',
      body: Type.Object({ today: Nullable(DateString) }),
    },
  }, async (req) => ({ today: await tenancy.setTestClock(req.ctx, req.body.today) }));

  // --- users, roles, login history ---------------------------------------------------------------
  app.post('/users', {
    config: { permission: 'users:admin', scope: 'tenant' },
    schema: {
      tags: ['users'], summary: 'Create a user in this tenant, or add an existing user (no password) as a member',
      body: Type.Object({
        userName: Type.String({ minLength: 1, maxLength: 200 }),
        password: Type.Optional(Type.String({ minLength: 8, maxLength: 200 })),
        email: Type.Optional(Type.String({ format: 'email' })),
        firstName: Type.Optional(Type.String()), lastName: Type.Optional(Type.String()),
        phoneNumber: Type.Optional(Type.String()), timeZone: Type.Optional(Type.String()), locale: Type.Optional(Type.String()),
        roles: Type.Array(RoleName, { minItems: 1 }),
        effectiveRole: Type.Optional(RoleName),
      }),
    },
  }, async (req, reply) => {
    const user = await tenancy.createUser(req.ctx, req.body);
    const roles = [...new Set(req.body.roles)];
    return reply.status(201).send(toUserView(user, req.ctx.tenantId, roles, req.body.effectiveRole ?? roles[0]!));
  });

  app.get('/users/profile', {
    config: { scope: 'organisation' },
    schema: { tags: ['users'], querystring: Type.Object({ 'with-detail': Type.Optional(Type.Boolean()) }) },
  }, async (req) => {
    const p = await tenancy.profile(req.ctx);
    const view = toUserView(p.user, req.ctx.tenantId, p.roles, p.effectiveRole);
    return req.query['with-detail'] ? { ...view, userDetail: { title: null, department: null, division: null, address: null } } : view;
  });

  app.get('/users/functions', { config: { scope: 'organisation' }, schema: { tags: ['users'], summary: 'The functions (feature actions) of the caller' } },
    async (req) => functionsOf(req.ctx.permissions));

  app.get('/users/:userId/roles', {
    config: { permission: 'users:read', scope: 'tenant' },
    schema: { tags: ['users'], params: Type.Object({ userId: Type.String() }) },
  }, async (req) => {
    const m = await tenancy.userRoles(req.ctx, req.params.userId);
    return m.roles.map((r) => ({ id: r, name: ROLES[r].name, effective: r === m.effectiveRole, functions: functionsOf(ROLES[r].permissions) }));
  });

  app.get('/roles', { config: { permission: 'users:read', scope: 'tenant' }, schema: { tags: ['users'] } }, async () =>
    ROLE_IDS.map((id) => ({
      id, name: ROLES[id].name,
      functions: functionsOf(ROLES[id].permissions).map((f) => ({ id: f.id, functionPolicy: f.policy, featureName: f.featureName })),
    })));

  app.get('/roles/:id', {
    config: { permission: 'users:read', scope: 'tenant' },
    schema: { tags: ['users'], params: Type.Object({ id: RoleName }) },
  }, async (req) => toRoleView(req.params.id, false));

  const LoginQuery = Type.Object({
    startTime: Type.Optional(Type.String()), endTime: Type.Optional(Type.String()),
    limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 1000 })),
  });
  const toLoginView = (l: LoginRecord) => ({ ...l, loginTime: l.loginTime.toISOString(), username: l.userName });
  app.get('/loginHistory', { config: { permission: 'users:read', scope: 'tenant' }, schema: { tags: ['users'], querystring: LoginQuery } },
    async (req) => (await tenancy.loginHistory(req.ctx, req.query)).map(toLoginView));
  app.get('/loginHistory/user/:userId', {
    config: { permission: 'users:read', scope: 'tenant' },
    schema: { tags: ['users'], querystring: LoginQuery, params: Type.Object({ userId: Type.String() }) },
  }, async (req) => (await tenancy.loginHistory(req.ctx, { ...req.query, userId: req.params.userId })).map(toLoginView));

  // --- API keys and OAuth clients ----------------------------------------------------------------
  // a scoped credential may make credentials no wider than itself (tenancy/service.ts boundedCredential)
  app.post('/apiKeys', {
    config: { permission: 'tenant:admin', scope: 'organisation', secretFields: ['apiKey'] },
    schema: { tags: ['credentials'], summary: 'Create an API key; the key is shown only in this answer', body: Type.Object({ name: Type.String({ minLength: 1, maxLength: 100 }), role: RoleName, customerId: Type.Optional(Type.String()) }) },
  }, async (req, reply) => {
    const k = await tenancy.createApiKey(req.ctx, req.body);
    return reply.status(201).send({ ...toKeyView(k), apiKey: k.apiKey });
  });

  app.get('/apiKeys', { config: { permission: 'tenant:admin', scope: 'tenant' }, schema: { tags: ['credentials'] } },
    async (req) => (await tenancy.listApiKeys(req.ctx)).map(toKeyView));

  const KeyParams = Type.Object({ id: Type.String() });
  app.delete('/apiKeys/:id', { config: { permission: 'tenant:admin', scope: 'tenant' }, schema: { tags: ['credentials'], params: KeyParams } },
    async (req) => toKeyView(await tenancy.revokeApiKey(req.ctx, req.params.id)));
  app.post(verbPath('/apiKeys/:id', 'revoke'), { config: { permission: 'tenant:admin', scope: 'tenant' }, schema: { tags: ['credentials'], params: KeyParams } },
    async (req) => toKeyView(await tenancy.revokeApiKey(req.ctx, req.params.id)));

  app.post('/apiClients', {
    config: { permission: 'tenant:admin', scope: 'organisation', secretFields: ['clientSecret'] },
    schema: {
      tags: ['credentials'], summary: 'Create an OAuth API client; the secret is shown only in this answer',
      body: Type.Object({ name: Type.String({ minLength: 1, maxLength: 100 }), role: RoleName, customerId: Type.Optional(Type.String()) }),
    },
  }, async (req, reply) => {
    const c = await tenancy.createApiClient(req.ctx, req.body);
    return reply.status(201).send({ clientId: c.id, clientSecret: c.clientSecret, name: c.name, role: c.role, customerId: c.customerId, createdDate: c.createdAt.toISOString() });
  });

  app.delete('/apiClients/:id', { config: { permission: 'tenant:admin', scope: 'tenant' }, schema: { tags: ['credentials'], params: KeyParams } },
    async (req, reply) => {
      await tenancy.revokeApiClient(req.ctx, req.params.id);
      return reply.status(204).send();
    });
};
