import { Type } from 'typebox';
import { CurrencyCode, CustomFields, DateString, DateTime, DecimalInput, Money, Nullable, Quantity, StringEnum, Uuid } from '../http/schemas.js';

// Debit memos, credits and credit memos (src/billing/memos) as the OpenAPI document shows them:
// the bodies their request readers take, and the answers their views write (checked by the test
// suite against every answer: src/http/validation.ts). Answers by $id live in `memoSchemas`.

// --- shared pieces ------------------------------------------------------------------------------

const MemoStatusIn = StringEnum(['Draft', 'Active'], { description: 'Draft (default) or Active: created Active, it is owed (debit) or applies (credit) at once' });
const DocumentStatus = StringEnum(['Draft', 'Active', 'Canceled']);
const AssetType = StringEnum(['Subscription', 'Asset', 'Entitlement']);
const BillingTiming = StringEnum(['InAdvance', 'InArrears']);
// the shared primitives, with a field's own description
const date = (description: string) => Type.String({ format: 'date', description: `${description} (YYYY-MM-DD)` });
const id = (description: string) => Type.String({ format: 'uuid', description });
const currency = (description: string) => Type.String({ pattern: '^[A-Z]{3}$', description: `ISO 4217 currency code; ${description}` });

// --- requests -----------------------------------------------------------------------------------

const debitMemoFields = {
  customerId: Type.Optional(Uuid),
  amount: Type.Optional(DecimalInput('The amount, tax included, > 0', '100')),
  taxAmount: Type.Optional(DecimalInput('Its tax, >= 0 (default 0)', '0')),
  currencyCode: Type.Optional(currency('default: the customer\'s currency')),
  startDate: Type.Optional(Nullable(DateString)),
  endDate: Type.Optional(Nullable(date('Not before startDate'))),
  sourceId: Type.Optional(Nullable(id('What the charge comes from (an invoice, with sourceType Invoice)'))),
  sourceType: Type.Optional(Nullable(Type.String({ example: 'Invoice' }))),
  chargeReason: Type.Optional(Nullable(Type.String({ example: 'LateFee' }))),
  reason: Type.Optional(Nullable(Type.String({ description: 'chargeReason, by the name credit memos use (chargeReason wins)' }))),
  description: Type.Optional(Nullable(Type.String({ example: 'Late Fee' }))),
  status: Type.Optional(MemoStatusIn),
};
const lateFee = {
  customerId: '5e1f6c7a-0000-4000-8000-000000000001', amount: '100', taxAmount: '0', startDate: '2023-02-02', endDate: '2023-08-03',
  sourceId: '1298c34f-98bc-46bb-8f5d-a757556e9b4b', sourceType: 'Invoice', chargeReason: 'LateFee', status: 'Active', currencyCode: 'USD', description: 'Late Fee',
};

/** POST /billing/debit-memos: the seed's `{debitMemo: {...}}`, or the same fields flat (as credit memos take them). */
export const DebitMemoCreateBody = Type.Object({
  debitMemo: Type.Optional(Type.Object(debitMemoFields, { additionalProperties: true, description: 'The memo (the seed\'s shape); customerId and amount are required' })),
  ...debitMemoFields,
}, { additionalProperties: true, description: 'Either {debitMemo: {...}} or the memo\'s fields flat; customerId and amount are required', example: { debitMemo: lateFee } });

/** POST /billing/debit-memos:update: the same, with the memo's id (`debitMemo.id`, or `id` flat). */
export const DebitMemoUpdateBody = Type.Object({
  debitMemo: Type.Optional(Type.Object({ id: Type.String({ description: 'The debit memo to change (required)' }), ...debitMemoFields }, { additionalProperties: true })),
  id: Type.Optional(Type.String({ description: 'The debit memo to change, in the flat shape' })),
  ...debitMemoFields,
}, {
  additionalProperties: true, description: 'The whole memo again: a Draft memo is rewritten; an Active one keeps its customer and amounts (only its texts change)',
  example: { debitMemo: { id: '8766605d-13bb-4ed7-81a4-aeeb09928997', ...lateFee } },
});

