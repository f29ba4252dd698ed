import { Type, type TSchema } from 'typebox';
import { DateString, DateTime, Money, Nullable, OptionalDecimal, OptionalNullable, Quantity, StringEnum, Uuid } from '../http/schemas.js';
import { CHANGE_TYPES } from './model.js';

// Change orders' requests (change-request.ts reads them) and answers (service.ts answer/preview,
// bulk.ts job). The answer of a change order is an order's (orders/schemas.ts) with its credit
// memos and preview hash; its invoice views are billing's (`InvoiceModelWithItems`).

// the seed's samples send date-times: the calendar date (the first ten characters) is what counts
const DAY = Type.String({ description: 'YYYY-MM-DD (a date-time is read as its date)' });
/** An invoice with its items, as billing answers it (billing/schemas.ts). */
const InvoiceWithItems = Type.Ref('InvoiceModelWithItems');

/** The fields of one change (ApiDocsChangeOrderRequest.assetChanges[]); which apply depends on changeType. */
const changeFields = {
  startDate: OptionalNullable(DAY, 'UpdateQuantity, AdjustPrice, Reconfigure, ConvertFreeTrial: from when (default the asset\'s next billing date or today, as the change type decides)'),
  endDate: OptionalNullable(DAY, 'UpdateQuantity, AdjustPrice: until when (a temporary change); the asset returns to its state the day after'),
  term: OptionalNullable(Type.Integer(), 'UpdateTerm: term units to add (negative: to remove), −1200 to 1200; AdjustPrice, ConvertFreeTrial: the new term'),
  renewalTerm: OptionalNullable(Type.Integer(), 'Renew: term units, 1 to 1200'),
  coTermDate: OptionalNullable(DAY, 'CoTerm: the date the asset\'s term ends on'),
  cancellationDate: OptionalNullable(DAY, 'Cancel: the last day it is billed'),
  quantity: OptionalDecimal('UpdateQuantity: units to add (negative: to remove), not 0; a number or a decimal string'),
  netSalesPrice: OptionalDecimal('AdjustPrice: the new unit net price, >= 0'),
  discount: OptionalNullable(Type.Object({ discountPercentage: OptionalDecimal('0 to 100') }, { additionalProperties: true }), 'AdjustPrice: the new discount'),
  discountPercentage: OptionalDecimal('AdjustPrice: another way to send discount.discountPercentage'),
  overrideTrialEnd: OptionalNullable(Type.Boolean(), 'ConvertFreeTrial: start the paid term at startDate even before the trial ends'),
  switchToEvergreen: OptionalNullable(Type.Unknown(), 'Renew, UpdateTerm, ConvertFreeTrial: accepted, not acted on'),
  coTermToBundleSubscription: OptionalNullable(Type.Unknown(), 'ConvertFreeTrial: accepted, not acted on'),
  trueUpPrice: OptionalNullable(Type.Unknown(), 'AdjustPrice: accepted, not acted on'),
};

const AssetChangeBody = Type.Object({
  assetNumber: Type.String({ description: 'The subscription, asset or entitlement number (SUB-000001), at most 60 characters' }),
  changeType: StringEnum([...CHANGE_TYPES], { description: 'What changes; the fields that apply to it are listed with each' }),
  assetId: OptionalNullable(Type.String(), 'Accepted and ignored: the number names the asset'),
  ...changeFields,
}, { additionalProperties: true, $id: 'AssetChangeRequest', description: 'One change to one asset; a field that does not apply to its changeType is a 400' });

