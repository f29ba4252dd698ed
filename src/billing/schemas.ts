import { Type, type TSchema } from 'typebox';
import { CurrencyCode, CustomFields, DateString, DateTime, DecimalInput, Money, Nullable, Quantity, StringEnum, Uuid } from '../http/schemas.js';
import { memoSchemas } from './memo-schemas.js';

// The answers of billing's routes, as the OpenAPI document shows them (and the test suite checks
// every answer against: src/http/validation.ts `serializerCompiler`).

export const BillingJobSchema = Type.Object({
  id: Uuid,
  scheduleId: Nullable(Uuid),
  status: StringEnum(['Queued', 'Running', 'Completed', 'Failed', 'Interrupted'], { description: 'Interrupted: cut off by a crash, with what it wrote; resumedByJobId finishes it' }),
  targetDate: DateString,
  autoActivate: Type.Boolean(),
  invoiceIds: Type.Array(Uuid),
  creditMemoIds: Type.Array(Uuid),
  errors: Type.Array(Type.Object({ customerId: Type.String(), errorCode: Type.String(), message: Type.String() }, { additionalProperties: false })),
  resumedByJobId: Nullable(Uuid),
}, { $id: 'BillingJob', additionalProperties: false, description: 'A billing run: what it billed, and whom it could not' });

export const BillingScheduleSchema = Type.Object({
  id: Uuid,
  name: Nullable(Type.String()),
  scheduleType: StringEnum(['Recurring']),
  status: StringEnum(['Draft', 'Active', 'Canceled']),
  recurringSchedule: Type.String({ description: 'Quartz cron, e.g. "0 0 3 * * ? *"' }),
  scheduleStartDate: DateString,
  autoActivate: Type.Boolean(),
  targetDateIncrement: Type.String({ pattern: '^[0-9]+$' }),
  targetDateIncrementSign: StringEnum(['Plus', 'Minus']),
  targetDateIncrementTimeUnit: StringEnum(['Days']),
  customerIds: Nullable(Type.Array(Uuid)),
  customerFilter: Nullable(Type.String()),
  productFilter: Nullable(Type.String()),
  billCycleDayFilter: Nullable(Type.String()),
  lastRunDate: Nullable(DateString),
  recordType: StringEnum(['BillingSchedule']),
}, { $id: 'BillingSchedule', additionalProperties: false, description: 'A Recurring billing schedule' });

// --- invoices (src/billing/invoices/views.ts: toInvoiceView, toItemView) ---------------------------
// A preview (an order's or a change's, never stored) has no numbers, maybe no customer, and no times.

/** Every payment status an invoice may show (the seed's, plus Failed and WrittenOff: invoices/balances.ts). */
export const INVOICE_PAYMENT_STATUSES = ['NotTransferred', 'Transferred', 'TransferError', 'Paid', 'PartialPaid', 'Canceled', 'Refunded', 'PartialRefunded',
  'CreditBack', 'Applied', 'PartiallyApplied', 'Failed', 'WrittenOff'] as const;
const BillingTiming = StringEnum(['InAdvance', 'InArrears']);

export const InvoiceSchema = Type.Object({
  id: Uuid,
  name: Nullable(Type.String({ description: 'The invoice number (null on a preview)' })),
  invoiceNumber: Nullable(Type.String({ description: 'null on a preview' })),
  recordType: StringEnum(['Invoice']),
  source: Type.String({ description: 'What made it, e.g. Billing' }),
  status: StringEnum(['Draft', 'Active', 'Canceled']),
  customerId: Nullable(Uuid),
  accountId: Nullable(Uuid),
  billToContactId: Nullable(Uuid),
  orderId: Nullable(Uuid),
  currencyIsoCode: CurrencyCode,
  invoiceDate: DateString,
  dueDate: DateString,
  startDate: DateString,
  endDate: DateString,
  targetDate: DateString,
  amountWithoutTax: Money,
  taxAmount: Money,
  amount: Money,
  balance: Money,
  paymentStatus: StringEnum([...INVOICE_PAYMENT_STATUSES]),
  taxStatus: Type.String({ description: 'e.g. NotCalculated, Calculated, AddressMissing' }),
  accountingStatus: Type.String({ description: 'e.g. NotStarted' }),
  isCatchUp: Type.Boolean(),
  poNumber: Nullable(Type.String()),
  description: Nullable(Type.String()),
  paymentDetails: Nullable(Type.String({ description: 'Set with a payment status by hand (convert-payment-status)' })),
  activatedTime: Nullable(DateTime),
  activatedById: Nullable(Type.String()),
  canceledDate: Nullable(DateTime),
  customFields: CustomFields,
  createdDate: Nullable(DateTime),
  lastModifiedDate: Nullable(DateTime),
}, { $id: 'Invoice', additionalProperties: false, description: 'An invoice, stored or previewed' });

