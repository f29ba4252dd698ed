import { Type, type TSchema } from 'typebox';
import { CustomFields, DateTime, Money, OptionalNullable, StringEnum, Uuid } from '../http/schemas.js';
import type { FieldDef, ObjectDef } from '../metadata/fields.js';
import { answerFieldSchema } from '../metadata/schemas.js';
import { CONTACT, CUSTOMER, MAX_CONTACTS_PER_CUSTOMER, MAX_CUSTOMERS_PER_CALL } from './objects.js';

// Customers and contacts, request and answer, built from their registry definitions (objects.ts),
// so a field added there is documented (and checked on the way out) without another edit here.
// Requests are typed only: the service checks every item of a batch (required fields, ranges,
// e-mail, dates, enums) and lists each bad one, which a schema stopping at the first error would hide.

/** What a field means, where its name does not say it. */
const DESCRIPTIONS: Record<string, string> = {
  name: 'Required on create',
  parentCustomerId: 'The customer above this one in its organisation (a customer of this tenant)',
  type: 'Prospect until its first activated order makes it a Direct Customer',
  currencyIsoCode: 'Fixed by its first activated order (ISO 4217)',
  taxExempt: 'Exempt from tax: its orders are taxed at 0 (taxStatus NotCalculated)',
  billingPeriod: 'The default billing period of its orders\' lines',
  billCycleDay: 'The default bill cycle day (1–31)',
  billCycleStartMonth: 'The default billing start month (1–12)',
  timezone: 'An IANA time zone, e.g. Europe/Paris',
  orderPrimaryContact: 'The id of its primary bill-to contact (taxes orders placed without one)',
  externalId: 'The CRM\'s id (unique per tenant); every customer route takes it in place of the id',
  defaultPaymentMethodToken: 'The default payment method: a gateway token only, never card data',
  paymentTerm: 'e.g. Net 30; its invoices fall due that many days after their date',
  customerId: 'The customer the contact belongs to',
  latestOrderDate: 'Set by Keel: the effective date of its latest activated order',
  lastInvoiceDate: 'Set by Keel',
  email: 'An e-mail address',
};
const described = (fd: FieldDef, extra?: string) => {
  const d = [DESCRIPTIONS[fd.name], extra].filter(Boolean).join('. ');
  return d ? { description: d } : {};
};

/** A field as a request may send it (metadata/validate.ts): null clears it; the service checks the value. */
function requestField(fd: FieldDef): TSchema {
  const exact = fd.type === 'enum' && !fd.aliases && !fd.caseInsensitive;
  const o = described(fd, fd.type === 'date' ? 'YYYY-MM-DD' : fd.type === 'ref' ? 'A UUID' : fd.type === 'decimal' ? 'A number or a decimal string such as "12.30"' : undefined);
  const t: TSchema[] = fd.type === 'integer' ? [Type.Integer()]
    : fd.type === 'decimal' ? [Type.Number(), Type.String()]
      : fd.type === 'boolean' ? [Type.Boolean()]
        : exact ? [StringEnum([...(fd.values ?? [])] as string[])]
          : fd.type === 'json' ? [Type.Unknown()]
            : [Type.String()];
  return OptionalNullable(t, o.description);
}

function answerOf(def: ObjectDef, extra: Record<string, TSchema>, opts: { $id: string; description: string }) {
  const fields = Object.fromEntries(def.fields.map((fd) => [fd.name, answerFieldSchema(fd, described(fd).description)]));
  return Type.Object({ id: Uuid, ...fields, customFields: CustomFields, createdDate: DateTime, lastModifiedDate: DateTime, ...extra }, { ...opts, additionalProperties: false });
}