const ChangeOptionsBody = Type.Object({
  activateOrder: OptionalNullable(Type.Boolean(), 'Activate the change order (default true); false keeps it Draft, activated later by POST /orders/{id}:activate'),
  calculatePrice: OptionalNullable(Type.Boolean()), calculateTax: OptionalNullable(Type.Boolean(), 'Tax the changes (default true)'),
  previewInvoice: OptionalNullable(Type.Boolean(), 'Answer the invoice it would bring in previewInvoices'),
  generateInvoice: OptionalNullable(Type.Boolean(), 'Invoice the prorated difference (or credit it, when negative)'),
  activateInvoice: OptionalNullable(Type.Boolean(), 'Write the invoice Active and charge it; implies activateOrder and generateInvoice'),
  cancelOnPaymentFail: OptionalNullable(Type.Boolean()), asyncPayment: OptionalNullable(Type.Boolean()),
  previewHash: OptionalNullable(Type.String(), 'The previewHash of a preview: a change order that no longer plans the same is a 409 PREVIEW_STALE'),
}, { additionalProperties: true, $id: 'ChangeOrderOptions' });

const PaymentMethodBody = Type.Object({ token: Type.String(), gateway: OptionalNullable(Type.String(), 'Default test') }, { additionalProperties: true });

const changeProps = {
  options: OptionalNullable(Type.Ref('ChangeOrderOptions')),
  assetChanges: Type.Array(Type.Ref('AssetChangeRequest'), { description: 'The changes: 1 to 500 (more through /cpq/change-order-in-bulk); several may change one asset' }),
  paymentMethod: OptionalNullable(PaymentMethodBody, 'With activateInvoice: charged for the invoice; without it the customer\'s stored default'),
  description: OptionalNullable(Type.String()),
  refId: OptionalNullable(Type.String(), 'The client\'s reference for the change order'),
};

// seed 002 part B §1.8, TC-3: +1 unit of SUB-000276 from 2023-06-22, invoiced and activated
export const ChangeOrderBody = Type.Object(changeProps, {
  additionalProperties: true,
  example: { options: { activateInvoice: true }, assetChanges: [{ assetNumber: 'SUB-000276', changeType: 'UpdateQuantity', quantity: 1, startDate: '2023-06-22' }] },
  description: 'ApiDocsChangeOrderRequest: options and assetChanges, each naming its asset by number (other seed fields such as customer are accepted and ignored)',
});
export const ChangeOrderPreviewBody = Type.Object(changeProps, {
  additionalProperties: true,
  example: { options: { previewInvoice: true }, assetChanges: [{ assetNumber: 'SUB-000276', changeType: 'UpdateQuantity', quantity: 1, startDate: '2023-06-22' }] },
  description: 'A change order request, planned and priced; nothing is stored (its options do not activate anything)',
});

export const BulkChangeBody = Type.Object({
  options: OptionalNullable(Type.Object({
    batchSize: OptionalNullable(Type.Integer(), 'Assets per batch, 20 to 100 (default 20)'),
    proceedOption: OptionalNullable(StringEnum(['CreateOrder']), 'Bulk changes create orders (default CreateOrder)'),
    ...ChangeOptionsBody.properties,
  }, { additionalProperties: true, description: 'The batching, and the options of each batch\'s change orders (activated by default)' })),
  assetChanges: Type.Array(Type.Object({
    changeType: StringEnum(['AdjustPrice'], { description: 'Bulk changes adjust prices only' }),
    assetNumber: OptionalNullable(Type.String(), 'One asset by number; or select them with graphqlQuery'),
    graphqlQuery: OptionalNullable([Type.String(), Type.Record(Type.String(), Type.Unknown())], 'A filter in the where dialect, as a GraphQL literal or JSON, e.g. {customer: {name: {_like: "Bulk%"}}}'),
    graphqlFilter: OptionalNullable([Type.String(), Type.Record(Type.String(), Type.Unknown())], 'Another name of graphqlQuery'),
    startDate: changeFields.startDate, endDate: changeFields.endDate, term: changeFields.term,
    netSalesPrice: changeFields.netSalesPrice, discount: changeFields.discount, discountPercentage: changeFields.discountPercentage,
  }, { additionalProperties: true }), { description: 'Each names one assetNumber or a graphqlQuery filter, not both' }),
}, {
  additionalProperties: true,
  example: { options: { proceedOption: 'CreateOrder', batchSize: 20 }, assetChanges: [{ changeType: 'AdjustPrice', graphqlQuery: '{customer: {name: {_like: "Bulk%"}}, assetType: {_eq: "Subscription"}}', netSalesPrice: 8.9, startDate: '2023-07-01' }] },
  description: 'AdjustPrice across many assets, in batches of one change order per customer; the targets are fixed when the job is accepted',
});

