import type { Permission, RoleId } from './roles.js';

export type TermBasis = 'US30360' | 'Actual';
export type BillingPeriodSetting = 'Month' | 'Quarter' | 'Semi-Annual' | 'Annual';
export type BillingTiming = 'InAdvance' | 'InArrears';

/** Tenant-wide defaults; customers, orders and lines may override the billing ones. */
export interface TenantSettings {
  termBasis: TermBasis;
  billCycleDay: number;
  billingPeriod: BillingPeriodSetting;
  billingTiming: BillingTiming;
  paymentTerm: string;
  prorationEnabled: boolean;
  billingStartMonth: number | null;
  creditMemoMode: string;
  hideZeroItems: boolean;
  /** An order whose tax address is missing (taxStatus AddressMissing) cannot be activated: 409 TAX_ADDRESS_MISSING. */
  blockAddressMissing: boolean;
  numberFormats: Record<string, string>;
  /** Charge invoices activated by billing runs or `:activate` to the customer's default payment method. */
  autoCollect: boolean;
  /** Days after the first collection attempt on which a failed charge is tried again. */
  collectionRetryDays: number[];
  /** What a credit memo's leftover credit becomes: kept as credit, or refunded to the original payment method. */
  refundCorrections: 'KeepAsCredit' | 'Refund';
  /** Imported billing settings Keel keeps but does not act on yet (auto BCD mode, CRM alignment, grouping). */
  billingExtras: Record<string, unknown>;
  /** Browser origins (`https://shop.example.com`) this tenant's credentials may be used from (src/http/cors.ts); none: no CORS. */
  corsOrigins: string[];
}

export const DEFAULT_SETTINGS: TenantSettings = {
  termBasis: 'US30360',
  billCycleDay: 1,
  billingPeriod: 'Month',
  billingTiming: 'InAdvance',
  paymentTerm: 'Net 30',
  prorationEnabled: true,
  billingStartMonth: null,
  creditMemoMode: 'Disabled',
  hideZeroItems: false,
  blockAddressMissing: false,
  numberFormats: {},
  autoCollect: true,
  collectionRetryDays: [3, 5, 7],
  refundCorrections: 'KeepAsCredit',
  billingExtras: {},
  corsOrigins: [],
};

export interface Tenant {
  id: string;
  tenantNumber: number;
  name: string;
  accessKey: string;
  currency: string;
  timeZone: string;
  sandbox: boolean;
  settings: TenantSettings;
  testClockDate: string | null;
  createdAt: Date;
}

/** Who is calling. `customerId` scopes an organisation's credential to it and its descendants. */
export type Principal =
  | { kind: 'apiKey'; keyId: string; role: RoleId; customerId: string | null }
  | { kind: 'user'; userId: string; userName: string; roles: RoleId[]; effectiveRole: RoleId }
  | { kind: 'client'; clientId: string; role: RoleId; customerId: string | null }
  | { kind: 'system'; name: string };   // Keel itself: bootstrap, demo data, jobs

export interface Authenticated {
  tenant: Tenant;
  principal: Principal;
  permissions: Set<Permission>;
}

export interface User {
  id: string;
  userName: string;
  email: string | null;
  firstName: string | null;
  lastName: string | null;
  phoneNumber: string | null;
  timeZone: string | null;
  locale: string | null;
  status: string;
  lastLoginAt: Date | null;
  createdAt: Date;
}

export interface Membership {
  tenantId: string;
  userId: string;
  roles: RoleId[];
  effectiveRole: RoleId;
}

export interface ApiKey {
  id: string;
  name: string;
  role: RoleId;
  customerId: string | null;
  keyPrefix: string;
  createdAt: Date;
  revokedAt: Date | null;
}

export interface ApiClient {
  id: string;
  name: string;
  role: RoleId;
  customerId: string | null;
  createdAt: Date;
  revokedAt: Date | null;
}

/** A refresh token as stored (by its hash). `family` groups the tokens rotated from one sign-in. */
export interface RefreshToken {
  tokenHash: string;
  userId: string;
  tenantId: string;
  family: string;
  expiresAt: Date;
  usedAt: Date | null;
  revokedAt: Date | null;
  createdAt: Date;
}

export interface LoginRecord {
  userId: string | null;
  tenantId: string;
  userName: string;
  loginTime: Date;
  status: 'Success' | 'Error';
  browser: string | null;
  loginUrl: string | null;
  role: string | null;
  errorMessage: string | null;
}