export const InvoiceItemDetailSchema = Type.Object({
  id: Uuid,
  invoiceItemId: Uuid,
  orderProductId: Type.String(),
  detailType: StringEnum(['Committed', 'Overage']),
  billedAmount: Money,
  transactionAmount: Money,
  transactionAmountWithoutTax: Money,
  transactionQuantity: Quantity,
  taxAmount: Money,
  netSalesPrice: Money,
  startDate: DateString,
  endDate: DateString,
  billingTiming: BillingTiming,
}, { $id: 'InvoiceItemDetail', additionalProperties: false, description: 'What an invoice item bills for one order line' });

export const InvoiceItemSchema = Type.Object({
  id: Uuid,
  name: Nullable(Type.String({ description: 'The item number (null on a preview)' })),
  invoiceItemNumber: Nullable(Type.String()),
  invoiceId: Uuid,
  invoiceNumber: Nullable(Type.String()),
  accountId: Type.String({ description: 'The customer (empty on a preview without one)' }),
  status: StringEnum(['Draft', 'Active', 'Canceled']),
  assetId: Type.String(),
  assetNumber: Type.String(),
  assetType: StringEnum(['Subscription', 'Asset', 'Entitlement']),
  productId: Type.String(),
  productName: Nullable(Type.String()),
  uomId: Nullable(Type.String()),
  transactionDate: DateString,
  transactionQuantity: Quantity,
  transactionAmount: Money,
  transactionAmountWithoutTax: Money,
  taxAmount: Money,
  amount: Money,
  balance: Money,
  netSalesPrice: Money,
  appliedCredits: Money,
  ratedCredits: Money,
  startDate: DateString,
  endDate: DateString,
  billingTiming: BillingTiming,
  prorationNumerator: Type.Integer(),
  prorationDenominator: Type.Integer(),
  chargeType: StringEnum(['Recurring', 'OneTime', 'Credit', 'Adjustment'], { description: 'The charge billed, or Adjustment for a correction of a period already billed' }),
  correctsInvoiceItemId: Nullable(Uuid),
  details: Type.Array(Type.Ref('InvoiceItemDetail')),
}, { $id: 'InvoiceItem', additionalProperties: false, description: 'One line of an invoice: an asset\'s charge for a period' });

export const InvoiceModelWithItemsSchema = Type.Object({
  invoice: Type.Ref('Invoice'),
  items: Type.Array(Type.Ref('InvoiceItem')),
}, { $id: 'InvoiceModelWithItems', additionalProperties: false, description: 'An invoice and its items' });

// --- payments of invoices (invoices/operations.ts, workflows/invoice-collection.ts) ----------------

export const PaymentApplicationSchema = Type.Object({
  id: Uuid,
  invoiceId: Uuid,
  debitMemoId: Type.Null(),
  paymentId: Nullable(Uuid),
  paymentMethod: StringEnum(['Electronic', 'WriteOff']),
  transactionAmount: Money,
  errorCode: Type.Null({ description: 'Always null: a line that fails fails the whole call' }),
  errorMessage: Type.Null(),
  paymentNumber: Type.Optional(Type.String({ description: 'The payment recorded (:pay and :refund; a write-off records none)', example: 'PAY-00000001' })),
}, { $id: 'PaymentApplication', additionalProperties: false, description: 'What one line of :pay, :refund or :write-off applied to its invoice' });

