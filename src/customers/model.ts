import type { JsonDocument } from '../db/json.js';

// The customers domain's types, as its callers see them (store.ts maps them to rows). Field names
// are the API names of objects.ts (`billingCountry` is the field `billingCountry`, stored in
// `billing_country`), so a planned customer's validated fields and a stored one read alike.

/** A decimal amount as stored (numeric columns come back as exact strings, never floats). */
export type DecimalString = string;

/** A stored customer (an organisation that buys). */
export interface Customer {
  id: string;
  name: string;
  description: string | null;
  accountNumber: string | null;
  email: string | null;
  phone: string | null;
  fax: string | null;
  industry: string | null;
  parentCustomerId: string | null;
  recordType: string | null;
  autoRenew: string | null;
  billingStreet: string | null;
  billingCity: string | null;
  billingState: string | null;
  billingCountry: string | null;
  billingPostalCode: string | null;
  shippingStreet: string | null;
  shippingCity: string | null;
  shippingState: string | null;
  shippingCountry: string | null;
  shippingPostalCode: string | null;
  entityUseCode: string | null;
  orderPrimaryContact: string | null;
  orderPrimaryContactName: string | null;
  orderPrimaryContactPhone: string | null;
  taxExempt: boolean;
  entityId: string | null;
  legalEntityName: string | null;
  annualRevenue: DecimalString | null;
  companySize: string | null;
  numberOfEmployees: number | null;
  ownership: string | null;
  funding: DecimalString | null;
  website: string | null;
  /** `Prospect` until its first activated order makes it a `Direct Customer`. */
  type: string;
  /** Fixed by its first activated order; null before. */
  currencyIsoCode: string | null;
  salesAccountId: string | null;
  billingPeriod: string | null;
  timezone: string | null;
  billCycleDay: number | null;
  billCycleStartMonth: number | null;
  billingProrationEnabled: boolean | null;
  customerSince: string | null;
  site: string | null;
  latestOrderDate: string | null;
  lastInvoiceDate: string | null;
  accountSource: string | null;
  paymentTerm: string | null;
  externalId: string | null;
  einvoicingSchemaId: string | null;
  einvoicingEndpointId: string | null;
  /** The default payment method: a gateway token only, never card data. */
  defaultPaymentMethodToken: string | null;
  defaultPaymentGateway: string | null;
  customFields: JsonDocument;
  createdAt: Date;
  updatedAt: Date;
}

/** A stored contact of a customer (who is also a self-service user). */
export interface Contact {
  id: string;
  customerId: string;
  name: string | null;
  firstName: string | null;
  lastName: string | null;
  middleName: string | null;
  suffix: string | null;
  title: string | null;
  birthday: string | null;
  email: string | null;
  mobilePhone: string | null;
  phone: string | null;
  billingStreet: string | null;
  billingCity: string | null;
  billingState: string | null;
  billingCountry: string | null;
  billingPostalCode: string | null;
  shippingStreet: string | null;
  shippingCity: string | null;
  shippingState: string | null;
  shippingCountry: string | null;
  shippingPostalCode: string | null;
  externalId: string | null;
  customFields: JsonDocument;
  createdAt: Date;
  updatedAt: Date;
}
