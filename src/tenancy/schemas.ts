import { Type, type TSchema } from 'typebox';
import { CurrencyCode, DateString, DateTime, Nullable, StringEnum, Uuid } from '../http/schemas.js';
import { taxSchemas } from '../tax/schemas.js';
import type { TenantSettings } from './model.js';
import { ROLE_IDS } from './roles.js';
import { SETTING_NAMES } from './settings.js';

// The answers of tenancy's, tax's and graphql's routes, as the OpenAPI document shows them (and the test suite checks
// every answer against: src/http/validation.ts `serializerCompiler`). GraphQL's live here, not in src/graphql: no
// other domain imports the read model (eslint keel/no-read-model).

/** A 204: no body (the route sends nothing, so its TypeScript type is undefined; the document shows no content). */
export const NoContent = Type.Unsafe<undefined>(Type.Null({ description: 'No content' }));

/** An idempotent replay of an answer that showed a secret once: the secret is null, and this says why (src/http/idempotency.ts). */
const secretShownOnce = Type.Optional(Type.Boolean({ description: 'true in an idempotent replay: the secret was shown in the first answer only' }));

export const RoleName = StringEnum(ROLE_IDS, { description: 'A role: admin, catalog-admin, sales, billing, self-service, read-only or storefront' });

/** The tenant-wide defaults (model.ts TenantSettings), every one always present. */
export const TenantSettingsSchema = Type.Object({
  termBasis: StringEnum(['US30360', 'Actual']),
  billCycleDay: Type.Integer({ minimum: 1, maximum: 31 }),
  billingPeriod: StringEnum(['Month', 'Quarter', 'Semi-Annual', 'Annual']),
  billingTiming: StringEnum(['InAdvance', 'InArrears']),
  paymentTerm: Type.String({ description: '"Net N" or "Due on Receipt"' }),
  prorationEnabled: Type.Boolean(),
  billingStartMonth: Nullable(Type.Integer({ minimum: 1, maximum: 12 })),
  creditMemoMode: Type.String(),
  hideZeroItems: Type.Boolean(),
  blockAddressMissing: Type.Boolean({ description: 'An order whose tax address is missing cannot be activated (409 TAX_ADDRESS_MISSING)' }),
  numberFormats: Type.Record(Type.String(), Type.String(), { description: 'Number formats by numbered document, e.g. {"order": "ORD-{n:8}"}' }),
  autoCollect: Type.Boolean({ description: 'Charge activated invoices to the customer\'s default payment method' }),
  collectionRetryDays: Type.Array(Type.Integer({ minimum: 1, maximum: 365 }), { description: 'Days after the first collection attempt on which a failed charge is tried again' }),
  refundCorrections: StringEnum(['KeepAsCredit', 'Refund'], { description: 'What a credit memo\'s leftover credit becomes' }),
  billingExtras: Type.Record(Type.String(), Type.Unknown(), { description: 'Imported billing settings kept but not acted on yet' }),
  corsOrigins: Type.Array(Type.String(), { description: 'Browser origins this tenant\'s credentials may be used from' }),
}, { $id: 'TenantSettings', additionalProperties: false, description: 'The tenant-wide defaults; customers, orders and lines may override the billing ones' });

/** What each setting takes: settings.ts checks the values (with messages of its own, the same for the settings import). */
const SETTING_VALUES: Record<keyof TenantSettings, string> = {
  termBasis: 'US30360 or Actual',
  billCycleDay: 'An integer from 1 to 31',
  billingPeriod: 'Month, Quarter, Semi-Annual or Annual',
  billingTiming: 'InAdvance or InArrears (also "In Advance", "In Arrears")',
  paymentTerm: '"Net N" or "Due on Receipt"',
  prorationEnabled: 'true or false',
  billingStartMonth: 'An integer from 1 to 12, or null',
  creditMemoMode: 'A string, e.g. Disabled',
  hideZeroItems: 'true or false',
  blockAddressMissing: 'true or false: an order without a tax address cannot be activated',
  numberFormats: 'An object: a numbered document (order, invoice, ...) to a format with one {n:W}, e.g. {"order": "ORD-{n:8}"}',
  autoCollect: 'true or false: charge activated invoices to the customer\'s default payment method',
  collectionRetryDays: 'Increasing whole days from 1 to 365 (at most 10) on which a failed charge is tried again',
  refundCorrections: 'KeepAsCredit or Refund',
  billingExtras: 'An object, merged into the one kept',
  corsOrigins: 'At most 50 origins such as https://shop.example.com',
};

/** PATCH /tenant's settings: each by its camelCase name or the seed's label; the values are checked by settings.ts, so
 * a bad one is answered in its words ("must be an integer from 1 to 31"), and an unknown name is UNKNOWN_SETTING. */
