import { allowing, type AllowList } from '../core/field-allow-list.js';
import { bool, en, f, int, num, ref, str, type FieldDef, type ObjectDef } from '../metadata/fields.js';

// Customers and contacts (seed 002 part D §2.1–2.2, seed 004). Roll-ups (todayARR, todayCMRR,
// totalTCV, invoiceBalance, ...) are computed at read, not stored.
const address = (prefix: 'billing' | 'shipping'): FieldDef[] =>
  ['Street', 'City', 'State', 'Country', 'PostalCode'].map((part) => str(`${prefix}${part}`));
const zipAliases = {
  billingZipCode: 'billingPostalCode', billingzipcode: 'billingPostalCode', billingZip: 'billingPostalCode',
  shippingZipCode: 'shippingPostalCode', shippingzipcode: 'shippingPostalCode', shippingZip: 'shippingPostalCode',
};

export const CUSTOMER: ObjectDef<'customers'> = {
  name: 'Customer', table: 'customers',
  fields: [
    str('name', { required: true, nonEmpty: true }), f('description', 'text'), str('accountNumber'), str('email', { format: 'email' }), str('phone'), str('fax'), str('industry'),
    ref('parentCustomerId', 'Customer'), str('recordType'), str('autoRenew'), ...address('billing'), ...address('shipping'),
    str('entityUseCode'), str('orderPrimaryContact'), str('orderPrimaryContactName'), str('orderPrimaryContactPhone'), bool('taxExempt', false),
    str('entityId'), str('legalEntityName'), num('annualRevenue', { min: 0 }), str('companySize'), int('numberOfEmployees', { min: 0 }),
    str('ownership'), num('funding', { min: 0 }), str('website'), str('type', { default: 'Prospect' }), str('currencyIsoCode'), str('salesAccountId'),
    en('billingPeriod', ['Month', 'Quarter', 'Semi-Annual', 'Annual']), str('timezone'), int('billCycleDay', { min: 1, max: 31 }),
    int('billCycleStartMonth', { min: 1, max: 12 }), bool('billingProrationEnabled'), f('customerSince', 'date'), str('site'),
    f('latestOrderDate', 'date', { readOnly: true }), f('lastInvoiceDate', 'date', { readOnly: true }), str('accountSource'), str('paymentTerm'),
    // set by the CRM sync or the caller; unique per tenant, and every customer route takes it in place of the id
    str('externalId', { nonEmpty: true }), str('einvoicingSchemaId'), str('einvoicingEndpointId'),
    // the default payment method: a gateway token only, never card data
    str('defaultPaymentMethodToken'), str('defaultPaymentGateway'),
  ],
  children: [{ key: 'contacts', object: 'Contact', parentField: 'customerId' }],
  fieldAliases: zipAliases,
};

export const CONTACT: ObjectDef<'contacts'> = {
  name: 'Contact', table: 'contacts',
  fields: [
    ref('customerId', 'Customer', { required: true }), str('name'), str('firstName'), str('lastName'), str('middleName'), str('suffix'), str('title'),
    f('birthday', 'date'), str('email', { format: 'email' }), str('mobilePhone'), str('phone'), ...address('billing'), ...address('shipping'),
    str('externalId', { readOnly: true }),
  ],
  fieldAliases: zipAliases,
};

// what a customer-facing caller may set of itself (DESIGN §3): its name, email, phone and addresses, its contacts
const ADDRESSES = [...address('billing'), ...address('shipping')].map((x) => x.name).concat(Object.keys(zipAliases));
export const CUSTOMER_FACING_CONTACT = allowing('id', 'name', 'firstName', 'lastName', 'middleName', 'email', 'phone', 'mobilePhone', ...ADDRESSES);
export const CUSTOMER_FACING_CUSTOMER: AllowList = {
  ...allowing('name', 'email', 'phone', ...ADDRESSES), contacts: { each: CUSTOMER_FACING_CONTACT },
};

export const CUSTOMER_OBJECTS = { Customer: CUSTOMER, Contact: CONTACT } as const;
export const MAX_CUSTOMERS_PER_CALL = 200;
export const MAX_CONTACTS_PER_CUSTOMER = 50;
