import { sql, type RawBuilder } from 'kysely';
import type { Db } from '../db/connect.js';
import type { Tx } from '../db/transaction.js';
import { fromRow, type ColumnMap, type MapsRow, type MapsWholeRow } from '../db/rows.js';
import * as rows from '../metadata/store.js';
import type { ObjectRow } from '../metadata/store.js';
import { CONTACT, CUSTOMER } from './objects.js';
import type { Contact, Customer } from './model.js';

// Customers and contacts as the domain's types (read through the registry's generic row SQL in
// metadata/store.ts, which also serves the CRUD API), and the customer writes the order flow makes,
// each one statement. The only file that maps their rows.
type Q = Db | Tx;

const CUSTOMER_COLUMNS = {
  id: 'id', name: 'name', description: 'description', accountNumber: 'account_number', email: 'email', phone: 'phone', fax: 'fax',
  industry: 'industry', parentCustomerId: 'parent_customer_id', recordType: 'record_type', autoRenew: 'auto_renew',
  billingStreet: 'billing_street', billingCity: 'billing_city', billingState: 'billing_state', billingCountry: 'billing_country',
  billingPostalCode: 'billing_postal_code', shippingStreet: 'shipping_street', shippingCity: 'shipping_city', shippingState: 'shipping_state',
  shippingCountry: 'shipping_country', shippingPostalCode: 'shipping_postal_code', entityUseCode: 'entity_use_code',
  orderPrimaryContact: 'order_primary_contact', orderPrimaryContactName: 'order_primary_contact_name',
  orderPrimaryContactPhone: 'order_primary_contact_phone', taxExempt: 'tax_exempt', entityId: 'entity_id', legalEntityName: 'legal_entity_name',
  annualRevenue: 'annual_revenue', companySize: 'company_size', numberOfEmployees: 'number_of_employees', ownership: 'ownership',
  funding: 'funding', website: 'website', type: 'type', currencyIsoCode: 'currency_iso_code', salesAccountId: 'sales_account_id',
  billingPeriod: 'billing_period', timezone: 'timezone', billCycleDay: 'bill_cycle_day', billCycleStartMonth: 'bill_cycle_start_month',
  billingProrationEnabled: 'billing_proration_enabled', customerSince: 'customer_since', site: 'site', latestOrderDate: 'latest_order_date',
  lastInvoiceDate: 'last_invoice_date', accountSource: 'account_source', paymentTerm: 'payment_term', externalId: 'external_id',
  einvoicingSchemaId: 'einvoicing_schema_id', einvoicingEndpointId: 'einvoicing_endpoint_id',
  defaultPaymentMethodToken: 'default_payment_method_token', defaultPaymentGateway: 'default_payment_gateway',
  customFields: 'custom_fields', createdAt: 'created_at', updatedAt: 'updated_at',
} as const satisfies ColumnMap<Customer, ObjectRow<'customers'>>;

const CONTACT_COLUMNS = {
  id: 'id', customerId: 'customer_id', name: 'name', firstName: 'first_name', lastName: 'last_name', middleName: 'middle_name',
  suffix: 'suffix', title: 'title', birthday: 'birthday', email: 'email', mobilePhone: 'mobile_phone', phone: 'phone',
  billingStreet: 'billing_street', billingCity: 'billing_city', billingState: 'billing_state', billingCountry: 'billing_country',
  billingPostalCode: 'billing_postal_code', shippingStreet: 'shipping_street', shippingCity: 'shipping_city', shippingState: 'shipping_state',
  shippingCountry: 'shipping_country', shippingPostalCode: 'shipping_postal_code', externalId: 'external_id',
  customFields: 'custom_fields', createdAt: 'created_at', updatedAt: 'updated_at',
} as const satisfies ColumnMap<Contact, ObjectRow<'contacts'>>;