export const PaymentApplicationsSchema = Type.Object({
  paymentApplications: Type.Array(Type.Ref('PaymentApplication')),
}, { $id: 'PaymentApplications', additionalProperties: false, description: 'One application per line, in the order sent' });

export const InvoicesPaymentResponseSchema = Type.Object({
  invoices: Type.Array(Type.Object({ id: Uuid, balance: Money, paymentStatus: StringEnum([...INVOICE_PAYMENT_STATUSES]) }, { additionalProperties: false })),
}, { $id: 'InvoicesPaymentResponse', additionalProperties: false, description: 'The invoices whose payments were reversed, with their balances reopened' });

export const PaymentStatusConversionsSchema = Type.Object({
  invoices: Type.Array(Type.Object({
    id: Uuid, invoiceNumber: Type.String(), previousPaymentStatus: StringEnum([...INVOICE_PAYMENT_STATUSES]), paymentStatus: StringEnum([...INVOICE_PAYMENT_STATUSES]), reason: Type.String(),
  }, { additionalProperties: false })),
}, { $id: 'PaymentStatusConversions', additionalProperties: false, description: 'Each invoice\'s payment status as it was and as set, with the reason recorded' });

export const PaymentStatusChangesSchema = Type.Object({
  invoiceId: Uuid,
  customerId: Uuid,
  changes: Type.Array(Type.Object({
    id: Uuid, invoiceId: Uuid, fromStatus: StringEnum([...INVOICE_PAYMENT_STATUSES]), toStatus: StringEnum([...INVOICE_PAYMENT_STATUSES]), reason: Type.String(),
    changedBy: Nullable(Type.String({ description: 'The principal that set it' })), createdDate: DateTime,
  }, { additionalProperties: false })),
}, { $id: 'PaymentStatusChanges', additionalProperties: false, description: 'The payment statuses set by hand on an invoice, oldest first' });

export const CollectionAttemptSchema = Type.Object({
  id: Uuid,
  invoiceId: Uuid,
  attemptNumber: Type.Integer({ minimum: 1, description: '1 for the first charge, one more per retry (a re-planned attempt keeps its number)' }),
  status: StringEnum(['Scheduled', 'Pending', 'Authorized', 'Succeeded', 'Failed', 'Voided', 'Skipped', 'Canceled']),
  trigger: StringEnum(['Activation', 'Retry', 'Transfer', 'Pay', 'Replan'], { description: 'What planned it' }),
  dueDate: DateString,
  currencyIsoCode: CurrencyCode,
  amount: Nullable(Money),
  gateway: Nullable(Type.String()),
  gatewayKey: Nullable(Type.String({ description: 'The idempotency key the gateway is asked with' })),
  paymentId: Nullable(Uuid),
  declineCode: Nullable(Type.String()),
  declineMessage: Nullable(Type.String()),
  attemptedOn: Nullable(DateString),
  createdDate: DateTime,
  attemptedTime: Nullable(DateTime),
  finishedTime: Nullable(DateTime),
}, { $id: 'CollectionAttempt', additionalProperties: false, description: 'One charge of an invoice\'s balance to a payment method, planned or made (amount: null while Scheduled)' });

export const CollectionAttemptsSchema = Type.Object({
  invoiceId: Uuid,
  customerId: Uuid,
  attempts: Type.Array(Type.Ref('CollectionAttempt')),
}, { $id: 'CollectionAttempts', additionalProperties: false, description: 'Every collection attempt of an invoice, oldest first' });

export const ResyncInvoiceToPaymentResponseSchema = Type.Object({
  invoices: Type.Array(Type.Object({
    id: Uuid, invoiceNumber: Type.String(), paymentStatus: StringEnum([...INVOICE_PAYMENT_STATUSES]), balance: Money,
    attempt: Nullable(Type.Ref('CollectionAttempt', { description: 'The attempt made now; null when none was due (one already in flight keeps going)' })),
  }, { additionalProperties: false })),
}, { $id: 'ResyncInvoiceToPaymentResponse', additionalProperties: false, description: 'Each invoice charged, as it stands after the charge' });

