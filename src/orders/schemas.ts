import { Type, type TSchema } from 'typebox';
import { CustomFields, DateString, DateTime, DecimalInput, Money, Nullable, OptionalDecimal, OptionalNullable, Quantity, StringEnum, Uuid } from '../http/schemas.js';
import { assetSchemas } from '../assets/schemas.js';
import { CHANGE_TYPES } from '../change-orders/model.js';
import { changeOrderSchemas } from '../change-orders/schemas.js';
import { customerSchemas, NewContactBody, NewCustomerBody } from '../customers/schemas.js';

// The answers of orders', customers', change orders' and assets' routes, as the OpenAPI document shows them (and the test suite checks
// every answer against: src/http/validation.ts `serializerCompiler`), and the order request bodies
// (request.ts reads them: both the seed's schema names and the guide's, e.g. `orderProducts`/`lines`).

const Str = Type.String();
const Int = Type.Integer();
const TAX_STATUS = StringEnum(['Calculated', 'NotCalculated', 'AddressMissing', 'NoRate'], {
  description: 'How the tax came about: Calculated, NotCalculated (tax off, exempt), AddressMissing (no tax address resolved), NoRate (no rate matched)',
});
const ORDER_STATUS = StringEnum(['Draft', 'Activated', 'Canceled']);

/** An order's header (views.ts toOrderView). */
export const OrderSchema = Type.Object({
  id: Uuid, name: Nullable(Str), orderNumber: Type.String({ description: 'e.g. ORD-00000001' }),
  orderType: StringEnum(['New', 'Change'], { description: 'Change: a change order (its lines are per changed asset)' }), status: ORDER_STATUS,
  customerId: Uuid, billingAccountId: Uuid, billToContactId: Nullable(Uuid), shipToContactId: Nullable(Uuid), priceBookId: Nullable(Uuid),
  currencyIsoCode: Str, effectiveDate: DateString, orderStartDate: Nullable(DateString), orderEndDate: Nullable(DateString),
  billingPeriod: Nullable(Str), billCycleDay: Nullable(Int), billingTiming: Nullable(StringEnum(['InAdvance', 'InArrears'])), paymentTerm: Nullable(Str),
  description: Nullable(Str), poNumber: Nullable(Str), poDate: Nullable(DateString), orderReferenceNumber: Nullable(Str),
  billingAddress: Nullable(Str), shippingAddress: Nullable(Str), refId: Nullable(Type.String({ description: 'The client\'s reference, as sent' })),
  listTotal: Money, subtotal: Money, discount: Type.Number({ description: 'Always 0 (discounts are per line)' }), discountAmount: Money,
  discountPercentage: Type.Number({ description: 'discountAmount / subtotal, in percent (six decimals)' }),
  systemDiscount: Type.Number({ description: 'systemDiscountAmount / listTotal, in percent (six decimals)' }), systemDiscountAmount: Money,
  totalPrice: Money, taxAmount: Money, taxStatus: TAX_STATUS, totalAmount: Money,
  orderTCV: Type.Number({ description: 'Total contract value (a change order: Σ of its delta lines)' }), orderACV: Type.Number({ description: 'Annual contract value' }),
  cancelOnPaymentFail: Type.Boolean(),
  orderPlacedDate: Nullable(DateTime), activatedDate: Nullable(DateTime), activatedById: Nullable(Type.String({ description: 'Who activated it (a user, API key or client id)' })),
  canceledDate: Nullable(DateTime), customFields: CustomFields, createdDate: DateTime, lastModifiedDate: DateTime,
}, { $id: 'Order', additionalProperties: false, description: 'An order: a cart (Draft), a placed order, or a change order' });

const delta = (what: string) => Nullable(Type.Number({ description: `The change in ${what} this line brings (null on a change order's SummaryItem)` }));