// --- answers --------------------------------------------------------------------------------------

export const ChangeOrderPreviewSchema = Type.Object({
  previewHash: Type.String({ description: 'What the change order is and costs; send it as options.previewHash to create it only if it still plans the same' }),
  orderProducts: Type.Array(Type.Ref('OrderProduct'), { description: 'Per changed asset: its SummaryItem, then a LineItem per change' }),
  previewInvoices: Type.Array(InvoiceWithItems, { description: 'The invoice it would bring (none when nothing is billed yet)' }),
  results: Type.Array(Type.Object({
    assetNumber: Type.String(),
    priceSummary: Type.Object({
      totalPrice: Money, totalAmount: Money,
      todayChargePrice: Type.Number({ description: 'What its invoice items charge now, before tax' }), todayChargeAmount: Type.Number({ description: 'The same with tax' }),
    }, { additionalProperties: false }),
    previewResult: Type.Object({
      assetNumber: Type.String(), quantity: Quantity, term: Nullable(Type.Integer()), startDate: DateString, endDate: Nullable(DateString),
      cancellationDate: Nullable(DateString), orderPrice: Type.Ref('OrderProduct', { description: 'Its SummaryItem' }),
      changes: Type.Array(Type.Ref('OrderProduct'), { description: 'Its change lines' }),
    }, { additionalProperties: false, description: 'The asset as the change order leaves it' }),
    versions: Type.Array(Type.Object({
      effectiveFrom: DateString, quantity: Quantity, startDate: DateString, endDate: Nullable(DateString), netSalesPrice: Money, totalPrice: Money,
      rederived: Type.Boolean({ description: 'A later (future) version this order re-derives, not one of its own' }),
    }, { additionalProperties: false }), { description: 'Every version the order writes' }),
  }, { additionalProperties: false }), { description: 'Per changed asset' }),
}, { $id: 'ChangeOrderPreviewResponse', additionalProperties: false, description: 'A change order planned and priced: nothing stored, no number taken' });

export const ChangeOrderBulkJobSchema = Type.Object({
  id: Uuid,
  status: StringEnum(['Queued', 'Processing', 'Completed', 'PartialCompleted', 'Failed']),
  error: Nullable(Type.String({ description: 'Why the job failed as a whole' })),
  jobType: StringEnum(['BulkAdjustPrice']),
  startTime: Nullable(DateTime), endTime: Nullable(DateTime),
  stages: Type.Array(Type.Object({
    id: Type.String({ description: 'batch-1, batch-2, …' }), startTime: DateTime, endTime: Nullable(DateTime),
    status: StringEnum(['Processing', 'Completed', 'PartialCompleted', 'Failed']),
    processResult: Type.Object({
      assetNumbers: Type.Array(Type.String()), orderIds: Type.Array(Type.String({ description: 'An order id' }), { description: 'The change orders it made' }),
      errors: Type.Array(Type.Object({ customerId: Uuid, errorCode: Type.String(), message: Type.String() }, { additionalProperties: false }), { description: 'Per customer whose change order was refused' }),
    }, { additionalProperties: false }),
  }, { additionalProperties: false }), { description: 'Its batches' }),
}, { $id: 'ChangeOrderBulkJob', additionalProperties: false, description: 'A bulk AdjustPrice job and its batches' });

export const changeOrderSchemas: TSchema[] = [ChangeOrderPreviewSchema, ChangeOrderBulkJobSchema, AssetChangeBody, ChangeOptionsBody];