export const SettingsPatch = Type.Object(
  Object.fromEntries(Object.entries(SETTING_NAMES).map(([name, key]) =>
    [name, Type.Optional(Type.Unknown({ description: name === key ? SETTING_VALUES[key] : `${key}: ${SETTING_VALUES[key]}` }))])),
  { description: 'Only the settings to change' },
);

const tenantFields = {
  id: Uuid,
  tenantNumber: Type.Integer(),
  name: Type.String(),
  apiAccessKey: Type.String({ description: 'Selects this tenant (header apiAccessKey) for a user who belongs to several' }),
  currency: CurrencyCode,
  timeZone: Type.String({ description: 'An IANA time zone: "today" for the tenant' }),
  sandbox: Type.Boolean({ description: 'A sandbox tenant has a test clock (/test/clock)' }),
  settings: Type.Ref('TenantSettings'),
  createdDate: DateTime,
};
export const TenantSchema = Type.Object(tenantFields, { $id: 'Tenant', additionalProperties: false, description: 'A tenant' });
export const NewTenantSchema = Type.Object({
  ...tenantFields,
  apiKey: Nullable(Type.String({ description: 'Its first admin API key, shown only in this answer (null in an idempotent replay)' })),
  secretShownOnce,
}, { $id: 'NewTenant', additionalProperties: false, description: 'A tenant just created, with its first admin API key' });

export const AuthenticationResultSchema = Type.Object({
  token: Type.String({ description: 'The access token (a JWT): header Authorization: Bearer <token>' }),
  refreshToken: Nullable(Type.String({ description: 'Exchanged at /auth/refreshToken; null from /auth/verify' })),
  expiresIn: Type.Integer({ description: 'Seconds the access token has left' }),
  tenants: Type.Optional(Type.Array(Type.Object({
    apiAccessKey: Type.String(), tenantNumber: Type.Integer(), tenantName: Type.String(), tenantId: Uuid, orgId: Uuid, orgName: Type.String(),
  }, { additionalProperties: false }), { description: 'With showTenants: every tenant the user belongs to' })),
}, { $id: 'AuthenticationResult', additionalProperties: false, description: 'Tokens for a user (seed AuthenticationResult)' });

export const TokenResponseSchema = Type.Object({
  access_token: Type.String({ description: 'A JWT: header Authorization: Bearer <token>' }),
  token_type: StringEnum(['Bearer']),
  expires_in: Type.Integer({ description: 'Seconds' }),
}, { $id: 'TokenResponse', additionalProperties: false, description: 'An OAuth 2.0 access token (client credentials grant)' });

export const TestClockSchema = Type.Object({ today: DateString }, {
  $id: 'TestClock', additionalProperties: false, description: 'A sandbox tenant\'s today: its test clock, or the real date in its time zone',
});

export const FunctionSchema = Type.Object({
  id: Type.String(), name: Type.String(), label: Type.String(),
  policy: Type.Object({ actions: Type.Array(Type.String(), { description: 'e.g. read, write, admin' }) }, { additionalProperties: false }),
  featureId: Type.String(), featureName: Type.String(),
}, { $id: 'Function', additionalProperties: false, description: 'A feature and the actions allowed on it' });

export const RoleSchema = Type.Object({
  id: RoleName, name: Type.String(),
  effective: Type.Boolean({ description: 'The user\'s effective role (always false from /roles/{id})' }),
  functions: Type.Array(Type.String(), { description: 'Its functions\' ids' }),
  features: Type.Array(Type.String(), { description: 'Its features\' names' }),
}, { $id: 'Role', additionalProperties: false, description: 'A role, by the names of its functions and features' });

export const UserRoleSchema = Type.Object({
  id: RoleName, name: Type.String(), effective: Type.Boolean(), functions: Type.Array(Type.Ref('Function')),
}, { $id: 'UserRole', additionalProperties: false, description: 'One of a user\'s roles' });

export const RoleDefinitionSchema = Type.Object({
  id: RoleName, name: Type.String(),
  functions: Type.Array(Type.Object({
    id: Type.String(), functionPolicy: Type.Object({ actions: Type.Array(Type.String()) }, { additionalProperties: false }), featureName: Type.String(),
  }, { additionalProperties: false })),
}, { $id: 'RoleDefinition', additionalProperties: false, description: 'A role and what it allows (seed RoleVO)' });

