import { Type, type Static } from 'typebox';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { header } from '../http/auth.js';
import { verbPath } from '../http/paths.js';
import { CurrencyCode, DateString, Nullable, StringEnum } from '../http/schemas.js';
import { ApiKeySchema, LoginHistorySchema, NoContent, RoleName, RoleSchema, SettingsPatch, TenantSchema, UserSchema } from './schemas.js';
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
const credentialExchange = { auth: 'none', idempotent: false } as const;
const list = (name: string) => Type.Array(Type.Ref(name));

// The errorCodes each use case may answer beyond the pipeline's (service.ts; a bad token, apiAccessKey or API key,
// OUTSIDE_ORGANISATION and INVALID_FIELD are the pipeline's own).
const NOT_A_SANDBOX = ['NOT_A_SANDBOX'];
/** A credential made by another is no wider than its maker (boundedCredential; the role itself is the schema's). */
const NEW_CREDENTIAL = ['ROLE_WIDER_THAN_CALLER'];
const userId = Type.String({ description: 'The user\'s id' });
const ApiKeyParams = Type.Object({ id: Type.String({ description: 'The API key\'s id' }) });

const toTenantView = (t: Tenant): Static<typeof TenantSchema> => ({
  id: t.id, tenantNumber: t.tenantNumber, name: t.name, apiAccessKey: t.accessKey, currency: t.currency, timeZone: t.timeZone,
  sandbox: t.sandbox, settings: t.settings, createdDate: t.createdAt.toISOString(),
});

const toRoleView = (id: RoleId, effective: boolean): Static<typeof RoleSchema> => ({
  id, name: ROLES[id].name, effective,
  functions: functionsOf(ROLES[id].permissions).map((f) => f.id),
  features: functionsOf(ROLES[id].permissions).map((f) => f.featureName),
});

const toUserView = (u: User, tenantId: string, roles: RoleId[], effectiveRole: RoleId): Static<typeof UserSchema> => ({
  id: u.id, status: u.status, email: u.email, phoneNumber: u.phoneNumber, firstName: u.firstName, lastName: u.lastName,
  timeZone: u.timeZone, locale: u.locale, currency: null, effectiveRoleId: effectiveRole, userName: u.userName,
  salesforceUserName: null, name: [u.firstName, u.lastName].filter(Boolean).join(' ') || u.userName,
  roles: roles.map((r) => toRoleView(r, r === effectiveRole)), tenantId,
  lastLoginTime: u.lastLoginAt?.toISOString() ?? null, createdDate: u.createdAt.toISOString(), mfaEnabled: false,
});

const toKeyView = (k: ApiKey): Static<typeof ApiKeySchema> => ({
  id: k.id, name: k.name, role: k.role, customerId: k.customerId, keyPrefix: k.keyPrefix, createdDate: k.createdAt.toISOString(),
  revokedDate: k.revokedAt?.toISOString() ?? null, status: k.revokedAt ? 'Revoked' : 'Active',
});