/** The writable fields, and the other names the definition accepts for some (`billingZipCode`…). */
function requestProps(def: ObjectDef, leaveOut: readonly string[] = []): Record<string, TSchema> {
  const writable = def.fields.filter((fd) => !fd.readOnly && !leaveOut.includes(fd.name));
  const props: Record<string, TSchema> = Object.fromEntries(writable.map((fd) => [fd.name, requestField(fd)]));
  for (const [alias, name] of Object.entries(def.fieldAliases ?? {})) {
    props[alias] = OptionalNullable(Type.String(), `Another name of ${name}`);
  }
  props.customFields = Type.Optional(Type.Record(Type.String(), Type.Unknown(), { description: 'The tenant\'s custom fields, by API name: merged into the stored ones' }));
  return props;
}
// unknown fields are the service's to refuse (UNKNOWN_FIELD, naming the field), read-only ones too (READ_ONLY_FIELD)
const open = { additionalProperties: true } as const;

export const ContactSchema = answerOf(CONTACT, {}, { $id: 'Contact', description: 'A contact of a customer (who may also be a self-service user)' });
export const CustomerSchema = answerOf(CUSTOMER, {
  todayARR: Type.Number({ description: 'Σ todayARR of its subscriptions' }),
  todayCMRR: Type.Number({ description: 'Σ todayCMRR of its subscriptions' }),
  totalTCV: Type.Number({ description: 'Σ TCV of everything it owns, canceled versions left out' }),
  invoiceBalance: Money,
  contacts: Type.Array(Type.Ref('Contact'), { description: 'Its contacts, oldest first' }),
}, { $id: 'Customer', description: 'An organisation that buys, with its roll-ups (computed at read) and its contacts' });

const contactExample = { firstName: 'William', lastName: 'Chase', email: 'william.chase@nue.io', billingCountry: 'United States', billingState: 'California', billingZipCode: '95129' };

/** A new contact; `customerId` is the route's (or the new customer's) when left out. */
export const NewContactBody = Type.Object(requestProps(CONTACT), {
  ...open, $id: 'ContactInput', description: 'A new contact; without a name it is named from firstName, middleName and lastName', example: contactExample,
});
/** A contact as its customer's patch lists it: with an id, patched; without one, created. */
const ContactInPatch = Type.Object({ id: Type.Optional(Type.String({ description: 'The contact to patch; without it a new contact is created' })), ...requestProps(CONTACT, ['customerId']) }, open);
export const PatchContactBody = Type.Object(requestProps(CONTACT), {
  ...open, description: 'The fields to change (null clears one); customerId moves the contact to another customer', example: { email: 'w.chase@nue.io', title: 'CFO' },
});

const customerProps = requestProps(CUSTOMER);
/** A new customer with its contacts (as POST /orders/customers and a new order's `customer` take it). */
export const NewCustomerBody = Type.Object({
  ...customerProps,
  contacts: Type.Optional(Type.Array(Type.Object(requestProps(CONTACT, ['customerId']), open), { description: `Its contacts, at most ${MAX_CONTACTS_PER_CUSTOMER}` })),
}, { ...open, $id: 'CustomerInput', description: 'A new customer; name is required', example: { name: 'Nue IO, Inc.', email: 'william.chase@nue.io', billingCountry: 'United States', contacts: [contactExample] } });
export const PatchCustomerBody = Type.Object({
  ...customerProps,
  contacts: Type.Optional(Type.Array(ContactInPatch, { description: 'Contacts with an id are patched, those without one created' })),
}, { ...open, description: 'The fields to change (null clears one)', example: { phone: '+1 408 555 0100', paymentTerm: 'Net 45' } });

// one object or a list (a schema error names the field of the deepest branch: validation.ts)
export const CreateCustomersBody = Type.Union([Type.Array(Type.Ref('CustomerInput'), { minItems: 1, maxItems: MAX_CUSTOMERS_PER_CALL }), Type.Ref('CustomerInput')], {
  description: `1 to ${MAX_CUSTOMERS_PER_CALL} customers (or one, not in a list), all or nothing: every bad item is listed in errors`,
});
// more than the limit is the service's TOO_MANY_CONTACTS
export const CreateContactsBody = Type.Union([Type.Array(Type.Ref('ContactInput'), { minItems: 1 }), Type.Ref('ContactInput')], {
  description: `1 to ${MAX_CONTACTS_PER_CUSTOMER} contacts (or one, not in a list), all or nothing`,
});

export const customerSchemas: TSchema[] = [ContactSchema, CustomerSchema, NewContactBody, NewCustomerBody];