export const RefundsToPaymentMethodSchema = Type.Object({
  creditMemos: Type.Array(Type.Object({
    creditMemoId: Uuid, creditMemoNumber: Type.String(), refundedAmount: Money,
    originalPaymentId: Nullable(Uuid), refundPaymentNumber: Type.String(),
    status: StringEnum(['Pending', 'Succeeded', 'Failed', 'Canceled'], { description: 'The refund\'s: Pending until the gateway settles it' }),
    balance: Money, paymentStatus: Type.String({ description: 'The credit memo\'s' }),
  }, { additionalProperties: false })),
}, { $id: 'RefundsToPaymentMethod', additionalProperties: false, description: 'Each credit memo\'s refund to the original payment method (refundedAmount 0 until it succeeds)' });

export const InvoiceAsyncJobSchema = Type.Object({
  jobId: Type.Null({ description: 'Always null: the work is done before the answer' }),
  status: StringEnum(['Completed']),
  invoiceIds: Type.Array(Uuid),
}, { $id: 'InvoiceAsyncJob', additionalProperties: false, description: 'The seed\'s async job answer (CreateAsyncJobResponse), already Completed' });

// --- tenant billing settings (tenant-settings.ts), runs and schedules -----------------------------

const BILLING_PERIODS = ['Month', 'Quarter', 'Semi-Annual', 'Annual'];
const TERM_BASES = ['US30360', 'Actual'];
/** The seed's open document beside the settings Keel acts on: kept as it came, given back by :export. */
const KeptAsSent = (description: string) => Type.Unknown({ description: `${description}; kept as sent, not acted on` });

export const ImportAndExportBillingSettingsVOSchema = Type.Object({
  subscriptionDateFieldForBcd: KeptAsSent('{fieldApiName}'),
  autoSetBcdMode: KeptAsSent('{mode, setting}'),
  sfCustomSettings: KeptAsSent('CRM alignment settings'),
  billingSettings: Type.Object({
    'Bill Cycle Day': Type.Integer({ minimum: 1, maximum: 31 }),
    'Billing Period': StringEnum(BILLING_PERIODS),
    'Billing Start Month': Nullable(Type.Integer({ minimum: 1, maximum: 12 })),
    'Billing Timing': Type.String({ description: 'In Advance or In Arrears' }),
    prorationEnabled: Type.Boolean(),
    'Payment Term': Type.String({ description: '"Net N" or "Due on Receipt"' }),
    hideZeroItems: Type.Boolean(),
    'Credit Memo Mode': Type.String(),
    'Term Basis': StringEnum(TERM_BASES),
  }, { additionalProperties: true, description: 'The settings Keel acts on, and any other key as it was imported' }),
}, { $id: 'ImportAndExportBillingSettingsVO', additionalProperties: false, description: 'The tenant\'s billing settings in the seed\'s shape' });

/** POST /billing/tenant-settings/setting:import: the document :export gives (every key optional). */
export const ImportBillingSettingsBody = Type.Object({
  subscriptionDateFieldForBcd: Type.Optional(KeptAsSent('{fieldApiName}')),
  autoSetBcdMode: Type.Optional(KeptAsSent('{mode, setting}')),
  sfCustomSettings: Type.Optional(KeptAsSent('CRM alignment settings')),
  billingSettings: Type.Optional(Type.Object({
    'Bill Cycle Day': Type.Optional(Type.Integer({ description: '1 to 31' })),
    'Billing Period': Type.Optional(StringEnum(BILLING_PERIODS)),
    'Billing Start Month': Type.Optional(Nullable(Type.Integer({ description: '1 to 12, or null' }))),
    'Billing Timing': Type.Optional(StringEnum(['In Advance', 'In Arrears', 'InAdvance', 'InArrears'])),
    prorationEnabled: Type.Optional(Type.Boolean()),
    'Payment Term': Type.Optional(Type.String({ description: '"Net N" or "Due on Receipt"' })),
    hideZeroItems: Type.Optional(Type.Boolean()),
    'Credit Memo Mode': Type.Optional(Type.String()),
    'Term Basis': Type.Optional(StringEnum(TERM_BASES)),
  }, { additionalProperties: true, description: 'The settings Keel acts on; any other key is kept as sent' })),
}, {
  additionalProperties: true,
  example: {
    subscriptionDateFieldForBcd: { fieldApiName: 'subscriptionStartDate' }, autoSetBcdMode: { mode: 'AutoSetToFirstSubscription', setting: null },
    billingSettings: { 'Bill Cycle Day': 1, 'Billing Period': 'Month', 'Billing Timing': 'In Advance', prorationEnabled: true, 'Payment Term': 'Net 30', hideZeroItems: true, 'Credit Memo Mode': 'Disabled', 'Term Basis': 'US30360' },
  },
});