/** An order line (views.ts toLineView). */
export const OrderProductSchema = Type.Object({
  id: Uuid, orderId: Uuid, sortOrder: Int,
  lineType: StringEnum(['LineItem', 'SummaryItem'], { description: 'SummaryItem: a change order\'s resulting state of one asset; LineItem: a line, or one change and its delta' }),
  status: ORDER_STATUS, isChange: Nullable(Type.Boolean({ description: 'On a change order: true for a change, false for its SummaryItem; null on other orders' })),
  parentId: Nullable(Type.String({ format: 'uuid', description: 'The bundle line of an option' })), rootId: Uuid, level: Int,
  summaryItemId: Nullable(Uuid), changeType: Nullable(StringEnum([...CHANGE_TYPES])), changeAssetNumber: Nullable(Str), cancellationDate: Nullable(DateString),
  productId: Uuid, productName: Nullable(Str), sku: Nullable(Str), priceBookEntryId: Nullable(Uuid), productOptionId: Nullable(Uuid), uomId: Nullable(Uuid),
  priceModel: Type.String({ description: 'Recurring, One-Time or Usage' }), productType: Type.String({ description: 'Subscription, Physical Good or Service' }), bundled: Type.Boolean(),
  quantity: Quantity, actualQuantity: Quantity, includedQuantity: Quantity,
  subscriptionTerm: Nullable(Int), subscriptionTermDimension: Nullable(Str), subscriptionStartDate: DateString, subscriptionEndDate: Nullable(DateString),
  freeTrialEndDate: Nullable(DateString), freeTrialConversionDate: Nullable(DateString),
  billingTiming: Nullable(Str), billingPeriod: Nullable(Str), billCycleDay: Nullable(Int), billCycleStartMonth: Nullable(Int),
  autoRenew: Nullable(Type.Boolean()), renewalTerm: Nullable(Int), defaultRenewalTerm: Nullable(Int), taxCode: Nullable(Str), taxMode: Nullable(StringEnum(['Exclusive', 'Inclusive'])),
  listPrice: Money, listTotalPrice: Money,
  salesPrice: Nullable(Type.Number({ description: 'Null on a change order\'s SummaryItem' })), netSalesPrice: Nullable(Type.Number({ description: 'Null on a change order\'s SummaryItem' })),
  subtotal: Money, totalPrice: Money, taxPercentage: Type.Number({ description: '8.625 means 8.625%' }), taxAmount: Money, taxStatus: TAX_STATUS, totalAmount: Money,
  discount: Type.Number({ description: 'In percent' }), discountAmount: Money, systemDiscount: Type.Number({ description: 'In percent' }), systemDiscountAmount: Money,
  deltaCMRR: delta('monthly recurring revenue'), deltaARR: delta('annual recurring revenue'), deltaACV: delta('annual contract value'), deltaTCV: delta('total contract value'),
  appliedPriceTags: Type.Array(Str, { description: 'The codes of the price tags its price took' }),
  description: Nullable(Str), refId: Nullable(Str), customFields: CustomFields,
}, { $id: 'OrderProduct', additionalProperties: false, description: 'An order line (order product): a line, a bundle\'s option, or a change order\'s line' });

/** The first invoice's payment at checkout (workflows/collect.ts CheckoutPayment). */
export const CheckoutPaymentSchema = Type.Object({
  paymentNumber: Type.String({ description: 'e.g. PAY-00000001' }),
  status: StringEnum(['Succeeded', 'Failed', 'Pending'], { description: 'Pending: the gateway or the customer has yet to settle it (the answer is then a 202)' }),
  amount: Money, gateway: Str, declineCode: Nullable(Str), message: Nullable(Type.String({ description: 'The decline\'s message' })),
}, { $id: 'CheckoutPayment', additionalProperties: false, description: 'The payment of the first invoice, charged as the order was placed (activateInvoice with a payment method)' });

/** An invoice with its items, as billing answers it (billing/schemas.ts). */
export const InvoiceWithItems = Type.Ref('InvoiceModelWithItems');

const orderAnswer = {
  order: Type.Ref('Order'),
  orderProducts: Type.Array(Type.Ref('OrderProduct')),
  previewInvoices: Nullable(Type.Array(InvoiceWithItems, { description: 'With previewInvoice: the invoices it would bring, nothing stored' })),
  subscriptions: Type.Array(Type.Ref('Subscription'), { description: 'What it provisioned (none while Draft)' }),
  assets: Type.Array(Type.Ref('Asset')),
  entitlements: Type.Array(Type.Ref('Entitlement')),
  invoices: Type.Array(InvoiceWithItems, { description: 'Its invoices (none while Draft)' }),
  transactionHub: Type.Record(Type.String(), Type.Unknown(), { description: 'The request\'s transactionHub, echoed back' }),
  payment: Type.Optional(Nullable(Type.Ref('CheckoutPayment', { description: 'With activateInvoice and a payment method: the first invoice\'s payment; null when nothing was due' }))),
};
export const CreateOrderResponseSchema = Type.Object(orderAnswer, {
  $id: 'CreateOrderResponse', additionalProperties: false, description: 'An order with its lines, what it provisioned and its invoices',
});