export const UserSchema = Type.Object({
  id: Uuid,
  status: Type.String({ description: 'Active, or another status that cannot sign in' }),
  email: Nullable(Type.String()),
  phoneNumber: Nullable(Type.String()),
  firstName: Nullable(Type.String()),
  lastName: Nullable(Type.String()),
  timeZone: Nullable(Type.String()),
  locale: Nullable(Type.String()),
  currency: Type.Null({ description: 'Not kept per user' }),
  effectiveRoleId: RoleName,
  userName: Type.String({ description: 'Lower-case' }),
  salesforceUserName: Type.Null({ description: 'No Salesforce connection yet' }),
  name: Type.String({ description: 'First and last name, or the user name' }),
  roles: Type.Array(Type.Ref('Role')),
  tenantId: Uuid,
  lastLoginTime: Nullable(DateTime),
  createdDate: DateTime,
  mfaEnabled: Type.Boolean(),
  userDetail: Type.Optional(Type.Object({
    title: Type.Null(), department: Type.Null(), division: Type.Null(), address: Type.Null(),
  }, { additionalProperties: false, description: 'With with-detail=true; not kept yet' })),
}, { $id: 'User', additionalProperties: false, description: 'A user as a member of this tenant (seed GetUserResult)' });

export const LoginHistorySchema = Type.Object({
  userId: Nullable(Uuid),
  tenantId: Uuid,
  userName: Type.String({ description: 'The user name the sign-in gave' }),
  username: Type.String({ description: 'The same, as the seed spells it' }),
  loginTime: DateTime,
  status: StringEnum(['Success', 'Error']),
  browser: Nullable(Type.String({ description: 'Its User-Agent' })),
  loginUrl: Nullable(Type.String()),
  role: Nullable(Type.String({ description: 'The effective role it signed in with' })),
  errorMessage: Nullable(Type.String()),
}, { $id: 'LoginHistory', additionalProperties: false, description: 'One sign-in (seed LoginHistoryVO)' });

const apiKeyFields = {
  id: Uuid,
  name: Type.String(),
  role: RoleName,
  customerId: Nullable(Uuid),
  keyPrefix: Type.String({ description: 'The key\'s first 12 characters, to recognise it' }),
  createdDate: DateTime,
  revokedDate: Nullable(DateTime),
  status: StringEnum(['Active', 'Revoked']),
};
export const ApiKeySchema = Type.Object(apiKeyFields, { $id: 'ApiKey', additionalProperties: false, description: 'An API key (its secret is never shown again); customerId scopes it to that customer\'s organisation' });
export const NewApiKeySchema = Type.Object({
  ...apiKeyFields,
  apiKey: Nullable(Type.String({ description: 'The key, shown only in this answer (null in an idempotent replay)' })),
  secretShownOnce,
}, { $id: 'NewApiKey', additionalProperties: false, description: 'An API key just created, with its secret' });

export const ApiClientSchema = Type.Object({
  clientId: Uuid,
  clientSecret: Nullable(Type.String({ description: 'Shown only in this answer (null in an idempotent replay)' })),
  secretShownOnce,
  name: Type.String(),
  role: RoleName,
  customerId: Nullable(Uuid),
  createdDate: DateTime,
}, { $id: 'ApiClient', additionalProperties: false, description: 'An OAuth API client just created (client credentials at /oauth/token)' });

// --- GraphQL (src/graphql/routes.ts) -----------------------------------------------------------------
export const GraphQLErrorSchema = Type.Object({
  message: Type.String(),
  locations: Type.Optional(Type.Array(Type.Object({ line: Type.Integer(), column: Type.Integer() }, { additionalProperties: false }))),
  path: Type.Optional(Type.Array(Type.Union([Type.String(), Type.Integer()]))),
  extensions: Type.Optional(Type.Object({
    code: Type.Optional(Type.String({ description: 'e.g. GRAPHQL_PARSE_FAILED, GRAPHQL_VALIDATION_FAILED, QUERY_TOO_DEEP, QUERY_TOO_COSTLY, INVALID_FILTER' })),
  }, { additionalProperties: true })),
}, { $id: 'GraphQLError', additionalProperties: false, description: 'A problem with the query (the GraphQL error shape)' });

export const GraphQLResponseSchema = Type.Object({
  data: Type.Optional(Type.Record(Type.String(), Type.Unknown(), { description: 'The query\'s answer: one key per root field' })),
  errors: Type.Optional(Type.Array(Type.Ref('GraphQLError'))),
}, { $id: 'GraphQLResponse', additionalProperties: false, description: 'A GraphQL answer: data, or errors (still HTTP 200)' });

/** Every schema these answers refer to by $id (registered at the root: src/http/app.ts). */
export const tenancySchemas: TSchema[] = [
  TenantSettingsSchema, TenantSchema, NewTenantSchema, AuthenticationResultSchema, TokenResponseSchema, TestClockSchema,
  FunctionSchema, RoleSchema, UserRoleSchema, RoleDefinitionSchema, UserSchema, LoginHistorySchema,
  ApiKeySchema, NewApiKeySchema, ApiClientSchema, GraphQLErrorSchema, GraphQLResponseSchema,
  ...taxSchemas,
];
