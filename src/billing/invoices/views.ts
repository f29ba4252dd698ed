import type { Invoice, InvoiceItem, InvoiceItemDetail } from '../model.js';

// Invoices as the seed shows them: {invoice, items[{..., details}]}. Money is a JSON number.
const n = (v: string) => Number(v);
const iso = (v: Date | null) => (v ? v.toISOString() : null);

/** An invoice, stored or previewed (a preview has no number, maybe no customer, and was never written). */
export type InvoiceShown = Omit<Invoice, 'invoiceNumber' | 'customerId' | 'createdAt' | 'updatedAt'>
  & { invoiceNumber: string | null; customerId: string | null; createdAt: Date | null; updatedAt: Date | null };
/** An item, stored or previewed (a preview's has no number). */
export type ItemShown = Omit<InvoiceItem, 'invoiceItemNumber'> & { invoiceItemNumber: string | null };

export function toInvoiceView(i: InvoiceShown) {
  return {
    id: i.id, name: i.invoiceNumber, invoiceNumber: i.invoiceNumber, recordType: i.recordType, source: i.source, status: i.status,
    customerId: i.customerId, accountId: i.customerId, billToContactId: i.billToContactId, orderId: i.orderId,
    currencyIsoCode: i.currency, invoiceDate: i.invoiceDate, dueDate: i.dueDate, startDate: i.startDate, endDate: i.endDate,
    targetDate: i.targetDate, amountWithoutTax: n(i.amountWithoutTax), taxAmount: n(i.taxAmount), amount: n(i.amount), balance: n(i.balance),
    paymentStatus: i.paymentStatus, taxStatus: i.taxStatus, accountingStatus: i.accountingStatus, isCatchUp: false, poNumber: i.poNumber,
    description: i.description ?? null, paymentDetails: i.paymentDetails ?? null,
    activatedTime: iso(i.activatedTime), activatedById: i.activatedById, canceledDate: iso(i.canceledDate),
    customFields: i.customFields, createdDate: iso(i.createdAt), lastModifiedDate: iso(i.updatedAt),
  };
}

export function toItemView(it: ItemShown, invoiceNumber: string | null, details: readonly InvoiceItemDetail[]) {
  return {
    id: it.id, name: it.invoiceItemNumber, invoiceItemNumber: it.invoiceItemNumber, invoiceId: it.invoiceId, invoiceNumber,
    accountId: it.customerId, status: it.status, assetId: it.assetId, assetNumber: it.assetNumber, assetType: it.assetType,
    productId: it.productId, productName: it.productName, uomId: it.uomId, transactionDate: it.transactionDate,
    transactionQuantity: n(it.transactionQuantity), transactionAmount: n(it.amountWithoutTax), transactionAmountWithoutTax: n(it.amountWithoutTax),
    taxAmount: n(it.taxAmount), amount: n(it.amount), balance: n(it.balance), netSalesPrice: n(it.netSalesPrice),
    appliedCredits: 0, ratedCredits: 0, startDate: it.startDate, endDate: it.endDate, billingTiming: it.billingTiming,
    prorationNumerator: it.prorationNumerator, prorationDenominator: it.prorationDenominator,
    chargeType: it.chargeType ?? it.charge, correctsInvoiceItemId: it.correctsInvoiceItemId,
    details: details.filter((d) => d.invoiceItemId === it.id).map((d) => ({
      id: d.id, invoiceItemId: d.invoiceItemId, orderProductId: d.orderProductId, detailType: d.detailType,
      billedAmount: n(d.billedAmount), transactionAmount: n(d.billedAmount), transactionAmountWithoutTax: n(d.billedAmount),
      transactionQuantity: n(d.transactionQuantity), taxAmount: n(d.taxAmount), netSalesPrice: n(d.netSalesPrice),
      startDate: d.startDate, endDate: d.endDate, billingTiming: d.billingTiming,
    })),
  };
}

/** A credit memo's item: the ledger stores credits negative, the memo shows them positive. */
export function toCreditMemoItemView(it: InvoiceItem, creditMemoNumber: string, details: readonly InvoiceItemDetail[]) {
  const neg = (v: string) => -n(v) + 0;
  return {
    id: it.id, name: it.invoiceItemNumber, creditMemoItemNumber: it.invoiceItemNumber, creditMemoId: it.creditMemoId, creditMemoNumber,
    accountId: it.customerId, status: it.status, assetId: it.assetId, assetNumber: it.assetNumber, assetType: it.assetType,
    productId: it.productId, productName: it.productName, uomId: it.uomId, transactionDate: it.transactionDate,
    transactionQuantity: n(it.transactionQuantity), transactionAmount: neg(it.amount), transactionAmountWithoutTax: neg(it.amountWithoutTax),
    taxAmount: neg(it.taxAmount), amount: neg(it.amount), balance: neg(it.balance), startDate: it.startDate, endDate: it.endDate, billingTiming: it.billingTiming,
    netSalesPrice: n(it.netSalesPrice), prorationNumerator: it.prorationNumerator, prorationDenominator: it.prorationDenominator,
    chargeType: it.chargeType ?? it.charge, correctsInvoiceItemId: it.correctsInvoiceItemId,
    details: details.filter((d) => d.invoiceItemId === it.id).map((d) => ({
      id: d.id, creditMemoItemId: d.invoiceItemId, creditMemoId: d.creditMemoId, orderProductId: d.orderProductId,
      transactionAmountWithoutTax: neg(d.billedAmount), transactionQuantity: n(d.transactionQuantity), taxAmount: neg(d.taxAmount),
      startDate: d.startDate, endDate: d.endDate, billingTiming: d.billingTiming, status: it.status,
    })),
  };
}