export const BillingJobErrorSchema = Type.Object({
  customerId: Type.String(), errorCode: Type.String(), message: Type.String(),
}, { $id: 'BillingJobError', additionalProperties: false, description: 'A customer a billing run could not bill, and why' });

export const BillingScheduleIdsSchema = Type.Object({ scheduleIds: Type.Array(Uuid) }, { $id: 'BillingScheduleIds', additionalProperties: false, description: 'The schedules changed' });

// --- request bodies (the service's readers still check every field: these document them) ---------

/** An invoice named by id: text that names no invoice is a 404 naming where it was sent. */
const InvoiceIdIn = Type.String({ description: 'An invoice id', example: '4f163819-178d-470c-a246-d6768476a6ec' });
const InvoiceIdsIn = (description: string) => Type.Array(InvoiceIdIn, { minItems: 1, description });

const PaymentLine = (amount: TSchema, extra: Record<string, TSchema>) => Type.Object({
  invoiceId: InvoiceIdIn,
  transactionAmount: amount,
  paymentId: Type.Optional(Type.String({ description: 'The payment\'s reference outside Keel (kept as its external reference)', example: 'PA-001' })),
  paymentSource: Type.Optional(Type.String({ description: 'Where the money came from, e.g. Stripe', example: 'Stripe' })),
  customerId: Type.Optional(Type.String({ description: 'Ignored: the invoice\'s customer is the payer' })),
  ...extra,
}, { additionalProperties: true });

const SEED_PAY_LINE = { invoiceId: '4f163819-178d-470c-a246-d6768476a6ec', customerId: '001QL000006gT2DYAW', transactionAmount: 230, paymentId: 'PA-001', paymentSource: 'Stripe', paymentNumber: 'PA-000001' };

export const PayInvoicesBody = Type.Object({
  payInvoices: Type.Array(PaymentLine(Type.Optional(DecimalInput('The amount, > 0 (required when recorded; with paymentMethod, when sent, the whole balance)', 230)), {
    paymentNumber: Type.Optional(Type.String({ description: 'The external reference when paymentId is absent' })),
  }), { minItems: 1, description: 'The payments: recorded by hand (billing:write), or with paymentMethod each invoice\'s whole balance (1 to 100 invoices)' }),
  paymentMethod: Type.Optional(Type.Object({
    token: Type.String({ minLength: 1, maxLength: 255, description: 'The gateway\'s payment method token' }),
    gateway: Type.Optional(Type.String({ description: 'The gateway it belongs to (default: test)' })),
  }, { additionalProperties: true, description: 'Charge it for each invoice\'s whole balance (money moves); without it the payments are recorded as received' })),
}, { additionalProperties: true, example: { payInvoices: [SEED_PAY_LINE] } });

export const RefundInvoicesBody = Type.Object({
  refundInvoices: Type.Array(PaymentLine(DecimalInput('The amount, > 0', 230), {
    reopen: Type.Optional(Type.Boolean({ description: 'true: the balance reopens; otherwise a credit memo of the same amount keeps the invoice settled' })),
  }), { minItems: 1 }),
}, { additionalProperties: true, example: { refundInvoices: [SEED_PAY_LINE] } });

export const WriteOffInvoicesBody = Type.Object({
  writeOffInvoiceIds: InvoiceIdsIn('Active invoices whose whole remaining balance is written off'),
}, { additionalProperties: true, example: { writeOffInvoiceIds: ['6876b010-f3fa-4559-8b84-c926443a4d00', '4f163819-178d-470c-a246-d6768476a6ec'] } });

