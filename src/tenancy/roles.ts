// Roles are data: each names the permissions it grants. A permission is `feature:action`;
// the seed's Function/Feature view (GET /roles, /users/functions) is derived from these.
export const PERMISSIONS = [
  'tenant:read', 'tenant:admin',
  'users:read', 'users:admin',
  'catalog:read', 'catalog:write',
  'customers:read', 'customers:write',
  'orders:read', 'orders:write',
  'billing:read', 'billing:write',
  'payments:read', 'payments:write',
  'usage:read', 'usage:write',
  'prices:override',
] as const;
export type Permission = (typeof PERMISSIONS)[number];

const READS = PERMISSIONS.filter((p) => p.endsWith(':read'));

export const ROLES = {
  admin: { name: 'Admin', permissions: [...PERMISSIONS] },
  'catalog-admin': { name: 'Catalog Admin', permissions: [...READS, 'catalog:write'] },
  sales: { name: 'Sales', permissions: [...READS, 'customers:write', 'orders:write', 'usage:write'] },
  billing: { name: 'Billing', permissions: [...READS, 'customers:write', 'billing:write', 'payments:write', 'usage:write'] },
  'self-service': {
    name: 'Self-Service',
    permissions: ['tenant:read', 'catalog:read', 'customers:read', 'customers:write', 'orders:read', 'orders:write',
      'billing:read', 'payments:read', 'payments:write', 'usage:read'],
  },
  'read-only': { name: 'Read Only', permissions: [...READS] },
  // a tenant's publishable key in a browser (DESIGN §3 Browser credentials): the published catalog,
  // and orders for new customers only (its scope reaches no existing customer, src/http/auth.ts)
  storefront: { name: 'Storefront', permissions: ['catalog:read', 'orders:write', 'payments:write'] },
} as const satisfies Record<string, { name: string; permissions: readonly Permission[] }>;
export type RoleId = keyof typeof ROLES;
export const ROLE_IDS = Object.keys(ROLES) as RoleId[];

export function isRoleId(v: string): v is RoleId {
  return Object.hasOwn(ROLES, v);
}

export function permissionsOf(roles: readonly RoleId[]): Set<Permission> {
  return new Set(roles.flatMap((r) => ROLES[r].permissions));
}

export interface FunctionView {
  id: string;
  name: string;
  label: string;
  policy: { actions: string[] };
  featureId: string;
  featureName: string;
}

const FEATURE_LABELS: Record<string, string> = {
  tenant: 'Tenant', users: 'Users', catalog: 'Catalog', customers: 'Customers', orders: 'Orders',
  billing: 'Billing', payments: 'Payments', usage: 'Usage', prices: 'Prices',
};

/** The seed's functions: one per feature, with the actions the permissions allow. */
export function functionsOf(perms: Iterable<Permission>): FunctionView[] {
  const byFeature = new Map<string, string[]>();
  for (const p of perms) {
    const [feature, action] = p.split(':') as [string, string];
    byFeature.set(feature, [...(byFeature.get(feature) ?? []), action]);
  }
  return [...byFeature.entries()].map(([feature, actions]) => ({
    id: feature,
    name: feature,
    label: FEATURE_LABELS[feature] ?? feature,
    policy: { actions },
    featureId: feature,
    featureName: FEATURE_LABELS[feature] ?? feature,
  }));
}