export const DebitMemoIdsBody = Type.Object({
  debitMemoIds: Type.Array(Type.String({ description: 'A debit memo id' }), { minItems: 1 }),
}, { additionalProperties: true, example: { debitMemoIds: ['497f6eca-6276-4993-bfeb-53cbbbba6f08'] } });

export const CreditMemoCreateBody = Type.Object({
  customerId: Uuid,
  amount: DecimalInput('The amount, tax included, > 0', 10),
  taxAmount: Type.Optional(DecimalInput('Its tax, from 0 (default) to the amount', 0)),
  currencyIsoCode: Type.Optional(currency('default: the customer\'s currency')),
  reason: Type.Optional(Nullable(Type.String({ example: 'Goodwill' }))),
  status: Type.Optional(MemoStatusIn),
  creditMemoDate: Type.Optional(Nullable(date('Default: today'))),
}, { additionalProperties: true, example: { customerId: '5e1f6c7a-0000-4000-8000-000000000001', amount: 10, reason: 'Goodwill', status: 'Active' } });

export const CreditMemoPatchBody = Type.Object({
  creditMemoDate: Type.Optional(date('While the memo is Draft only')),
  reason: Type.Optional(Nullable(Type.String())),
  customFields: Type.Optional(Type.Record(Type.String(), Type.Unknown(), { description: 'Merged: keys sent replace, keys not sent stay' })),
  paymentDetails: Type.Optional(Type.Unknown({ description: 'Taken (the seed sends it) and not stored' })),
  billToContactId: Type.Optional(Type.Unknown({ description: 'Taken (the seed sends it) and not stored' })),
}, { additionalProperties: true, description: 'Non-monetary fields of a Draft or Active memo; any other field is a 409 CREDIT_MEMO_FIELD_FROZEN', example: { creditMemoDate: '2023-06-30', customFields: { Region__c: 'EMEA' } } });

export const CreditMemoIdsBody = Type.Object({
  creditMemoIds: Type.Array(Uuid, { minItems: 1 }),
}, { additionalProperties: true, example: { creditMemoIds: ['497f6eca-6276-4993-bfeb-53cbbbba6f08'] } });

const applicationLine = Type.Object({
  creditMemoId: Type.String({ description: 'The credit memo (Active, same customer and currency)' }),
  invoiceId: Type.Optional(Nullable(Type.String({ description: 'An Active invoice; exactly one of invoiceId and debitMemoId' }))),
  debitMemoId: Type.Optional(Nullable(Type.String({ description: 'An Active debit memo; exactly one of invoiceId and debitMemoId' }))),
  transactionAmount: DecimalInput('How much, > 0', 230),
}, { additionalProperties: true });
const sampleLine = { invoiceId: '4f163819-178d-470c-a246-d6768476a6ec', creditMemoId: 'e3d2197a-7704-42a3-a77f-717337a00346', transactionAmount: 230 };

export const CreditMemoApplyBody = Type.Object({
  appliedInvoices: Type.Array(applicationLine, { minItems: 1, description: 'Never past the memo\'s or the document\'s balance' }),
}, { additionalProperties: true, example: { appliedInvoices: [sampleLine] } });

export const CreditMemoUnapplyBody = Type.Object({
  unappliedInvoices: Type.Array(applicationLine, { minItems: 1, description: 'Never more than the memo applied to that document' }),
}, { additionalProperties: true, example: { unappliedInvoices: [sampleLine] } });

export const CreditConvertBody = Type.Object({
  credits: Type.Array(Type.Object({
    creditId: Type.Optional(Nullable(Uuid)),
    creditNumber: Type.Optional(Type.String({ description: 'The CRE- number: names the credit when creditId is absent, else must be its number' })),
    amount: DecimalInput('Cash to convert, > 0 and at most the credit\'s balance', 50),
  }, { additionalProperties: true, description: 'A creditId or a creditNumber' }), { minItems: 1 }),
}, { additionalProperties: true, example: { credits: [{ creditId: '4b1b8cde-bd8e-408a-9744-0b64d37593ce', creditNumber: 'CRE-000000000001', amount: 50 }] } });

export const CreditsQuery = Type.Object({ customerId: Uuid }, { additionalProperties: true });

// --- answers ------------------------------------------------------------------------------------