/** A change order's answer (change-orders/service.ts answer): an order's, with its credit memos and preview hash. */
export const ChangeOrderCreateResponseSchema = Type.Object({
  ...orderAnswer,
  creditMemos: Type.Array(Type.Ref('CreditMemo'), { description: 'A change that lowers what was billed is credited: the credit memos it wrote' }),
  previewHash: Type.String({ description: 'What the change order is and costs (as its preview answered it)' }),
}, { $id: 'ChangeOrderCreateResponse', additionalProperties: false, description: 'A change order with its lines (per asset a SummaryItem and its changes), the new versions, its invoice or credit memos' });

export const OrdersDeleteResponseSchema = Type.Object({ deletedOrderIds: Type.Array(Uuid) }, { $id: 'OrdersDeleteResponse', additionalProperties: false });

// --- requests -------------------------------------------------------------------------------------

const PERIOD = StringEnum(['Month', 'Quarter', 'Semi-Annual', 'Annual']);
const TIMING = StringEnum(['InAdvance', 'In Advance', 'InArrears', 'In Arrears']);
const ID = (what: string) => Type.String({ description: `${what} (a UUID)` });
const Obj = Type.Record(Type.String(), Type.Unknown());
const DATE = Type.String({ format: 'date' });

/** CreateOrderOptions (seed §3 R7); each defaults as described. */
export const OrderOptionsBody = Type.Object({
  activateOrder: OptionalNullable(Type.Boolean(), 'Place the order (default true); false keeps a cart (a Draft order)'),
  calculatePrice: OptionalNullable(Type.Boolean(), 'Price from the price book (default true); false takes the lines\' listPrice/netSalesPrice as sent (needs prices:override)'),
  calculateTax: OptionalNullable(Type.Boolean(), 'Tax the lines (default true)'),
  previewInvoice: OptionalNullable(Type.Boolean(), 'Answer the invoices it would bring in previewInvoices (default false; ignored with activateInvoice)'),
  generateInvoice: OptionalNullable(Type.Boolean(), 'Write the first invoice, Draft (default false; true with activateInvoice)'),
  activateInvoice: OptionalNullable(Type.Boolean(), 'Write the first invoice Active and charge it to the payment method (default false); implies activateOrder and generateInvoice'),
  cancelOnPaymentFail: OptionalNullable(Type.Boolean(), 'A declined payment leaves nothing written (402) (default false)'),
  asyncPayment: OptionalNullable(Type.Boolean(), 'Answer at once with the payment Pending; it is charged in the background (default false)'),
}, { additionalProperties: true, $id: 'CreateOrderOptions', description: 'What to do with the order' });

const PaymentMethodBody = Type.Object({
  token: Type.String({ description: 'The gateway\'s payment method token, e.g. pm_card_visa' }),
  gateway: OptionalNullable(Type.String(), 'The gateway (default test)'),
}, { additionalProperties: true, description: 'Charged for the first invoice with activateInvoice; without it the customer\'s stored default' });

const AddOnBody = Type.Object({
  productOptionId: ID('The bundle\'s product option'),
  quantity: OptionalDecimal('Its quantity (default the option\'s); a number or a decimal string, >= 0'),
}, { additionalProperties: true });