export const CancelPaymentsBody = Type.Object({
  paymentIds: Type.Array(Uuid, { minItems: 1, description: 'Payments to reverse: their applications stop counting' }),
}, { additionalProperties: true, example: { paymentIds: ['1d31a831-10c4-4d65-aa82-bbb545ddb9f1', '8f232482-55f4-4f8b-ba78-2753d08dd8b1'] } });

export const CancelInvoicesBody = Type.Object({
  invoiceIds: InvoiceIdsIn('Draft invoices, or Active ones with nothing paid'),
  creditMemoIds: Type.Optional(Type.Array(Uuid, { description: 'The credit memos correcting these invoices, canceled with them' })),
}, { additionalProperties: true, example: { invoiceIds: ['4f163819-178d-470c-a246-d6768476a6ec'] } });

export const DeleteInvoicesBody = Type.Object({
  invoiceIds: InvoiceIdsIn('Canceled invoices'),
}, { additionalProperties: true, example: { invoiceIds: ['4f163819-178d-470c-a246-d6768476a6ec'] } });

/** `{invoiceIds}` / `{creditMemoIds}`, or the seed's `{whereConditions: {id: {_in | _eq}}}`: 1 to 100 ids. */
const TransferBody = (field: string, what: string) => Type.Object({
  [field]: Type.Optional(Type.Array(Uuid, { minItems: 1, maxItems: 100, description: what })),
  whereConditions: Type.Optional(Type.Object({
    id: Type.Optional(Type.Object({ _in: Type.Optional(Type.Array(Uuid, { minItems: 1, maxItems: 100 })), _eq: Type.Optional(Uuid) }, { additionalProperties: true })),
  }, { additionalProperties: true, description: `The seed's form of ${field}` })),
}, { additionalProperties: true, example: { whereConditions: { id: { _in: ['4f163819-178d-470c-a246-d6768476a6ec'] } } } });
export const TransferInvoicesBody = TransferBody('invoiceIds', 'Active invoices to charge now to the customer\'s default payment method');
export const RefundCreditMemosBody = TransferBody('creditMemoIds', 'Active credit memos whose credit goes back to the original payment method');

export const ConvertPaymentStatusBody = Type.Object({
  convertPaymentStatuses: Type.Array(Type.Object({
    id: Uuid,
    paymentStatus: StringEnum([...INVOICE_PAYMENT_STATUSES]),
    reason: Type.Optional(Type.String({ maxLength: 2000, description: 'Why it changes (required, or as paymentDetails)' })),
    paymentDetails: Type.Optional(Type.String({ maxLength: 2000, description: 'The seed\'s name for reason' })),
  }, { additionalProperties: true }), { minItems: 1 }),
}, { additionalProperties: true, example: { convertPaymentStatuses: [{ id: '497f6eca-6276-4993-bfeb-53cbbbba6f08', paymentStatus: 'NotTransferred', paymentDetails: 'The card charge was disputed; collect by bank transfer' }] } });

export const PatchInvoiceBody = Type.Object({
  dueDate: Type.Optional(DateString),
  invoiceDate: Type.Optional(Type.String({ format: 'date', description: 'Draft only (YYYY-MM-DD)' })),
  billToContactId: Type.Optional(Nullable(Uuid)),
  poNumber: Type.Optional(Nullable(Type.String())),
  description: Type.Optional(Nullable(Type.String())),
  paymentDetails: Type.Optional(Nullable(Type.String())),
  customFields: Type.Optional(CustomFields),
}, { additionalProperties: true, description: 'Non-monetary fields (Draft or Active); any other property is a custom field. Amounts, statuses, numbers, the customer and the period: 409', example: { dueDate: '2024-02-29', poNumber: 'PO-1234' } });