export const tenancyRoutes: FastifyPluginAsyncTypebox<{ tenancy: TenancyService; clock: Clock; signInThrottle?: SignInThrottle }> = async (app, { tenancy, clock, signInThrottle }) => {
  const throttle = signInThrottle ?? createSignInThrottle();
  // --- operators ---------------------------------------------------------------------------
  app.post('/admin/tenants', {
    config: { auth: 'admin', secretFields: ['apiKey'], errorCodes: ['INVALID_TIME_ZONE', 'TENANT_EXISTS'] },
    schema: {
      tags: ['admin'], summary: 'Create a tenant and its first admin API key (KEEL_ADMIN_TOKEN)',
      body: Type.Object({
        name: Type.String({ minLength: 1, maxLength: 100, description: 'Unique in this installation' }),
        currency: Type.Optional({ ...CurrencyCode, description: 'Its default currency (ISO 4217); USD when absent' }),
        timeZone: Type.Optional(Type.String({ minLength: 1, description: 'An IANA time zone (its "today"); UTC when absent' })),
        sandbox: Type.Optional(Type.Boolean({ description: 'A sandbox tenant has a test clock; false when absent' })),
      }, { example: { name: 'acme', currency: 'USD', timeZone: 'America/Los_Angeles', sandbox: true } }),
      response: { 201: Type.Ref('NewTenant') },
    },
  }, async (req, reply) => {
    const { tenant, apiKey } = await tenancy.createTenant(req.body);
    return reply.status(201).send({ ...toTenantView(tenant), apiKey });
  });

  // --- credentials -------------------------------------------------------------------------
  app.post('/auth/token', {
    config: { ...credentialExchange, errorCodes: ['TOO_MANY_FAILED_SIGN_INS', 'INVALID_CREDENTIALS', 'NO_TENANT'] },
    schema: {
      tags: ['auth'], summary: 'Sign in: access token (1 hour) and refresh token',
      description: 'Header apiAccessKey (optional) selects one of the user\'s tenants; without it, the first.',
      body: Type.Object({
        userName: Type.String({ minLength: 1, description: 'Case-insensitive' }),
        password: Type.String({ minLength: 1 }),
        showTenants: Type.Optional(Type.Boolean({ description: 'Also list every tenant the user belongs to' })),
      }, { example: { userName: 'ada@example.com', password: 'correct horse battery', showTenants: true } }),
      response: { 200: Type.Ref('AuthenticationResult') },
    },
  }, async (req) => throttled(throttle, clock, [`user:${req.body.userName.toLowerCase()}`, `address:${req.ip}`], () => tenancy.login(req.body, {
    browser: header(req, 'user-agent') ?? null,
    loginUrl: `${req.protocol}://${req.host}${req.url}`,
    tenantSelector: header(req, 'apiaccesskey'),
  })));

  app.post('/auth/refreshToken', {
    config: { ...credentialExchange, errorCodes: ['INVALID_REFRESH_TOKEN', 'REFRESH_TOKEN_REUSED', 'NOT_A_MEMBER'] },
    schema: {
      tags: ['auth'], summary: 'Exchange a refresh token for new tokens (the old refresh token stops working)',
      description: 'Each refresh token works once; presenting a used one revokes every token of its session. Header apiAccessKey (optional) selects the tenant.',
      body: Type.Object({ refreshToken: Type.String({ minLength: 1 }), userName: Type.String({ minLength: 1 }) }, { example: { refreshToken: 'rt_…', userName: 'ada@example.com' } }),
      response: { 200: Type.Ref('AuthenticationResult') },
    },
  }, async (req) => tenancy.refresh(req.body, header(req, 'apiaccesskey')));

  app.post('/auth/verify', {
    config: { ...credentialExchange, errorCodes: ['NOT_A_MEMBER'] },
    schema: {
      tags: ['auth'], summary: 'Check that an access token is valid for the tenant of apiAccessKey',
      body: Type.Object({
        apiAccessKey: Type.String({ minLength: 1, description: 'The tenant\'s access key (or one of its API keys)' }),
        token: Type.String({ minLength: 1, description: 'The access token' }),
      }, { example: { apiAccessKey: 'tak_…', token: 'eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.…' } }),
      response: { 200: Type.Ref('AuthenticationResult') },
    },
  }, async (req) => tenancy.verify(req.body));

  app.post('/auth/revokeToken', {
    config: { ...credentialExchange, errorCodes: [] },
    schema: {
      tags: ['auth'], summary: 'Revoke a refresh token and every token rotated from it',
      description: 'An unknown token, or one of another user, answers the same.',
      body: Type.Object({ token: Type.String({ minLength: 1, description: 'The refresh token' }), userName: Type.String({ minLength: 1 }) }, { example: { token: 'rt_…', userName: 'ada@example.com' } }),
      response: { 200: { description: 'Revoked', content: { 'text/plain': { schema: Type.String({ example: 'Token revoked' }) } } } },
    },
  }, async (req, reply) => {
    await tenancy.revokeRefreshToken(req.body);
    return reply.type('text/plain; charset=utf-8').send('Token revoked');
  });

  app.post('/oauth/token', {
    config: { ...credentialExchange, errorCodes: ['TOO_MANY_FAILED_SIGN_INS', 'INVALID_CLIENT'] },
    schema: {
      tags: ['auth'], summary: 'OAuth 2.0 client credentials grant (form-encoded or JSON)',
      body: Type.Object({
        client_id: Type.String({ minLength: 1, description: 'The API client\'s clientId' }),
        client_secret: Type.String({ minLength: 1, description: 'Its clientSecret' }),
        grant_type: StringEnum(['client_credentials'] as const),
      }, { example: { client_id: '1b4e28ba-2fa1-11d2-883f-0016d3cca427', client_secret: 'kcs_…', grant_type: 'client_credentials' } }),
      response: { 200: Type.Ref('TokenResponse') },
    },
  }, async (req) => throttled(throttle, clock, [`client:${req.body.client_id}`, `address:${req.ip}`],
    () => tenancy.clientCredentials({ clientId: req.body.client_id, clientSecret: req.body.client_secret })));

  // --- the caller's tenant -------------------------------------------------------------------
  app.get('/tenant', {
    config: { permission: 'tenant:read', scope: 'tenant', errorCodes: [] },
    schema: { tags: ['tenant'], summary: 'The caller\'s tenant', response: { 200: Type.Ref('Tenant') } },
  }, async (req) => toTenantView(req.ctx.tenant));

  app.patch('/tenant', {
    config: { permission: 'tenant:admin', scope: 'tenant', errorCodes: ['INVALID_TIME_ZONE', 'UNKNOWN_SETTING', 'INVALID_NUMBER_FORMAT'] },
    schema: {
      tags: ['tenant'], summary: 'Change the tenant\'s currency, time zone or settings ("Term Basis", "Bill Cycle Day", ...)',
      body: Type.Object({
        currency: Type.Optional(CurrencyCode),
        timeZone: Type.Optional(Type.String({ minLength: 1, description: 'An IANA time zone, e.g. Europe/Paris' })),
        settings: Type.Optional(SettingsPatch),
      }, { example: { timeZone: 'America/Los_Angeles', settings: { 'Term Basis': 'US30360', 'Bill Cycle Day': 1, 'Billing Timing': 'In Advance' } } }),
      response: { 200: Type.Ref('Tenant') },
    },
  }, async (req) => toTenantView(await tenancy.updateTenant(req.ctx, req.body)));

  app.get('/test/clock', {
    config: { permission: 'tenant:read', scope: 'tenant', errorCodes: NOT_A_SANDBOX },
    schema: { tags: ['tenant'], summary: 'Today for this sandbox tenant', response: { 200: Type.Ref('TestClock') } },
  }, async (req) => ({ today: tenancy.testClockToday(req.ctx) }));

  app.post('/test/clock', {
    config: { permission: 'tenant:admin', scope: 'tenant', errorCodes: NOT_A_SANDBOX },
    schema: {
      tags: ['tenant'], summary: 'Set today for this sandbox tenant (null: follow the real date)',
      description: 'Moving it forward runs the day boundaries it crosses (renewals, expiries, collections) as jobs.',
      body: Type.Object({ today: Nullable(DateString) }, { example: { today: '2023-06-22' } }),
      response: { 200: Type.Ref('TestClock') },
    },
  }, async (req) => ({ today: await tenancy.setTestClock(req.ctx, req.body.today) }));

  // --- users, roles, login history ---------------------------------------------------------------
  app.post('/users', {
    config: { permission: 'users:admin', scope: 'tenant', errorCodes: ['INVALID_ROLE', 'INVALID_TIME_ZONE', 'USER_EXISTS', 'PASSWORD_REQUIRED'] },
    schema: {
      tags: ['users'], summary: 'Create a user in this tenant, or add an existing user (no password) as a member',
      body: Type.Object({
        userName: Type.String({ minLength: 1, maxLength: 200, description: 'Unique in this installation (case-insensitive)' }),
        password: Type.Optional(Type.String({ minLength: 8, maxLength: 200, description: 'Required for a new user; absent to add an existing one' })),
        email: Type.Optional(Type.String({ format: 'email' })),
        firstName: Type.Optional(Type.String()), lastName: Type.Optional(Type.String()),
        phoneNumber: Type.Optional(Type.String()),
        timeZone: Type.Optional(Type.String({ description: 'An IANA time zone' })),
        locale: Type.Optional(Type.String({ description: 'e.g. en-US' })),
        roles: Type.Array(RoleName, { minItems: 1, description: 'Its roles in this tenant' }),
        effectiveRole: Type.Optional({ ...RoleName, description: 'One of roles; the first when absent' }),
      }, { example: { userName: 'ada@example.com', password: 'correct horse battery', email: 'ada@example.com', firstName: 'Ada', lastName: 'Lovelace', roles: ['billing', 'read-only'], effectiveRole: 'billing' } }),
      response: { 201: Type.Ref('User') },
    },
  }, async (req, reply) => {
    const user = await tenancy.createUser(req.ctx, req.body);
    const roles = [...new Set(req.body.roles)];
    return reply.status(201).send(toUserView(user, req.ctx.tenantId, roles, req.body.effectiveRole ?? roles[0]!));
  });

  app.get('/users/profile', {
    config: { scope: 'organisation', errorCodes: ['NO_USER_PROFILE', 'USER_NOT_FOUND'] },
    schema: {
      tags: ['users'], summary: 'The signed-in user and their roles (a user\'s token only)',
      querystring: Type.Object({ 'with-detail': Type.Optional(Type.Boolean({ description: 'Add userDetail' })) }),
      response: { 200: Type.Ref('User') },
    },
  }, async (req) => {
    const p = await tenancy.profile(req.ctx);
    const view = toUserView(p.user, req.ctx.tenantId, p.roles, p.effectiveRole);
    return req.query['with-detail'] ? { ...view, userDetail: { title: null, department: null, division: null, address: null } } : view;
  });

  app.get('/users/functions', {
    config: { scope: 'organisation', errorCodes: [] },
    schema: { tags: ['users'], summary: 'The functions (feature actions) of the caller', response: { 200: list('Function') } },
  }, async (req) => functionsOf(req.ctx.permissions));

  app.get('/users/:userId/roles', {
    config: { permission: 'users:read', scope: 'tenant', errorCodes: ['USER_NOT_FOUND'] },
    schema: { tags: ['users'], summary: 'A member\'s roles in this tenant', params: Type.Object({ userId }), response: { 200: list('UserRole') } },
  }, async (req) => {
    const m = await tenancy.userRoles(req.ctx, req.params.userId);
    return m.roles.map((r) => ({ id: r, name: ROLES[r].name, effective: r === m.effectiveRole, functions: functionsOf(ROLES[r].permissions) }));
  });

  app.get('/roles', {
    config: { permission: 'users:read', scope: 'tenant', errorCodes: [] },
    schema: { tags: ['users'], summary: 'Every role and what it allows', response: { 200: list('RoleDefinition') } },
  }, async () =>
    ROLE_IDS.map((id) => ({
      id, name: ROLES[id].name,
      functions: functionsOf(ROLES[id].permissions).map((f) => ({ id: f.id, functionPolicy: f.policy, featureName: f.featureName })),
    })));

  app.get('/roles/:id', {
    config: { permission: 'users:read', scope: 'tenant', errorCodes: [] },
    schema: { tags: ['users'], summary: 'One role', params: Type.Object({ id: RoleName }), response: { 200: Type.Ref('Role') } },
  }, async (req) => toRoleView(req.params.id, false));

  const instant = (d: string) => Type.Optional(Type.String({ description: `${d}: a date-time with offset, like 2023-10-31T12:37:32.000+01:00 (+ sent as %2B)`, example: '2023-10-31T12:37:32.000Z' }));
  const LoginQuery = Type.Object({
    startTime: instant('The earliest sign-in'), endTime: instant('The latest sign-in'),
    limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 1000, description: 'At most this many (100 when absent)' })),
  });
  const toLoginView = (l: LoginRecord): Static<typeof LoginHistorySchema> => ({ ...l, loginTime: l.loginTime.toISOString(), username: l.userName });
  app.get('/loginHistory', {
    config: { permission: 'users:read', scope: 'tenant', errorCodes: [] },
    schema: { tags: ['users'], summary: 'Sign-ins to this tenant, latest first', querystring: LoginQuery, response: { 200: list('LoginHistory') } },
  }, async (req) => (await tenancy.loginHistory(req.ctx, req.query)).map(toLoginView));
  app.get('/loginHistory/user/:userId', {
    config: { permission: 'users:read', scope: 'tenant', errorCodes: ['USER_NOT_FOUND'] },
    schema: { tags: ['users'], summary: 'One user\'s sign-ins to this tenant, latest first', querystring: LoginQuery, params: Type.Object({ userId }), response: { 200: list('LoginHistory') } },
  }, async (req) => (await tenancy.loginHistory(req.ctx, { ...req.query, userId: req.params.userId })).map(toLoginView));

  // --- API keys and OAuth clients ----------------------------------------------------------------
  // a scoped credential may make credentials no wider than itself (tenancy/service.ts boundedCredential)
  const NewCredential = Type.Object({
    name: Type.String({ minLength: 1, maxLength: 100 }),
    role: { ...RoleName, description: 'Its role: no wider than the caller\'s own' },
    customerId: Type.Optional(Type.String({ description: 'Scope it to this customer and its descendants (a UUID); a scoped caller\'s own top customer when absent' })),
  }, { example: { name: 'Storefront key', role: 'storefront' } });
  app.post('/apiKeys', {
    config: { permission: 'tenant:admin', scope: 'organisation', secretFields: ['apiKey'], errorCodes: NEW_CREDENTIAL },
    schema: { tags: ['credentials'], summary: 'Create an API key; the key is shown only in this answer', body: NewCredential, response: { 201: Type.Ref('NewApiKey') } },
  }, async (req, reply) => {
    const k = await tenancy.createApiKey(req.ctx, req.body);
    return reply.status(201).send({ ...toKeyView(k), apiKey: k.apiKey });
  });

  app.get('/apiKeys', {
    config: { permission: 'tenant:admin', scope: 'tenant', errorCodes: [] },
    schema: { tags: ['credentials'], summary: 'The tenant\'s API keys, revoked ones too', response: { 200: list('ApiKey') } },
  }, async (req) => (await tenancy.listApiKeys(req.ctx)).map(toKeyView));

  const revokeKey = { config: { permission: 'tenant:admin', scope: 'tenant', errorCodes: ['API_KEY_NOT_FOUND'] }, schema: { tags: ['credentials'], summary: 'Revoke an API key (at once)', params: ApiKeyParams, response: { 200: Type.Ref('ApiKey') } } } as const;
  app.delete('/apiKeys/:id', revokeKey, async (req) => toKeyView(await tenancy.revokeApiKey(req.ctx, req.params.id)));
  app.post(verbPath('/apiKeys/:id', 'revoke'), revokeKey, async (req) => toKeyView(await tenancy.revokeApiKey(req.ctx, req.params.id)));

  app.post('/apiClients', {
    config: { permission: 'tenant:admin', scope: 'organisation', secretFields: ['clientSecret'], errorCodes: NEW_CREDENTIAL },
    schema: {
      tags: ['credentials'], summary: 'Create an OAuth API client; the secret is shown only in this answer',
      body: NewCredential, response: { 201: Type.Ref('ApiClient') },
    },
  }, async (req, reply) => {
    const c = await tenancy.createApiClient(req.ctx, req.body);
    return reply.status(201).send({ clientId: c.id, clientSecret: c.clientSecret, name: c.name, role: c.role, customerId: c.customerId, createdDate: c.createdAt.toISOString() });
  });

  app.delete('/apiClients/:id', {
    config: { permission: 'tenant:admin', scope: 'tenant', errorCodes: ['API_CLIENT_NOT_FOUND'] },
    schema: { tags: ['credentials'], summary: 'Revoke an OAuth API client (its tokens stop working)', params: Type.Object({ id: Type.String({ description: 'Its clientId' }) }), response: { 204: NoContent } },
  }, async (req, reply) => {
    await tenancy.revokeApiClient(req.ctx, req.params.id);
    return reply.status(204).send();
  });
};