/** One line (OrderProductRequestMap, and the preview's OrderProductForPreview names). */
export const OrderLineBody = Type.Object({
  id: OptionalNullable([Type.String(), Type.Number()], 'The client\'s id for the line: a preview\'s invoice details name it (orderProductId); an order ignores it'),
  productId: OptionalNullable(Type.String(), 'The product (a UUID); or name it by sku'),
  sku: OptionalNullable(Type.String(), 'The product, by its sku, in place of productId'),
  productSku: OptionalNullable(Type.String(), 'Another name of sku (the preview\'s)'),
  uomId: OptionalNullable(Type.String(), 'The unit of measure (its id or its name, e.g. User/Month) whose price book entry the line takes'),
  priceBookEntryId: OptionalNullable(Type.String(), 'The price book entry (a UUID)'),
  lineType: OptionalNullable(StringEnum(['LineItem']), 'LineItem only on a new order'),
  quantity: OptionalDecimal('Units (default 1), > 0; a number or a decimal string'),
  subscriptionTerm: OptionalNullable(Type.Integer(), 'Term units, 1 to 1200 (default the product\'s)'),
  subscriptionStartDate: OptionalNullable(DATE, 'Default the effective date'),
  startDate: OptionalNullable(DATE, 'Another name of subscriptionStartDate (the preview\'s)'),
  subscriptionEndDate: OptionalNullable(DATE, 'The end the client expects, inclusive: it must end a whole term'),
  endDate: OptionalNullable(DATE, 'Another name of subscriptionEndDate (the preview\'s)'),
  billingTiming: OptionalNullable(TIMING),
  billingPeriod: OptionalNullable(PERIOD),
  'Billing Period': OptionalNullable(PERIOD, 'Another name of billingPeriod (the preview\'s)'),
  billCycleDay: OptionalNullable(Type.Integer(), '1 to 31'),
  'Bill Cycle Day': OptionalNullable([Type.Integer(), Type.String()], 'Another name of billCycleDay (the preview\'s; digits accepted)'),
  billCycleStartMonth: OptionalNullable(Type.Integer(), '1 to 12'),
  'Billing Start Month': OptionalNullable([Type.Integer(), Type.String()], 'Another name of billCycleStartMonth (the preview\'s; digits accepted)'),
  autoRenew: OptionalNullable(Type.Boolean()),
  renewalTerm: OptionalNullable(Type.Integer(), 'Term units, 1 to 1200'),
  defaultRenewalTerm: OptionalNullable(Type.Integer(), 'Another name of renewalTerm'),
  discount: OptionalDecimal('A discount in percent, 0 to 100'),
  discountPercentage: OptionalDecimal('Another name of discount'),
  discountAmount: OptionalDecimal('A discount amount, >= 0'),
  listPrice: OptionalDecimal('With calculatePrice false: the unit list price, >= 0'),
  netSalesPrice: OptionalDecimal('With calculatePrice false: the unit net price (below zero: a credit line)'),
  totalPrice: OptionalDecimal('With calculatePrice false: the line\'s total'),
  addOns: OptionalNullable(Type.Array(AddOnBody), 'A bundle\'s options to include'),
  options: OptionalNullable(Type.Array(AddOnBody), 'Another name of addOns'),
  description: OptionalNullable(Type.String()),
  refId: OptionalNullable([Type.String(), Type.Number()], 'The client\'s reference, kept on the line'),
  customFields: OptionalNullable(Obj),
}, { additionalProperties: true, $id: 'OrderLineRequest', description: 'An order line; a field sent null is left out' });

const NewOrderCustomerBody = Type.Object({
  id: OptionalNullable(Type.String(), 'An existing customer (its id or external id) in place of a new one'),
  ...NewCustomerBody.properties,
}, { additionalProperties: true, $id: 'OrderCustomer', description: 'A new customer (name required), or an existing one by id' });
const OrderBillToContactBody = Type.Object({
  id: OptionalNullable(Type.String(), 'An existing contact of the customer (a UUID) in place of a new one'),
  ...NewContactBody.properties,
}, { additionalProperties: true, $id: 'OrderBillToContact', description: 'The bill-to contact: a new one (its address taxes the order), or an existing one by id' });

const lines = (what: string) => OptionalNullable(Type.Array(Type.Ref('OrderLineRequest'), { maxItems: 200 }), what);

