import type { JsonDocument } from '../db/json.js';

// Billing's stored documents as billing and its callers see them; `store.ts` is the only file that
// maps them to and from their rows (one column map per table). Decimals are exact strings, dates
// 'YYYY-MM-DD', timestamps Dates.

/** A decimal amount as stored (numeric columns come back as exact strings, never floats). */
export type DecimalString = string;

export interface Invoice {
  id: string;
  invoiceNumber: string;
  recordType: string;
  source: string;
  status: string;
  customerId: string;
  billToContactId: string | null;
  orderId: string | null;
  currency: string;
  invoiceDate: string;
  dueDate: string;
  startDate: string;
  endDate: string;
  targetDate: string;
  amountWithoutTax: DecimalString;
  taxAmount: DecimalString;
  amount: DecimalString;
  balance: DecimalString;
  paymentStatus: string;
  taxStatus: string;
  accountingStatus: string;
  poNumber: string | null;
  activatedTime: Date | null;
  activatedById: string | null;
  canceledDate: Date | null;
  customFields: JsonDocument;
  createdAt: Date;
  updatedAt: Date;
}

/** An invoice as billing writes it: the columns with defaults (statuses, custom fields, times) may be left out. */
export type NewInvoice = Omit<Invoice, 'recordType' | 'source' | 'paymentStatus' | 'taxStatus' | 'accountingStatus' | 'poNumber' | 'activatedTime' | 'activatedById' | 'canceledDate' | 'customFields' | 'createdAt' | 'updatedAt'>
  & Partial<Pick<Invoice, 'recordType' | 'source' | 'paymentStatus' | 'taxStatus' | 'accountingStatus' | 'poNumber' | 'activatedTime' | 'activatedById' | 'canceledDate' | 'customFields'>>;

/** One line of the billed ledger: an invoice's item, or a credit memo's (negative amounts). */
export interface InvoiceItem {
  id: string;
  invoiceId: string | null;
  creditMemoId: string | null;
  invoiceItemNumber: string;
  status: string;
  customerId: string;
  assetId: string;
  assetNumber: string;
  assetType: string;
  charge: string;
  productId: string;
  productName: string | null;
  uomId: string | null;
  orderProductId: string;
  periodStart: string;
  startDate: string;
  endDate: string;
  billingTiming: string;
  transactionDate: string;
  transactionQuantity: DecimalString;
  netSalesPrice: DecimalString;
  prorationNumerator: number;
  prorationDenominator: number;
  amountWithoutTax: DecimalString;
  taxAmount: DecimalString;
  amount: DecimalString;
  balance: DecimalString;
  revision: number;
}

/** What an item bills per order line. */
export interface InvoiceItemDetail {
  id: string;
  invoiceId: string | null;
  creditMemoId: string | null;
  invoiceItemId: string;
  orderProductId: string;
  detailType: string;
  startDate: string;
  endDate: string;
  billingTiming: string;
  transactionQuantity: DecimalString;
  netSalesPrice: DecimalString;
  billedAmount: DecimalString;
  taxAmount: DecimalString;
}