/** toDebitMemoView (memos/debit-memos.ts). */
const debitMemoProps = {
  id: Uuid, name: Type.String(), debitMemoNumber: Type.String({ example: 'DM-00000001' }), status: DocumentStatus, customerId: Uuid,
  currencyCode: CurrencyCode, currencyIsoCode: CurrencyCode, debitMemoDate: DateString, startDate: Nullable(DateString), endDate: Nullable(DateString),
  amount: Money, taxAmount: Money, balance: Money, sourceId: Nullable(Uuid), sourceType: Nullable(Type.String()),
  chargeReason: Nullable(Type.String()), reason: Nullable(Type.String({ description: 'chargeReason again' })), description: Nullable(Type.String()),
  paymentStatus: StringEnum(['NotTransferred', 'PartiallyApplied', 'CreditBack', 'Canceled'], { description: 'From the credit memos applied to it' }),
};
export const DebitMemoSchema = Type.Object(debitMemoProps, { $id: 'DebitMemo', additionalProperties: false, description: 'A charge owed outside the billing of assets (a late fee …); balance = amount − credits applied' });
export const DebitMemoAppliedSchema = Type.Object({ ...debitMemoProps, appliedAmount: Money }, {
  $id: 'DebitMemoApplied', additionalProperties: false, description: 'A debit memo a credit memo was applied to, with how much it applied',
});

/** toCreditMemoItemView's details (invoices/views.ts): the ledger's negative amounts shown positive. */
export const CreditMemoItemDetailSchema = Type.Object({
  id: Uuid, creditMemoItemId: Uuid, creditMemoId: Uuid, orderProductId: Uuid, transactionAmountWithoutTax: Money, transactionQuantity: Quantity,
  taxAmount: Money, startDate: DateString, endDate: DateString, billingTiming: BillingTiming, status: DocumentStatus,
}, { $id: 'CreditMemoItemDetail', additionalProperties: false, description: 'What a credit memo item credits per order line' });

/** toCreditMemoItemView (invoices/views.ts). */
export const CreditMemoItemSchema = Type.Object({
  id: Uuid, name: Type.String(), creditMemoItemNumber: Type.String({ example: 'CMI-00001280' }), creditMemoId: Uuid, creditMemoNumber: Type.String(),
  accountId: Uuid, status: DocumentStatus, assetId: Uuid, assetNumber: Type.String(), assetType: AssetType, productId: Uuid,
  productName: Nullable(Type.String()), uomId: Nullable(Uuid), transactionDate: DateString,
  transactionQuantity: Type.Number({ description: 'A quantity; below zero for a correction that takes quantity back' }),
  transactionAmount: Money, transactionAmountWithoutTax: Money, taxAmount: Money, amount: Money, balance: Money,
  startDate: DateString, endDate: DateString, billingTiming: BillingTiming, netSalesPrice: Money,
  prorationNumerator: Type.Integer(), prorationDenominator: Type.Integer(),
  chargeType: StringEnum(['Recurring', 'OneTime', 'Credit', 'Adjustment'], { description: 'Adjustment: a correction of correctsInvoiceItemId; Credit: a credit conversion' }),
  correctsInvoiceItemId: Nullable(Uuid),
  details: Type.Array(Type.Ref('CreditMemoItemDetail')),
}, { $id: 'CreditMemoItem', additionalProperties: false, description: 'A credit memo item: amounts credited, shown positive' });