/** The order header's fields (POST /orders, POST /orders/{id}, the invoice preview). */
const orderProps = {
  options: OptionalNullable(Type.Ref('CreateOrderOptions')),
  orderProducts: lines('The lines, at most 200 (at least one to place an order)'),
  lines: lines('Another name of orderProducts (the guide\'s)'),
  customerId: OptionalNullable(Type.String(), 'An existing customer: its id or its external id'),
  customer: OptionalNullable(Type.Ref('OrderCustomer')),
  billToContact: OptionalNullable(Type.Ref('OrderBillToContact')),
  billToContactId: OptionalNullable(Type.String(), 'An existing contact of the customer (a UUID)'),
  shipToContactId: OptionalNullable(Type.String(), 'A UUID'),
  billingAccountId: OptionalNullable(Type.String(), 'A UUID (default the customer)'),
  name: OptionalNullable(Type.String()), description: OptionalNullable(Type.String()),
  effectiveDate: OptionalNullable(DATE, 'Default today in the tenant\'s time zone'),
  priceBookId: OptionalNullable(Type.String(), 'The price book (a UUID; default the tenant\'s)'),
  currencyIsoCode: OptionalNullable(Type.String(), 'ISO 4217 (default the customer\'s, else the tenant\'s)'),
  billingPeriod: OptionalNullable(PERIOD, 'The lines\' default billing period'),
  billingCycle: OptionalNullable(PERIOD, 'Another name of billingPeriod (the guide\'s)'),
  'Billing Period': OptionalNullable(PERIOD, 'Another name of billingPeriod (the preview\'s)'),
  billCycleDay: OptionalNullable(Type.Integer(), '1 to 31'),
  'Bill Cycle Day': OptionalNullable([Type.Integer(), Type.String()], 'Another name of billCycleDay (the preview\'s; digits accepted)'),
  billingTiming: OptionalNullable(TIMING),
  paymentTerm: OptionalNullable(Type.String(), 'e.g. Net 30'),
  'Payment Term': OptionalNullable(Type.String(), 'Another name of paymentTerm (the preview\'s)'),
  poNumber: OptionalNullable(Type.String()), poDate: OptionalNullable(DATE), orderReferenceNumber: OptionalNullable(Type.String()),
  billingAddress: OptionalNullable(Type.String()), shippingAddress: OptionalNullable(Type.String()),
  refId: OptionalNullable([Type.String(), Type.Number()], 'The client\'s reference for the order'),
  customFields: OptionalNullable(Obj),
  transactionHub: OptionalNullable(Obj, 'Payment details, echoed back in the answer'),
  taxRates: OptionalNullable(Type.Array(Type.Object({ productSku: Type.String(), taxPercentage: DecimalInput('0 to 100') }, { additionalProperties: true })), 'Rates by product sku that override the tenant\'s for this order'),
  paymentMethod: OptionalNullable(PaymentMethodBody),
};

// seed 002 part B §1.5, TC-1 (test/vectors/orders.json): the guide's names
const TC1 = {
  options: { generateInvoice: true },
  customer: { name: 'Nue IO, Inc.', email: 'william.chase@nue.io' },
  billToContact: { firstName: 'William', lastName: 'Chase', email: 'william.chase@nue.io', billingCountry: 'United States', billingState: 'California', billingZipCode: '95129' },
  effectiveDate: '2023-06-22', priceBookId: '5f0c7a8e-8f5a-4a53-9d0e-1c2b3a4d5e6f', billingCycle: 'Month', name: 'MY ORDER',
  lines: [{ lineType: 'LineItem', productId: '01e4b0c2-7d3a-4f7e-9c55-6a1f2b3c4d5e', quantity: 1, subscriptionTerm: 12, subscriptionStartDate: '2023-06-22', refId: 'line-1' }],
};

export const PlaceOrderBody = Type.Object(orderProps, {
  additionalProperties: true, example: TC1,
  description: 'An order in the seed\'s names (orderProducts, billingPeriod, customerId) or the guide\'s (lines, billingCycle, customer{name,email}); a field sent null is left out',
});
export const UpdateDraftBody = Type.Object(orderProps, {
  additionalProperties: true, example: { options: { activateOrder: false, previewInvoice: true }, lines: [{ productId: '01e4b0c2-7d3a-4f7e-9c55-6a1f2b3c4d5e', quantity: 2, subscriptionTerm: 12 }] },
  description: 'As POST /orders; without lines the Draft\'s own are repriced; the customer stays the Draft\'s',
});
export const CpqCreateOrderBody = Type.Object({
  ...orderProps,
  customerId: Type.String({ description: 'An existing customer: its id or its external id' }),
  effectiveDate: DateString,
  priceBookId: Type.String({ description: 'The price book (a UUID)' }),
  orderProducts: Type.Array(Type.Ref('OrderLineRequest'), { maxItems: 200, description: 'The lines' }),
}, {
  additionalProperties: true,
  example: { customerId: '3c8a5e7f-2b1d-4e6a-9f0c-7d8e9a0b1c2d', effectiveDate: '2023-06-22', priceBookId: '5f0c7a8e-8f5a-4a53-9d0e-1c2b3a4d5e6f', orderProducts: [{ productId: '01e4b0c2-7d3a-4f7e-9c55-6a1f2b3c4d5e', quantity: 1, subscriptionTerm: 12 }] },
  description: 'CreateOrderRequest: customerId, effectiveDate, priceBookId and orderProducts required; then placed as POST /orders',
});