// the compiler checks that every column fits the field it fills, and that every column is mapped
const customersMap: MapsRow<Customer, ObjectRow<'customers'>, typeof CUSTOMER_COLUMNS> = true;
const contactsMap: MapsRow<Contact, ObjectRow<'contacts'>, typeof CONTACT_COLUMNS> = true;
const customersWhole: MapsWholeRow<ObjectRow<'customers'>, typeof CUSTOMER_COLUMNS> = true;
const contactsWhole: MapsWholeRow<ObjectRow<'contacts'>, typeof CONTACT_COLUMNS> = true;
void customersMap; void contactsMap; void customersWhole; void contactsWhole;

const toCustomer = (r: ObjectRow<'customers'>): Customer => fromRow<Customer>(CUSTOMER_COLUMNS, r);
const toContact = (r: ObjectRow<'contacts'>): Contact => fromRow<Contact>(CONTACT_COLUMNS, r);

/** The customers of these ids that exist (in no particular order). */
export async function getCustomers(db: Q, tenantId: string, ids: readonly string[]): Promise<Customer[]> {
  return (await rows.getRows(db, tenantId, CUSTOMER, ids)).map(toCustomer);
}

/** The customer whose external id this is (unique per tenant), if any. */
export async function customerByExternalId(db: Q, tenantId: string, externalId: string): Promise<Customer | undefined> {
  const [row] = await rows.rowsWhere(db, tenantId, CUSTOMER, 'external_id', [externalId], 'text');
  return row && toCustomer(row);
}

/** The contacts of these ids that exist (in no particular order). */
export async function getContacts(db: Q, tenantId: string, ids: readonly string[]): Promise<Contact[]> {
  return (await rows.getRows(db, tenantId, CONTACT, ids)).map(toContact);
}

/** A customer's contacts, oldest first. */
export async function contactsOfCustomer(db: Q, tenantId: string, customerId: string): Promise<Contact[]> {
  return (await rows.rowsWhere(db, tenantId, CONTACT, 'customer_id', [customerId])).map(toContact);
}

/**
 * An activated order's mark on its customer: a Prospect becomes a Direct Customer, the currency is
 * fixed by the first order, the latest order date only moves forward. No row: the customer does not
 * exist or buys in another currency (the caller reads which).
 */
export async function recordActivation(db: Q, tenantId: string, id: string, currency: string, orderDate: string): Promise<boolean> {
  const r = await sql`update customers set type = case when type = 'Prospect' then 'Direct Customer' else type end,
      currency_iso_code = ${currency}, latest_order_date = greatest(latest_order_date, ${orderDate}::date), updated_at = now()
    where tenant_id = ${tenantId} and id = ${id} and (currency_iso_code is null or currency_iso_code = ${currency}) returning id`.execute(db);
  return r.rows.length > 0;
}

/** A checkout's payment method becomes the customer's default when it has none. */
export async function rememberPaymentMethod(db: Q, tenantId: string, id: string, token: string, gateway: string): Promise<void> {
  await sql`update customers set default_payment_method_token = ${token}, default_payment_gateway = ${gateway}, updated_at = now()
    where tenant_id = ${tenantId} and id = ${id} and coalesce(default_payment_method_token, '') = ''`.execute(db);
}

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

/** Serialises the tenant's hierarchy changes (for the rest of the transaction), so a cycle check sees every move
 * committed before it. NO KEY UPDATE: the key-share locks of foreign keys to the tenant never wait on it. */
export async function lockHierarchy(tx: Q, tenantId: string): Promise<void> {
  await sql`select id from tenants where id = ${tenantId} for no key update`.execute(tx);
}

/** The ids of the organisation's customers: the customer and its descendants. */
export async function organisationIds(db: Q, tenantId: string, customerId: string): Promise<string[]> {
  const r = await sql<{ id: string }>`${organisationScope(tenantId, customerId)}select id from keel_scope`.execute(db);
  return r.rows.map((x) => x.id);
}
