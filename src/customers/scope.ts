import { sql, type RawBuilder } from 'kysely';

/**
 * An organisation and its descendants (`parentCustomerId`, seed 003's reseller tiers) as the CTE
 * `keel_scope(id)`: the one definition of what a credential scoped to a customer may see, used by
 * the REST API's check and inside every GraphQL statement.
 */
export function organisationScope(tenantId: string, customerId: string): RawBuilder<unknown> {
  return sql`with recursive keel_scope(id) as (
      select id from customers where tenant_id = ${tenantId} and id = ${customerId}
      union select c.id from customers c join keel_scope s on c.parent_customer_id = s.id where c.tenant_id = ${tenantId}) `;
}
