import { forbidden, type DomainError } from './errors.js';

// The organisation scope (DESIGN §3): a credential bound to a customer acts for that customer and
// its descendants only. The set is resolved once per request (src/http/auth.ts) and carried in Ctx;
// every use case checks its target against it before it reads or writes — never by hiding an answer.

export interface OrgScope {
  /** The customer the credential is bound to: the top of what it may reach. Null for a storefront
   * credential, which reaches no existing customer (it only places orders for new ones). */
  rootCustomerId: string | null;
  /** That customer and all its descendants (and the customers this request made: `joinScope`). */
  customerIds: Set<string>;
}

interface Scoped { scope?: OrgScope | null | undefined }

/** Whether the caller may reach what this customer owns; an unscoped caller reaches all its tenant's. */
export function inScope(ctx: Scoped, customerId: string | null | undefined): boolean {
  if (!ctx.scope) return true;
  return typeof customerId === 'string' && ctx.scope.customerIds.has(customerId.toLowerCase());
}

/**
 * Refuses a target owned by a customer outside the caller's scope: a read answers the same 404 as a
 * target that does not exist (`missing`), a write a 403 — before anything is written.
 */
export function assertInScope(ctx: Scoped, customerId: string | null | undefined, access: 'read' | 'write', missing: () => DomainError): void {
  if (inScope(ctx, customerId)) return;
  if (access === 'read') throw missing();
  throw outsideScope(ctx, customerId);
}

/** The 403 for a write that reaches outside the scope; `at` names the field that does. */
export function outsideScope(ctx: Scoped, customerId: string | null | undefined, at?: string): DomainError {
  const root = ctx.scope?.rootCustomerId;
  const reach = root ? `customer ${root} and its descendants` : 'new customers only';
  const what = customerId ? `customer ${customerId}` : 'a record without a customer';
  return forbidden('OUTSIDE_ORGANISATION', `${at ? `${at}: ` : ''}this credential acts for ${reach}; ${what} is not one of them`);
}

/** A customer the request itself just made joins its scope (a storefront's new customer: the order it placed is its to answer). */
export function joinScope(ctx: Scoped, customerId: string): void {
  ctx.scope?.customerIds.add(customerId);
}

/** For SQL filters: the customers a scoped caller may reach, or null when it may reach the whole tenant. */
export function scopedCustomerIds(ctx: Scoped): string[] | null {
  return ctx.scope ? [...ctx.scope.customerIds] : null;
}
