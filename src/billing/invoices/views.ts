import type { Row } from '../store.js';

// Invoices as the seed shows them: {invoice, items[{..., details}]}. Money is a JSON number.
const n = (v: unknown) => (v === null || v === undefined ? 0 : Number(v));
const iso = (v: unknown) => (v instanceof Date ? v.toISOString() : v ?? null);

export function toInvoiceView(i: Row) {
  return {
    id: i.id, name: i.invoice_number, invoiceNumber: i.invoice_number, recordType: i.record_type, source: i.source, status: i.status,
    customerId: i.customer_id, accountId: i.customer_id, billToContactId: i.bill_to_contact_id ?? null, orderId: i.order_id ?? null,
    currencyIsoCode: i.currency_iso_code, invoiceDate: i.invoice_date, dueDate: i.due_date, startDate: i.start_date, endDate: i.end_date,
    targetDate: i.target_date, amountWithoutTax: n(i.amount_without_tax), taxAmount: n(i.tax_amount), amount: n(i.amount), balance: n(i.balance),
    paymentStatus: i.payment_status, taxStatus: i.tax_status, accountingStatus: i.accounting_status, isCatchUp: false, poNumber: i.po_number ?? null,
    activatedTime: iso(i.activated_time), activatedById: i.activated_by_id ?? null, canceledDate: iso(i.canceled_date),
    customFields: i.custom_fields ?? {}, createdDate: iso(i.created_at), lastModifiedDate: iso(i.updated_at),
  };
}

export function toItemView(it: Row, invoiceNumber: unknown, details: Row[]) {
  return {
    id: it.id, name: it.invoice_item_number, invoiceItemNumber: it.invoice_item_number, invoiceId: it.invoice_id, invoiceNumber,
    accountId: it.customer_id, status: it.status, assetId: it.asset_id, assetNumber: it.asset_number, assetType: it.asset_type,
    productId: it.product_id, productName: it.product_name, uomId: it.uom_id ?? null, transactionDate: it.transaction_date,
    transactionQuantity: n(it.transaction_quantity), transactionAmount: n(it.amount_without_tax), transactionAmountWithoutTax: n(it.amount_without_tax),
    taxAmount: n(it.tax_amount), amount: n(it.amount), balance: n(it.balance), netSalesPrice: n(it.net_sales_price),
    appliedCredits: 0, ratedCredits: 0, startDate: it.start_date, endDate: it.end_date, billingTiming: it.billing_timing,
    prorationNumerator: it.proration_numerator, prorationDenominator: it.proration_denominator,
    details: details.filter((d) => d.invoice_item_id === it.id).map((d) => ({
      id: d.id, invoiceItemId: d.invoice_item_id, orderProductId: d.order_product_id, detailType: d.detail_type,
      billedAmount: n(d.billed_amount), transactionAmount: n(d.billed_amount), transactionAmountWithoutTax: n(d.billed_amount),
      transactionQuantity: n(d.transaction_quantity), taxAmount: n(d.tax_amount), netSalesPrice: n(d.net_sales_price),
      startDate: d.start_date, endDate: d.end_date, billingTiming: d.billing_timing,
    })),
  };
}

/** A credit memo's item: the ledger stores credits negative, the memo shows them positive. */
export function toCreditMemoItemView(it: Row, creditMemoNumber: unknown, details: Row[]) {
  const neg = (v: unknown) => -n(v) + 0;
  return {
    id: it.id, name: it.invoice_item_number, creditMemoItemNumber: it.invoice_item_number, creditMemoId: it.credit_memo_id, creditMemoNumber,
    accountId: it.customer_id, status: it.status, assetId: it.asset_id, assetNumber: it.asset_number, assetType: it.asset_type,
    productId: it.product_id, productName: it.product_name, uomId: it.uom_id ?? null, transactionDate: it.transaction_date,
    transactionQuantity: n(it.transaction_quantity), transactionAmount: neg(it.amount), transactionAmountWithoutTax: neg(it.amount_without_tax),
    taxAmount: neg(it.tax_amount), balance: neg(it.balance), startDate: it.start_date, endDate: it.end_date, billingTiming: it.billing_timing,
    details: details.filter((d) => d.invoice_item_id === it.id).map((d) => ({
      id: d.id, creditMemoItemId: d.invoice_item_id, creditMemoId: d.credit_memo_id, orderProductId: d.order_product_id,
      transactionAmountWithoutTax: neg(d.billed_amount), transactionQuantity: n(d.transaction_quantity), taxAmount: neg(d.tax_amount),
      startDate: d.start_date, endDate: d.end_date, billingTiming: d.billing_timing, status: it.status,
    })),
  };
}
