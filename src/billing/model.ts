import type { Dec } from '../core/money.js';
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
  description: string | null;
  paymentDetails: string | null;
  activatedTime: Date | null;
  activatedById: string | null;
  canceledDate: Date | null;
  customFields: JsonDocument;
  createdAt: Date;
  updatedAt: Date;
}

/** An invoice as billing writes it: the columns with defaults (statuses, custom fields, times) may be left out. */
export type NewInvoice = Omit<Invoice, 'recordType' | 'source' | 'paymentStatus' | 'taxStatus' | 'accountingStatus' | 'poNumber' | 'description' | 'paymentDetails' | 'activatedTime' | 'activatedById' | 'canceledDate' | 'customFields' | 'createdAt' | 'updatedAt'>
  & Partial<Pick<Invoice, 'recordType' | 'source' | 'paymentStatus' | 'taxStatus' | 'accountingStatus' | 'poNumber' | 'description' | 'paymentDetails' | 'activatedTime' | 'activatedById' | 'canceledDate' | 'customFields'>>;

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
  /** 'Adjustment' for a correction item; null: the charge itself. */
  chargeType: string | null;
  /** A correction names the item it corrects (the period's first billed item). */
  correctsInvoiceItemId: string | null;
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

/** Money owed back to a customer: applied to invoices and debit memos; billing's own when it nets negative. */
export interface CreditMemo {
  id: string;
  creditMemoNumber: string;
  status: string;
  source: string;
  customerId: string;
  currency: string;
  creditMemoDate: string;
  startDate: string;
  endDate: string;
  dueDate: string | null;
  targetDate: string | null;
  orderId: string | null;
  sourceCreditId: string | null;
  sourceInvoiceId: string | null;
  amountWithoutTax: DecimalString;
  taxAmount: DecimalString;
  amount: DecimalString;
  balance: DecimalString;
  paymentStatus: string;
  reason: string | null;
  activatedTime: Date | null;
  canceledDate: Date | null;
  customFields: JsonDocument;
  createdAt: Date;
  updatedAt: Date;
}

/** A credit memo as written, every column resolved (dates, activation time) by the caller; its balance is its whole amount. */
export interface NewCreditMemo {
  id: string; number: string; status: string; source: string; customerId: string; currency: string; memoDate: string; startDate: string; endDate: string;
  dueDate: string | null; targetDate: string | null; orderId: string | null; sourceCreditId: string | null; amount: Dec; taxAmount: Dec;
  sourceInvoiceId: string | null; reason: string | null; activatedTime: Date | null;
}

/** A charge owed outside the billing of assets (a late fee …); credit memos apply to it like to invoices. */
export interface DebitMemo {
  id: string;
  debitMemoNumber: string;
  status: string;
  customerId: string;
  currency: string;
  debitMemoDate: string;
  startDate: string | null;
  endDate: string | null;
  amount: DecimalString;
  taxAmount: DecimalString;
  balance: DecimalString;
  sourceId: string | null;
  sourceType: string | null;
  chargeReason: string | null;
  description: string | null;
  paymentStatus: string;
  activatedTime: Date | null;
  canceledDate: Date | null;
  createdAt: Date;
  updatedAt: Date;
}

/** A debit memo as written (the caller takes its number and today); its balance is its amount. */
export interface NewDebitMemo {
  number: string; status: string; customerId: string; currency: string; memoDate: string; startDate: string | null; endDate: string | null;
  amount: Dec; taxAmount: Dec; sourceId: string | null; sourceType: string | null; chargeReason: string | null; description: string | null; activatedTime: Date | null;
}

/** What a Draft debit memo's :update rewrites (its balance follows the amount). */
export type DebitMemoDraft = Omit<NewDebitMemo, 'number' | 'status' | 'memoDate' | 'activatedTime'>;

/** Credits a customer bought with an order line (CRE-…): what is left of their cash converts to credit memos. */
export interface Credit {
  id: string;
  creditNumber: string;
  status: string;
  customerId: string;
  creditTypeId: string | null;
  creditConversionId: string | null;
  assetId: string;
  assetNumber: string;
  assetType: string;
  orderProductId: string;
  productId: string;
  productName: string | null;
  uomId: string | null;
  currency: string;
  startDate: string;
  assetQuantity: DecimalString;
  unitPrice: DecimalString;
  quantity: DecimalString;
  amount: DecimalString;
  balance: DecimalString;
  createdAt: Date;
  updatedAt: Date;
}

/** A credit as granted: the database sets when. */
export type NewCredit = Omit<Credit, 'createdAt' | 'updatedAt'>;

/** A customer a billing run could not bill, and why. */
export interface BillingJobError { customerId: string; errorCode: string; message: string }

/** A billing run as recorded: what it billed (invoices, credit memos) and whom it could not. */
export interface BillingJob {
  id: string;
  scheduleId: string | null;
  status: string;
  targetDate: string;
  autoActivate: boolean;
  invoiceIds: string[];
  creditMemoIds: string[];
  errors: BillingJobError[];
  createdAt: Date;
  finishedAt: Date | null;
  /** When the run last recorded its progress (Running), or null before its first checkpoint. */
  heartbeatAt: Date | null;
  /** An Interrupted run: the run that finished its work. */
  resumedBy: string | null;
  /** A run a job's later attempt started, after a crash cut off the one the job was asked for (that run's id). */
  retryOf: string | null;
}

/** A run as it starts: Running, nothing billed yet. */
export type NewBillingJob = Pick<BillingJob, 'id' | 'status' | 'targetDate' | 'autoActivate' | 'scheduleId'> & Partial<Pick<BillingJob, 'retryOf'>>;

/** A Recurring billing schedule (Quartz cron): Draft until activated, then the server's scheduler runs it. */
export interface BillingSchedule {
  id: string;
  name: string | null;
  scheduleType: string;
  status: string;
  recurringSchedule: string;
  scheduleStartDate: string;
  autoActivate: boolean;
  targetIncrement: number;
  customerIds: string[] | null;
  customerFilter: string | null;
  productFilter: string | null;
  billCycleDayFilter: string | null;
  lastRunDate: string | null;
  createdAt: Date;
  updatedAt: Date;
}

/** What a schedule's writes set (the service reads and checks it). */
export type ScheduleFields = Pick<BillingSchedule, 'name' | 'recurringSchedule' | 'scheduleStartDate' | 'autoActivate' | 'targetIncrement' | 'customerIds'
  | 'customerFilter' | 'productFilter' | 'billCycleDayFilter'>;

/** A payment status set by hand (`:convert-payment-status`), with why. */
export interface PaymentStatusChange {
  id: string;
  invoiceId: string;
  fromStatus: string;
  toStatus: string;
  reason: string;
  changedBy: string | null;
  createdAt: Date;
}