/** toCreditMemoView (memos/credit-memos.ts). */
const creditMemoProps = {
  id: Uuid, name: Type.String(), creditMemoNumber: Type.String({ example: 'CM-00001280' }), recordType: StringEnum(['CreditMemo']), status: DocumentStatus,
  source: StringEnum(['Manual', 'Billing', 'PaymentOperation', 'CreditConversion'], { description: 'Manual: by hand; Billing: billing that netted negative; PaymentOperation: a refund; CreditConversion: credits:convert' }),
  customerId: Uuid, accountId: Uuid, currencyIsoCode: CurrencyCode, creditMemoDate: DateString, startDate: DateString, endDate: DateString,
  dueDate: Nullable(DateString), targetDate: Nullable(DateString), orderId: Nullable(Uuid),
  amountWithoutTax: Money, taxAmount: Money, amount: Money, balance: Money,
  paymentStatus: StringEnum(['NotTransferred', 'PartiallyApplied', 'Applied', 'Refunded', 'PartialRefunded', 'Canceled'], { description: 'From what was applied or refunded of it' }),
  sourceInvoiceId: Nullable(Uuid), reason: Nullable(Type.String()), customFields: CustomFields, createdDate: DateTime,
};
export const CreditMemoSchema = Type.Object({ ...creditMemoProps, items: Type.Array(Type.Ref('CreditMemoItem')) }, {
  $id: 'CreditMemo', additionalProperties: false, description: 'Money owed back to a customer, applied to invoices and debit memos; items when billing or a credit conversion wrote it',
});
export const CreditMemoAppliedSchema = Type.Object({ ...creditMemoProps, appliedAmount: Money }, {
  $id: 'CreditMemoApplied', additionalProperties: false, description: 'A credit memo applied to an invoice (no items), with how much it applied there',
});
export const CreditMemoAppliedInvoiceSchema = Type.Object({ invoiceId: Uuid, invoiceNumber: Type.String(), appliedAmount: Money }, {
  $id: 'CreditMemoAppliedInvoice', additionalProperties: false, description: 'An invoice a credit memo was applied to, with how much',
});

/** applicationView (memos/credit-memos.ts). */
export const CreditMemoApplicationSchema = Type.Object({
  id: Nullable(id('The application written; none for an unapply')),
  creditMemoId: Uuid, invoiceId: Nullable(Uuid), debitMemoId: Nullable(Uuid), paymentId: Type.Null(), paymentMethod: StringEnum(['CreditMemo']),
  transactionAmount: Money, errorCode: Type.Null(), errorMessage: Type.Null(),
}, { $id: 'CreditMemoApplication', additionalProperties: false, description: 'What one line of :apply or :unapply moved' });
export const CreditMemoApplicationsSchema = Type.Object({ paymentApplications: Type.Array(Type.Ref('CreditMemoApplication')) }, {
  $id: 'CreditMemoApplications', additionalProperties: false,
});

export const CreditMemoAsyncJobSchema = Type.Object({
  jobId: Type.Null({ description: 'The work is done in the request: no job to follow' }), status: StringEnum(['Completed']), creditMemoIds: Type.Array(Uuid),
}, { $id: 'CreditMemoAsyncJob', additionalProperties: false, description: 'The seed\'s async job answer, already Completed' });

/** toCreditView (memos/credits.ts). */
export const CreditSchema = Type.Object({
  id: Uuid, name: Type.String(), creditNumber: Type.String({ example: 'CRE-000000000001' }),
  status: StringEnum(['Active', 'Converted'], { description: 'Converted: no cash left to convert' }), customerId: Uuid, accountId: Uuid,
  creditTypeId: Nullable(Uuid), creditConversionId: Nullable(Uuid), assetId: Uuid, assetNumber: Type.String(), assetType: AssetType,
  orderProductId: Uuid, productId: Uuid, productName: Nullable(Type.String()), currencyIsoCode: CurrencyCode, startDate: DateString,
  quantity: Quantity, unitPrice: Money, amount: Money, balance: Money,
}, { $id: 'Credit', additionalProperties: false, description: 'Credits a customer bought with an order line: balance is the cash not yet converted to credit memos' });
export const CreditsConvertedSchema = Type.Object({ invoices: Type.Array(Type.Ref('CreditMemo'), { description: 'The seed\'s key; it holds credit memos (A6)' }) }, {
  $id: 'CreditsConverted', additionalProperties: false, description: 'The Active credit memos credits:convert wrote, one per line',
});

/** Every schema memo answers refer to by $id (registered at the root with billingSchemas). */
export const memoSchemas = [
  DebitMemoSchema, DebitMemoAppliedSchema, CreditMemoItemDetailSchema, CreditMemoItemSchema, CreditMemoSchema, CreditMemoAppliedSchema,
  CreditMemoAppliedInvoiceSchema, CreditMemoApplicationSchema, CreditMemoApplicationsSchema, CreditMemoAsyncJobSchema, CreditSchema, CreditsConvertedSchema,
];