/** POST /orders/invoices:preview (OrderInvoicePreviewRequest, seed §1.7). */
export const PreviewInvoicesBody = Type.Object({
  ...orderProps,
  targetDate: OptionalNullable(DATE, 'The invoice a billing run would make on this date; without it, the order-flow (first) invoice'),
  firstInvoiceOnly: OptionalNullable(Type.Boolean(), 'Only the first invoice (targetDate ignored); default false'),
}, {
  additionalProperties: true,
  // seed TC-4 (its ids are the seed's CRM ids; Keel's are UUIDs)
  example: {
    targetDate: '2023-10-09', customerId: '3c8a5e7f-2b1d-4e6a-9f0c-7d8e9a0b1c2d', billingCycle: 'Month', currencyIsoCode: 'USD',
    orderProducts: [{ id: '8028G000001KXtcQAG', productId: '01e4b0c2-7d3a-4f7e-9c55-6a1f2b3c4d5e', quantity: 1, startDate: '2023-10-06', endDate: '2024-10-05', lineType: 'LineItem' }],
  },
  description: 'Order lines priced as POST /orders prices them, as a cart that previews its invoice: nothing is stored, no number taken (options are ignored)',
});

/** POST /orders/{id}:activate (ActivateOrderRequest): the options at the top level. */
export const ActivateOrderBody = Type.Object({
  generateInvoice: OptionalNullable(Type.Boolean(), 'Write the first invoice, Draft (default false)'),
  activateInvoice: OptionalNullable(Type.Boolean(), 'Write it Active and charge it (default false); implies generateInvoice'),
  cancelOnPaymentFail: OptionalNullable(Type.Boolean(), 'A declined payment leaves nothing written (402)'),
  asyncPayment: OptionalNullable(Type.Boolean(), 'Answer at once with the payment Pending'),
  previewInvoice: OptionalNullable(Type.Boolean()), calculateTax: OptionalNullable(Type.Boolean()), calculatePrice: OptionalNullable(Type.Boolean()),
  additionalFields: OptionalNullable(Type.Object({
    name: OptionalNullable(Type.String()), description: OptionalNullable(Type.String()), poNumber: OptionalNullable(Type.String()), poDate: OptionalNullable(DATE),
    orderReferenceNumber: OptionalNullable(Type.String()), billingAddress: OptionalNullable(Type.String()), shippingAddress: OptionalNullable(Type.String()), customFields: OptionalNullable(Obj),
  }, { additionalProperties: true, description: 'Written onto the order before it is activated (any other field is a 400)' })),
  paymentMethod: OptionalNullable(PaymentMethodBody),
}, { additionalProperties: true, example: { generateInvoice: true, activateInvoice: true }, description: 'How to activate the Draft (a change order\'s Draft is planned again and must match its preview)' });

export const DeleteOrdersBody = Type.Object({
  orderIds: Type.Array(Type.String({ description: 'A UUID' }), { minItems: 1, maxItems: 200 }),
  allowDeleteCanceledOrder: Type.Optional(Type.Boolean({ description: 'Also delete Canceled orders (default false)' })),
}, { example: { orderIds: ['1da5c7af-328f-4a5a-b343-aa8e7af6d833'], allowDeleteCanceledOrder: false } });

/** Every schema these answers refer to by $id (registered at the root: src/http/app.ts). */
export const orderSchemas: TSchema[] = [
  OrderSchema, OrderProductSchema, CheckoutPaymentSchema, CreateOrderResponseSchema, ChangeOrderCreateResponseSchema, OrdersDeleteResponseSchema,
  OrderOptionsBody, OrderLineBody, NewOrderCustomerBody, OrderBillToContactBody,
  ...assetSchemas, ...customerSchemas, ...changeOrderSchemas,
];