const AmountOverride = (description: string) => Type.Optional(Nullable(DecimalInput(description)));
export const ActivateInvoicesBody = Type.Object({
  invoiceIds: Type.Array(Uuid, { minItems: 1, maxItems: 200, description: 'Draft invoices' }),
  invoiceDate: Type.Optional(Nullable(Type.String({ format: 'date', description: 'A new invoice date for all (the due date keeps its distance)' }))),
  enabledAppliedCredits: Type.Optional(Type.Boolean({ description: 'Apply open credit (default true)' })),
  data: Type.Optional(Nullable(Type.Array(Type.Object({
    id: Uuid,
    invoiceDate: Type.Optional(Nullable(Type.String({ format: 'date', description: 'This invoice\'s date' }))),
    amount: AmountOverride('The total after the item overrides, when sent (a check)'),
    taxAmount: AmountOverride('The tax after the item overrides, when sent (a check)'),
    invoiceItems: Type.Optional(Type.Array(Type.Object({
      id: Uuid,
      transactionAmount: AmountOverride('The item\'s amount without tax'),
      taxAmount: AmountOverride('The item\'s tax'),
    }, { additionalProperties: true }))),
  }, { additionalProperties: true }), { description: 'Per invoice: its date and item amounts, corrected on the way' }))),
}, { additionalProperties: true, example: { invoiceIds: ['4f163819-178d-470c-a246-d6768476a6ec'], invoiceDate: '2024-01-01', enabledAppliedCredits: true } });

const FilterIn = (entity: string) => Type.Optional(Nullable(Type.Union([Type.String(), Type.Record(Type.String(), Type.Unknown())], { description: `${entity}s, in the where dialect (a string such as "{id: {_in: [...]}}", or an object)` })));
const ScheduleFilters = {
  customerFilter: FilterIn('Customer'), productFilter: FilterIn('Product'), billCycleDayFilter: FilterIn('Customer'),
  orderFilter: Type.Optional(Type.Unknown({ description: 'Not supported (400 UNSUPPORTED_FILTER unless null): select those orders\' customers with customerFilter' })),
};
/** A Recurring schedule's fields (schedules.ts readSchedule). */
const ScheduleFields = {
  name: Type.Optional(Nullable(Type.String())),
  recurringSchedule: Type.Optional(Type.String({ description: 'Quartz cron (Recurring), e.g. "0 0 3 * * ? *"' })),
  scheduleStartDate: Type.Optional(Type.String({ format: 'date', description: 'Default: today' })),
  targetDateIncrement: Type.Optional(Type.Union([Type.Integer(), Type.String()], { description: 'Days from the firing day to the target date, 0 to 366' })),
  targetDateIncrementSign: Type.Optional(StringEnum(['Plus', 'Minus'])),
  targetDateIncrementTimeUnit: Type.Optional(StringEnum(['Days'])),
  autoActivate: Type.Optional(Type.Boolean()),
  customerIds: Type.Optional(Nullable(Type.Array(Uuid, { maxItems: 1000 }))),
  ...ScheduleFilters,
};
export const CreateScheduleBody = Type.Object({
  scheduleType: StringEnum(['OneTime', 'Recurring']),
  targetDate: Type.Optional(Nullable(Type.String({ format: 'date', description: 'OneTime: bill to this date (required)' }))),
  ...ScheduleFields,
}, { additionalProperties: true, example: {
    scheduleType: 'Recurring', autoActivate: true, scheduleStartDate: '2022-04-24', targetDate: null, recurringSchedule: '0 0 3 * * ? *',
    productFilter: '{priceModel:{_in:["recurring"]}}', targetDateIncrement: '0', targetDateIncrementSign: 'Plus', targetDateIncrementTimeUnit: 'Days',
  } });
export const PatchScheduleBody = Type.Object(ScheduleFields, { additionalProperties: true, description: 'A Draft schedule\'s fields to change', example: { recurringSchedule: '0 0 4 * * ? *' } });

/** Every schema billing's answers refer to by $id (registered at the root: src/http/app.ts). */
export const billingSchemas = [BillingJobSchema, BillingScheduleSchema, InvoiceSchema, InvoiceItemDetailSchema, InvoiceItemSchema, InvoiceModelWithItemsSchema,
  PaymentApplicationSchema, PaymentApplicationsSchema, InvoicesPaymentResponseSchema, PaymentStatusConversionsSchema, PaymentStatusChangesSchema,
  CollectionAttemptSchema, CollectionAttemptsSchema, ResyncInvoiceToPaymentResponseSchema, RefundsToPaymentMethodSchema, InvoiceAsyncJobSchema,
  ImportAndExportBillingSettingsVOSchema, BillingJobErrorSchema, BillingScheduleIdsSchema, ...memoSchemas];
