import { sql } from 'kysely';
import type { Db } from '../db/connect.js';
import type { Tx } from '../db/transaction.js';
import type { Row as TableRow } from '../db/schema.js';
import { fromRow, insertRows, toColumns, type ColumnMap, type MapsRow, type MapsWholeRow } from '../db/rows.js';
import type { BilledItem } from './invoices/builder.js';
import type {
  BillingJob, BillingJobError, BillingSchedule, Credit, CreditMemo, DebitMemo, DebitMemoDraft, Invoice, InvoiceItem, InvoiceItemDetail,
  NewBillingJob, NewCredit, NewCreditMemo, NewDebitMemo, NewInvoice, PaymentStatusChange, ScheduleFields,
} from './model.js';
import { Dec } from '../core/money.js';

// The only file that touches billing's tables: invoices, invoice_items, invoice_item_details,
// billing_jobs, billing_schedules, credits, credit_memos, debit_memos and payment_status_changes; and the only one that
// knows their columns (one column map per table, checked by the compiler).
type Q = Db | Tx;

const INVOICE = {
  id: 'id', invoiceNumber: 'invoice_number', recordType: 'record_type', source: 'source', status: 'status', customerId: 'customer_id',
  billToContactId: 'bill_to_contact_id', orderId: 'order_id', currency: 'currency_iso_code', invoiceDate: 'invoice_date', dueDate: 'due_date',
  startDate: 'start_date', endDate: 'end_date', targetDate: 'target_date', amountWithoutTax: 'amount_without_tax', taxAmount: 'tax_amount',
  amount: 'amount', balance: 'balance', paymentStatus: 'payment_status', taxStatus: 'tax_status', accountingStatus: 'accounting_status',
  poNumber: 'po_number', description: 'description', paymentDetails: 'payment_details', activatedTime: 'activated_time', activatedById: 'activated_by_id', canceledDate: 'canceled_date',
  customFields: 'custom_fields', createdAt: 'created_at', updatedAt: 'updated_at',
} as const satisfies ColumnMap<Invoice, TableRow<'invoices'>>;

const ITEM = {
  id: 'id', invoiceId: 'invoice_id', creditMemoId: 'credit_memo_id', invoiceItemNumber: 'invoice_item_number', status: 'status',
  customerId: 'customer_id', assetId: 'asset_id', assetNumber: 'asset_number', assetType: 'asset_type', charge: 'charge', productId: 'product_id',
  productName: 'product_name', uomId: 'uom_id', orderProductId: 'order_product_id', periodStart: 'period_start', startDate: 'start_date',
  endDate: 'end_date', billingTiming: 'billing_timing', transactionDate: 'transaction_date', transactionQuantity: 'transaction_quantity',
  netSalesPrice: 'net_sales_price', prorationNumerator: 'proration_numerator', prorationDenominator: 'proration_denominator',
  amountWithoutTax: 'amount_without_tax', taxAmount: 'tax_amount', amount: 'amount', balance: 'balance', revision: 'revision',
  chargeType: 'charge_type', correctsInvoiceItemId: 'corrects_invoice_item_id',
} as const satisfies ColumnMap<InvoiceItem, TableRow<'invoice_items'>>;

const DETAIL = {
  id: 'id', invoiceId: 'invoice_id', creditMemoId: 'credit_memo_id', invoiceItemId: 'invoice_item_id', orderProductId: 'order_product_id',
  detailType: 'detail_type', startDate: 'start_date', endDate: 'end_date', billingTiming: 'billing_timing', transactionQuantity: 'transaction_quantity',
  netSalesPrice: 'net_sales_price', billedAmount: 'billed_amount', taxAmount: 'tax_amount',
} as const satisfies ColumnMap<InvoiceItemDetail, TableRow<'invoice_item_details'>>;

const CREDIT_MEMO = {
  id: 'id', creditMemoNumber: 'credit_memo_number', status: 'status', source: 'source', customerId: 'customer_id', currency: 'currency_iso_code',
  creditMemoDate: 'credit_memo_date', startDate: 'start_date', endDate: 'end_date', dueDate: 'due_date', targetDate: 'target_date', orderId: 'order_id',
  sourceCreditId: 'source_credit_id', sourceInvoiceId: 'source_invoice_id', amountWithoutTax: 'amount_without_tax', taxAmount: 'tax_amount',
  amount: 'amount', balance: 'balance', paymentStatus: 'payment_status', reason: 'reason', activatedTime: 'activated_time',
  canceledDate: 'canceled_date', customFields: 'custom_fields', createdAt: 'created_at', updatedAt: 'updated_at',
} as const satisfies ColumnMap<CreditMemo, TableRow<'credit_memos'>>;

const DEBIT_MEMO = {
  id: 'id', debitMemoNumber: 'debit_memo_number', status: 'status', customerId: 'customer_id', currency: 'currency_iso_code',
  debitMemoDate: 'debit_memo_date', startDate: 'start_date', endDate: 'end_date', amount: 'amount', taxAmount: 'tax_amount', balance: 'balance',
  sourceId: 'source_id', sourceType: 'source_type', chargeReason: 'charge_reason', description: 'description', paymentStatus: 'payment_status',
  activatedTime: 'activated_time', canceledDate: 'canceled_date', createdAt: 'created_at', updatedAt: 'updated_at',
} as const satisfies ColumnMap<DebitMemo, TableRow<'debit_memos'>>;

const CREDIT = {
  id: 'id', creditNumber: 'credit_number', status: 'status', customerId: 'customer_id', creditTypeId: 'credit_type_id',
  creditConversionId: 'credit_conversion_id', assetId: 'asset_id', assetNumber: 'asset_number', assetType: 'asset_type',
  orderProductId: 'order_product_id', productId: 'product_id', productName: 'product_name', uomId: 'uom_id', currency: 'currency_iso_code',
  startDate: 'start_date', assetQuantity: 'asset_quantity', unitPrice: 'unit_price', quantity: 'quantity', amount: 'amount', balance: 'balance',
  createdAt: 'created_at', updatedAt: 'updated_at',
} as const satisfies ColumnMap<Credit, TableRow<'credits'>>;

/** A billing_jobs row with its jsonb columns as this store writes them (ids, and errors as BillingJobError). */
type JobRow = Omit<TableRow<'billing_jobs'>, 'invoice_ids' | 'credit_memo_ids' | 'errors'> & { invoice_ids: string[]; credit_memo_ids: string[]; errors: BillingJobError[] };

const JOB = {
  id: 'id', scheduleId: 'schedule_id', status: 'status', targetDate: 'target_date', autoActivate: 'auto_activate', invoiceIds: 'invoice_ids',
  creditMemoIds: 'credit_memo_ids', errors: 'errors', createdAt: 'created_at', finishedAt: 'finished_at', heartbeatAt: 'heartbeat_at', resumedBy: 'resumed_by', retryOf: 'retry_of',
} as const satisfies ColumnMap<BillingJob, JobRow>;

/** A billing_schedules row with customer_ids as this store writes it (a list of ids, or null). */
type ScheduleRow = Omit<TableRow<'billing_schedules'>, 'customer_ids'> & { customer_ids: string[] | null };

const SCHEDULE = {
  id: 'id', name: 'name', scheduleType: 'schedule_type', status: 'status', recurringSchedule: 'recurring_schedule',
  scheduleStartDate: 'schedule_start_date', autoActivate: 'auto_activate', targetIncrement: 'target_increment', customerIds: 'customer_ids',
  customerFilter: 'customer_filter', productFilter: 'product_filter', billCycleDayFilter: 'bill_cycle_day_filter', lastRunDate: 'last_run_date',
  createdAt: 'created_at', updatedAt: 'updated_at',
} as const satisfies ColumnMap<BillingSchedule, ScheduleRow>;

// the compiler checks that every column fits the field it fills
const STATUS_CHANGE = {
  id: 'id', invoiceId: 'invoice_id', fromStatus: 'from_status', toStatus: 'to_status', reason: 'reason', changedBy: 'changed_by', createdAt: 'created_at',
} as const satisfies ColumnMap<PaymentStatusChange, TableRow<'payment_status_changes'>>;
const statusChangesMap: MapsRow<PaymentStatusChange, TableRow<'payment_status_changes'>, typeof STATUS_CHANGE> = true;
const statusChangesWhole: MapsWholeRow<TableRow<'payment_status_changes'>, typeof STATUS_CHANGE, 'tenant_id'> = true;
void statusChangesMap; void statusChangesWhole;
const invoicesMap: MapsRow<Invoice, TableRow<'invoices'>, typeof INVOICE> = true;
const itemsMap: MapsRow<InvoiceItem, TableRow<'invoice_items'>, typeof ITEM> = true;
const detailsMap: MapsRow<InvoiceItemDetail, TableRow<'invoice_item_details'>, typeof DETAIL> = true;
const creditMemosMap: MapsRow<CreditMemo, TableRow<'credit_memos'>, typeof CREDIT_MEMO> = true;
const debitMemosMap: MapsRow<DebitMemo, TableRow<'debit_memos'>, typeof DEBIT_MEMO> = true;
const creditsMap: MapsRow<Credit, TableRow<'credits'>, typeof CREDIT> = true;
const jobsMap: MapsRow<BillingJob, JobRow, typeof JOB> = true;
const schedulesMap: MapsRow<BillingSchedule, ScheduleRow, typeof SCHEDULE> = true;
void invoicesMap; void itemsMap; void detailsMap; void creditMemosMap; void debitMemosMap; void creditsMap; void jobsMap; void schedulesMap;

const toInvoice = (r: TableRow<'invoices'>): Invoice => fromRow<Invoice>(INVOICE, r);
const toItem = (r: TableRow<'invoice_items'>): InvoiceItem => fromRow<InvoiceItem>(ITEM, r);
const toDetail = (r: TableRow<'invoice_item_details'>): InvoiceItemDetail => fromRow<InvoiceItemDetail>(DETAIL, r);
const toCreditMemo = (r: TableRow<'credit_memos'>): CreditMemo => fromRow<CreditMemo>(CREDIT_MEMO, r);
const toDebitMemo = (r: TableRow<'debit_memos'>): DebitMemo => fromRow<DebitMemo>(DEBIT_MEMO, r);
const toCredit = (r: TableRow<'credits'>): Credit => fromRow<Credit>(CREDIT, r);
const toJob = (r: JobRow): BillingJob => fromRow<BillingJob>(JOB, r);
const toSchedule = (r: ScheduleRow): BillingSchedule => fromRow<BillingSchedule>(SCHEDULE, r);

/** A patch's `set` list: each field's column, jsonb fields as JSON text. */
function setsOf<D>(map: { readonly [K in keyof D]: string }, patch: Partial<D>, json: readonly (keyof D)[] = []) {
  return Object.entries(toColumns<D>(map, patch)).map(([c, v]) => {
    const isJson = json.some((k) => map[k] === c);
    return sql`${sql.ref(c)} = ${isJson && v !== null ? JSON.stringify(v) : v}`;
  });
}

export const insertInvoice = (db: Q, tenantId: string, invoice: NewInvoice) =>
  insertRows(db, 'invoices', [{ tenant_id: tenantId, ...toColumns<Invoice>(INVOICE, invoice) }]);
export const insertItems = (db: Q, tenantId: string, items: readonly InvoiceItem[]) =>
  insertRows(db, 'invoice_items', items.map((i) => ({ tenant_id: tenantId, ...toColumns<InvoiceItem>(ITEM, i) })));
export const insertDetails = (db: Q, tenantId: string, details: readonly InvoiceItemDetail[]) =>
  insertRows(db, 'invoice_item_details', details.map((d) => ({ tenant_id: tenantId, ...toColumns<InvoiceItemDetail>(DETAIL, d) })));

/** What non-canceled items already billed for these asset numbers. */
/** The billed ledger of these assets: every non-canceled item, in the order each key's items were billed. */
export async function billedItems(db: Q, tenantId: string, assetNumbers: readonly string[]): Promise<BilledItem[]> {
  if (assetNumbers.length === 0) return [];
  const r = await sql<Pick<TableRow<'invoice_items'>, 'id' | 'asset_id' | 'order_product_id' | 'asset_number' | 'charge' | 'period_start' | 'amount_without_tax' | 'tax_amount'
    | 'transaction_quantity' | 'net_sales_price' | 'start_date' | 'end_date' | 'proration_numerator' | 'proration_denominator' | 'corrects_invoice_item_id'>>`
    select id, asset_id, order_product_id, asset_number, charge, period_start, amount_without_tax, tax_amount, transaction_quantity, net_sales_price,
      start_date, end_date, proration_numerator, proration_denominator, corrects_invoice_item_id from invoice_items
    where tenant_id = ${tenantId} and asset_number = any(${[...assetNumbers]}::text[]) and status <> 'Canceled'
    order by asset_number, charge, period_start, revision`.execute(db);
  return r.rows.map((x) => ({
    id: x.id, assetId: x.asset_id, orderProductId: x.order_product_id, assetNumber: x.asset_number, charge: x.charge as BilledItem['charge'], periodStart: x.period_start,
    amount: new Dec(x.amount_without_tax), taxAmount: new Dec(x.tax_amount), quantity: new Dec(x.transaction_quantity), netSalesPrice: new Dec(x.net_sales_price),
    startDate: x.start_date, endDate: x.end_date, numerator: x.proration_numerator, denominator: x.proration_denominator, correctsInvoiceItemId: x.corrects_invoice_item_id,
  }));
}

/** The next revision of each (asset number, charge, period start) key. */
export async function nextRevisions(db: Q, tenantId: string, assetNumbers: readonly string[]): Promise<Map<string, number>> {
  const r = await sql<{ asset_number: string; charge: string; period_start: string; rev: number }>`
    select asset_number, charge, period_start, max(revision) as rev from invoice_items
    where tenant_id = ${tenantId} and asset_number = any(${[...assetNumbers]}::text[]) group by asset_number, charge, period_start`.execute(db);
  return new Map(r.rows.map((x) => [`${x.asset_number}|${x.charge}|${x.period_start}`, Number(x.rev) + 1]));
}

export async function getInvoice(db: Q, tenantId: string, id: string, opts: { forUpdate?: boolean } = {}): Promise<Invoice | undefined> {
  const r = await sql<TableRow<'invoices'>>`select * from invoices where tenant_id = ${tenantId} and id = ${id}${opts.forUpdate ? sql` for update` : sql``}`.execute(db);
  return r.rows[0] && toInvoice(r.rows[0]);
}

/** These invoices (missing ids are left out), by number. */
export async function invoicesByIds(db: Q, tenantId: string, ids: readonly string[]): Promise<Invoice[]> {
  if (ids.length === 0) return [];
  const r = await sql<TableRow<'invoices'>>`select * from invoices where tenant_id = ${tenantId} and id = any(${[...ids]}::uuid[]) order by invoice_number`.execute(db);
  return r.rows.map(toInvoice);
}

/** A customer's Active invoices in a currency that still owe something, oldest first, locked. */
/** Per customer, what its Active invoices still owe (Σ balance): the one definition REST and GraphQL share. */
export async function openBalances(db: Q, tenantId: string, customerIds: readonly string[]): Promise<Map<string, string>> {
  if (customerIds.length === 0) return new Map();
  const r = await sql<{ customer_id: string; balance: string }>`select customer_id, coalesce(sum(balance), 0) as balance from invoices
    where tenant_id = ${tenantId} and customer_id = any(${[...customerIds]}::uuid[]) and status = 'Active' group by customer_id`.execute(db);
  return new Map(r.rows.map((x) => [x.customer_id, x.balance]));
}

export async function openInvoicesOf(db: Q, tenantId: string, customerId: string, currency: string): Promise<Invoice[]> {
  const r = await sql<TableRow<'invoices'>>`select * from invoices where tenant_id = ${tenantId} and customer_id = ${customerId}
    and currency_iso_code = ${currency} and status = 'Active' and balance > 0 order by invoice_date, invoice_number for update`.execute(db);
  return r.rows.map(toInvoice);
}

export async function invoicesOfOrder(db: Q, tenantId: string, orderId: string): Promise<Invoice[]> {
  const r = await sql<TableRow<'invoices'>>`select * from invoices where tenant_id = ${tenantId} and order_id = ${orderId} order by created_at, invoice_number`.execute(db);
  return r.rows.map(toInvoice);
}

/** The documents' items in the billed ledger: of invoices (`invoiceId`) or of credit memos (`creditMemoId`, negative amounts). */
export async function itemsOf(db: Q, tenantId: string, ids: readonly string[], of: 'invoiceId' | 'creditMemoId' = 'invoiceId'): Promise<InvoiceItem[]> {
  if (ids.length === 0) return [];
  const r = await sql<TableRow<'invoice_items'>>`select * from invoice_items where tenant_id = ${tenantId} and ${sql.ref(ITEM[of])} = any(${[...ids]}::uuid[]) order by invoice_item_number`.execute(db);
  return r.rows.map(toItem);
}

export async function detailsOf(db: Q, tenantId: string, ids: readonly string[], of: 'invoiceId' | 'creditMemoId' = 'invoiceId'): Promise<InvoiceItemDetail[]> {
  if (ids.length === 0) return [];
  const r = await sql<TableRow<'invoice_item_details'>>`select * from invoice_item_details where tenant_id = ${tenantId} and ${sql.ref(DETAIL[of])} = any(${[...ids]}::uuid[])`.execute(db);
  return r.rows.map(toDetail);
}

/** Changes an invoice's fields (its items follow its status); the invoice as stored now. */
export async function updateInvoice(db: Q, tenantId: string, id: string, patch: Partial<Invoice>): Promise<Invoice | undefined> {
  const sets = setsOf<Invoice>(INVOICE, patch, ['customFields']);
  const r = await sql<TableRow<'invoices'>>`update invoices set ${sql.join([...sets, sql`updated_at = now()`])} where tenant_id = ${tenantId} and id = ${id} returning *`.execute(db);
  if (typeof patch.status === 'string') {
    await sql`update invoice_items set status = ${patch.status} where tenant_id = ${tenantId} and invoice_id = ${id}`.execute(db);
  }
  return r.rows[0] && toInvoice(r.rows[0]);
}

/** An item's amounts as finance corrected them at activation (its one detail follows). */
export async function setItemAmounts(db: Q, tenantId: string, itemId: string, amount: Dec, tax: Dec): Promise<void> {
  const total = amount.plus(tax).toString();
  await sql`update invoice_items set amount_without_tax = ${amount.toString()}, tax_amount = ${tax.toString()}, amount = ${total}, balance = ${total}
    where tenant_id = ${tenantId} and id = ${itemId}`.execute(db);
  await sql`update invoice_item_details set billed_amount = ${amount.toString()}, tax_amount = ${tax.toString()} where tenant_id = ${tenantId} and invoice_item_id = ${itemId}`.execute(db);
}

export async function deleteInvoice(db: Q, tenantId: string, id: string): Promise<void> {
  await sql`delete from invoices where tenant_id = ${tenantId} and id = ${id}`.execute(db);
}

export const insertJob = (db: Q, tenantId: string, job: NewBillingJob) =>
  insertRows(db, 'billing_jobs', [{ tenant_id: tenantId, ...toColumns<BillingJob>(JOB, job) }]);

export async function finishJob(db: Q, tenantId: string, id: string, patch: Partial<BillingJob>): Promise<void> {
  const sets = setsOf<BillingJob>(JOB, patch, ['invoiceIds', 'creditMemoIds', 'errors']);
  await sql`update billing_jobs set ${sql.join(sets)} where tenant_id = ${tenantId} and id = ${id}`.execute(db);
}

/**
 * Runs whose process died (no checkpoint since `before`) become Interrupted, keeping what they recorded;
 * all tenants' unless one is named. Returns how many.
 */
export async function interruptStaleJobs(db: Q, staleSeconds: number, tenantId?: string): Promise<number> {
  // the database's clock, as created_at's: processes and test clocks do not move it
  const r = await sql`update billing_jobs set status = 'Interrupted', finished_at = now()
    where status = 'Running' and coalesce(heartbeat_at, created_at) <= now() - make_interval(secs => ${staleSeconds})
    ${tenantId ? sql`and tenant_id = ${tenantId}` : sql``}`.execute(db);
  return Number(r.numAffectedRows ?? 0);
}

/** The run a `billing.run` job was asked for, or the latest run an attempt of it started after a crash (`retryOf` it). */
export async function latestAttempt(db: Q, tenantId: string, id: string): Promise<BillingJob | undefined> {
  const r = await sql<JobRow>`select * from billing_jobs where tenant_id = ${tenantId} and (id = ${id} or retry_of = ${id})
    order by (id = ${id}), created_at desc limit 1`.execute(db);
  return r.rows[0] && toJob(r.rows[0]);
}

/** A Queued run starts: Running, its heartbeat now (the database's clock, as the staleness check's). */
export async function startJob(db: Q, tenantId: string, id: string): Promise<void> {
  await sql`update billing_jobs set status = 'Running', heartbeat_at = now() where tenant_id = ${tenantId} and id = ${id} and status = 'Queued'`.execute(db);
}

/** A run cut off before it finished (a fault, or a dead attempt found by the next): Interrupted, keeping what it recorded. */
export async function interruptJob(db: Q, tenantId: string, id: string): Promise<void> {
  await sql`update billing_jobs set status = 'Interrupted', finished_at = now()
    where tenant_id = ${tenantId} and id = ${id} and status in ('Queued', 'Running')`.execute(db);
}

/** A running job's progress: what it wrote so far, and a heartbeat (the database's now). */
export async function checkpointJob(db: Q, tenantId: string, id: string, p: Pick<BillingJob, 'invoiceIds' | 'creditMemoIds' | 'errors'>): Promise<void> {
  await sql`update billing_jobs set invoice_ids = ${JSON.stringify(p.invoiceIds)}::jsonb, credit_memo_ids = ${JSON.stringify(p.creditMemoIds)}::jsonb,
    errors = ${JSON.stringify(p.errors)}::jsonb, heartbeat_at = now() where tenant_id = ${tenantId} and id = ${id} and status = 'Running'`.execute(db);
}

/** The tenant's Interrupted runs a run to `targetDate` covers are finished by it. */
export async function resumeInterruptedJobs(db: Q, tenantId: string, targetDate: string, by: string): Promise<void> {
  await sql`update billing_jobs set resumed_by = ${by}
    where tenant_id = ${tenantId} and status = 'Interrupted' and resumed_by is null and target_date <= ${targetDate}`.execute(db);
}

export async function getJob(db: Q, tenantId: string, id: string): Promise<BillingJob | undefined> {
  const r = await sql<JobRow>`select * from billing_jobs where tenant_id = ${tenantId} and id = ${id}`.execute(db);
  return r.rows[0] && toJob(r.rows[0]);
}

// --- credits --------------------------------------------------------------------------------------

export const insertCredits = (db: Q, tenantId: string, credits: readonly NewCredit[]) =>
  insertRows(db, 'credits', credits.map((c) => ({ tenant_id: tenantId, ...toColumns<Credit>(CREDIT, c) })));

export async function getCredit(db: Q, tenantId: string, by: { id: string } | { number: string }, opts: { forUpdate?: boolean } = {}): Promise<Credit | undefined> {
  const where = 'id' in by ? sql`id = ${by.id}` : sql`credit_number = ${by.number}`;
  const r = await sql<TableRow<'credits'>>`select * from credits where tenant_id = ${tenantId} and ${where}${opts.forUpdate ? sql` for update` : sql``}`.execute(db);
  return r.rows[0] && toCredit(r.rows[0]);
}

export async function creditsOfCustomer(db: Q, tenantId: string, customerId: string): Promise<Credit[]> {
  const r = await sql<TableRow<'credits'>>`select * from credits where tenant_id = ${tenantId} and customer_id = ${customerId} order by credit_number`.execute(db);
  return r.rows.map(toCredit);
}

/** Moves a credit's balance by `delta` (negative converts, positive restores); the CHECKs keep it within 0..amount. */
export async function moveCreditBalance(db: Q, tenantId: string, id: string, delta: string): Promise<void> {
  await sql`update credits set balance = balance + ${delta}::numeric,
    status = case when balance + ${delta}::numeric = 0 then 'Converted' else 'Active' end, updated_at = now()
    where tenant_id = ${tenantId} and id = ${id}`.execute(db);
}

// --- credit memos ---------------------------------------------------------------------------------

/** Writes a memo whose balance is its whole amount; its id. */
export async function insertCreditMemo(db: Q, tenantId: string, m: NewCreditMemo): Promise<string> {
  const r = await sql<{ id: string }>`insert into credit_memos (tenant_id, id, credit_memo_number, status, source, customer_id, currency_iso_code, credit_memo_date,
    start_date, end_date, due_date, target_date, order_id, source_credit_id, amount_without_tax, tax_amount, amount, balance, source_invoice_id, reason, activated_time)
    values (${tenantId}, ${m.id}, ${m.number}, ${m.status}, ${m.source}, ${m.customerId}, ${m.currency}, ${m.memoDate},
      ${m.startDate}, ${m.endDate}, ${m.dueDate}, ${m.targetDate}, ${m.orderId}, ${m.sourceCreditId},
      ${m.amount.minus(m.taxAmount).toString()}, ${m.taxAmount.toString()}, ${m.amount.toString()}, ${m.amount.toString()}, ${m.sourceInvoiceId}, ${m.reason},
      ${m.activatedTime}) returning id`.execute(db);
  return r.rows[0]!.id;
}

export async function getCreditMemo(db: Q, tenantId: string, id: string, opts: { forUpdate?: boolean } = {}): Promise<CreditMemo | undefined> {
  const r = await sql<TableRow<'credit_memos'>>`select * from credit_memos where tenant_id = ${tenantId} and id = ${id}${opts.forUpdate ? sql` for update` : sql``}`.execute(db);
  return r.rows[0] && toCreditMemo(r.rows[0]);
}

/** These memos (missing ids are left out), oldest first. */
export async function creditMemosByIds(db: Q, tenantId: string, ids: readonly string[]): Promise<CreditMemo[]> {
  if (ids.length === 0) return [];
  const r = await sql<TableRow<'credit_memos'>>`select * from credit_memos where tenant_id = ${tenantId} and id = any(${[...ids]}::uuid[]) order by created_at, credit_memo_number`.execute(db);
  return r.rows.map(toCreditMemo);
}

export async function creditMemosOfOrder(db: Q, tenantId: string, orderId: string): Promise<CreditMemo[]> {
  const r = await sql<TableRow<'credit_memos'>>`select * from credit_memos where tenant_id = ${tenantId} and order_id = ${orderId} order by created_at, credit_memo_number`.execute(db);
  return r.rows.map(toCreditMemo);
}

/** A customer's Active memos in a currency with credit left, oldest first, locked (the order credit applies in). */
export async function openCreditMemosOf(db: Q, tenantId: string, customerId: string, currency: string): Promise<CreditMemo[]> {
  const r = await sql<TableRow<'credit_memos'>>`select * from credit_memos where tenant_id = ${tenantId} and customer_id = ${customerId}
    and currency_iso_code = ${currency} and status = 'Active' and balance > 0 order by created_at, credit_memo_number for update`.execute(db);
  return r.rows.map(toCreditMemo);
}

/** What a customer's Active memos in a currency hold together. */
export async function openCreditOf(db: Q, tenantId: string, customerId: string, currency: string): Promise<Dec> {
  const r = await sql<{ s: string }>`select coalesce(sum(balance), 0) as s from credit_memos where tenant_id = ${tenantId}
    and customer_id = ${customerId} and currency_iso_code = ${currency} and status = 'Active'`.execute(db);
  return new Dec(r.rows[0]!.s);
}

/** Memo status and its ledger items' status move together (a Canceled item no longer counts as billed); `columns` go with it. */
export async function setCreditMemoStatus(db: Q, tenantId: string, id: string, status: string, patch: Partial<CreditMemo> = {}): Promise<void> {
  const sets = setsOf<CreditMemo>(CREDIT_MEMO, { status, ...patch }, ['customFields']);
  await sql`update credit_memos set ${sql.join([...sets, sql`updated_at = now()`])} where tenant_id = ${tenantId} and id = ${id}`.execute(db);
  await sql`update invoice_items set status = ${status} where tenant_id = ${tenantId} and credit_memo_id = ${id}`.execute(db);
}

export async function setCreditMemoBalance(db: Q, tenantId: string, id: string, balance: Dec, paymentStatus: string): Promise<void> {
  await sql`update credit_memos set balance = ${balance.toString()}, payment_status = ${paymentStatus}, updated_at = now() where tenant_id = ${tenantId} and id = ${id}`.execute(db);
}

/** What a patch may change: the memo date (Draft only, the caller checks) and the reason. */
export async function setCreditMemoFields(db: Q, tenantId: string, id: string, patch: Partial<Pick<CreditMemo, 'creditMemoDate' | 'reason'>>): Promise<void> {
  const sets = setsOf<CreditMemo>(CREDIT_MEMO, patch);
  if (sets.length === 0) return;
  await sql`update credit_memos set ${sql.join(sets)} where tenant_id = ${tenantId} and id = ${id}`.execute(db);
}

/** Custom fields merge: keys sent replace, keys not sent stay. */
export async function mergeCreditMemoCustomFields(db: Q, tenantId: string, id: string, fields: Record<string, unknown>): Promise<void> {
  await sql`update credit_memos set custom_fields = custom_fields || ${JSON.stringify(fields)}::jsonb where tenant_id = ${tenantId} and id = ${id}`.execute(db);
}

export async function deleteCreditMemo(db: Q, tenantId: string, id: string): Promise<void> {
  await sql`delete from credit_memos where tenant_id = ${tenantId} and id = ${id}`.execute(db);
}

// --- debit memos ----------------------------------------------------------------------------------

export async function insertDebitMemo(db: Q, tenantId: string, m: NewDebitMemo): Promise<string> {
  const r = await sql<{ id: string }>`insert into debit_memos (tenant_id, debit_memo_number, status, customer_id, currency_iso_code, debit_memo_date,
    start_date, end_date, amount, tax_amount, balance, source_id, source_type, charge_reason, description, activated_time)
    values (${tenantId}, ${m.number}, ${m.status}, ${m.customerId}, ${m.currency}, ${m.memoDate}, ${m.startDate}, ${m.endDate}, ${m.amount.toString()},
      ${m.taxAmount.toString()}, ${m.amount.toString()}, ${m.sourceId}, ${m.sourceType}, ${m.chargeReason}, ${m.description}, ${m.activatedTime})
    returning id`.execute(db);
  return r.rows[0]!.id;
}

export async function getDebitMemo(db: Q, tenantId: string, id: string, opts: { forUpdate?: boolean } = {}): Promise<DebitMemo | undefined> {
  const r = await sql<TableRow<'debit_memos'>>`select * from debit_memos where tenant_id = ${tenantId} and id = ${id}${opts.forUpdate ? sql` for update` : sql``}`.execute(db);
  return r.rows[0] && toDebitMemo(r.rows[0]);
}

/** These debit memos (missing ids are left out), by number. */
export async function debitMemosByIds(db: Q, tenantId: string, ids: readonly string[]): Promise<DebitMemo[]> {
  if (ids.length === 0) return [];
  const r = await sql<TableRow<'debit_memos'>>`select * from debit_memos where tenant_id = ${tenantId} and id = any(${[...ids]}::uuid[]) order by debit_memo_number`.execute(db);
  return r.rows.map(toDebitMemo);
}

/** Sets a debit memo's status and the columns that go with it (activated_time, canceled_date …). */
export async function setDebitMemoStatus(db: Q, tenantId: string, id: string, status: string, patch: Partial<DebitMemo> = {}): Promise<void> {
  const sets = setsOf<DebitMemo>(DEBIT_MEMO, { status, ...patch });
  await sql`update debit_memos set ${sql.join([...sets, sql`updated_at = now()`])} where tenant_id = ${tenantId} and id = ${id}`.execute(db);
}

export async function setDebitMemoBalance(db: Q, tenantId: string, id: string, balance: Dec, paymentStatus: string): Promise<void> {
  await sql`update debit_memos set balance = ${balance.toString()}, payment_status = ${paymentStatus}, updated_at = now() where tenant_id = ${tenantId} and id = ${id}`.execute(db);
}

/** What an Active debit memo's :update may change. */
export async function setDebitMemoText(db: Q, tenantId: string, id: string, t: { description: string | null; chargeReason: string | null }): Promise<void> {
  await sql`update debit_memos set description = ${t.description}, charge_reason = ${t.chargeReason}, updated_at = now() where tenant_id = ${tenantId} and id = ${id}`.execute(db);
}

export async function rewriteDebitMemoDraft(db: Q, tenantId: string, id: string, m: DebitMemoDraft): Promise<void> {
  await sql`update debit_memos set customer_id = ${m.customerId}, currency_iso_code = ${m.currency}, start_date = ${m.startDate}, end_date = ${m.endDate},
    amount = ${m.amount.toString()}, tax_amount = ${m.taxAmount.toString()}, balance = ${m.amount.toString()}, source_id = ${m.sourceId},
    source_type = ${m.sourceType}, charge_reason = ${m.chargeReason}, description = ${m.description}, updated_at = now() where tenant_id = ${tenantId} and id = ${id}`.execute(db);
}

// --- billing schedules ----------------------------------------------------------------------------

export async function getSchedule(db: Q, tenantId: string, id: string, opts: { forUpdate?: boolean } = {}): Promise<BillingSchedule | undefined> {
  const r = await sql<ScheduleRow>`select * from billing_schedules where tenant_id = ${tenantId} and id = ${id}${opts.forUpdate ? sql` for update` : sql``}`.execute(db);
  return r.rows[0] && toSchedule(r.rows[0]);
}

/** A new schedule: Recurring, Draft. */
export async function insertSchedule(db: Q, tenantId: string, id: string, s: ScheduleFields): Promise<void> {
  await sql`insert into billing_schedules (tenant_id, id, name, schedule_type, status, recurring_schedule, schedule_start_date, auto_activate, target_increment, customer_ids,
      customer_filter, product_filter, bill_cycle_day_filter)
    values (${tenantId}, ${id}, ${s.name}, 'Recurring', 'Draft', ${s.recurringSchedule}, ${s.scheduleStartDate}, ${s.autoActivate}, ${s.targetIncrement},
      ${s.customerIds ? JSON.stringify(s.customerIds) : null}, ${s.customerFilter}, ${s.productFilter}, ${s.billCycleDayFilter})`.execute(db);
}

export async function updateSchedule(db: Q, tenantId: string, id: string, s: ScheduleFields): Promise<void> {
  await sql`update billing_schedules set name = ${s.name}, recurring_schedule = ${s.recurringSchedule}, schedule_start_date = ${s.scheduleStartDate},
    auto_activate = ${s.autoActivate}, target_increment = ${s.targetIncrement}, customer_ids = ${s.customerIds ? JSON.stringify(s.customerIds) : null},
    customer_filter = ${s.customerFilter}, product_filter = ${s.productFilter}, bill_cycle_day_filter = ${s.billCycleDayFilter},
    updated_at = now() where tenant_id = ${tenantId} and id = ${id}`.execute(db);
}

export async function setScheduleStatus(db: Q, tenantId: string, id: string, status: 'Active' | 'Canceled'): Promise<void> {
  await sql`update billing_schedules set status = ${status}, updated_at = now() where tenant_id = ${tenantId} and id = ${id}`.execute(db);
}

export async function deleteSchedule(db: Q, tenantId: string, id: string): Promise<void> {
  await sql`delete from billing_schedules where tenant_id = ${tenantId} and id = ${id}`.execute(db);
}

/** Tenants with Active schedules (across tenants: the scheduler's list of whom to visit). */
export async function tenantsWithActiveSchedules(db: Q): Promise<string[]> {
  const r = await sql<{ tenant_id: string }>`select distinct tenant_id from billing_schedules where status = 'Active'`.execute(db);
  return r.rows.map((x) => x.tenant_id);
}

/** Active schedules started by `today` that have not run today. */
export async function dueSchedules(db: Q, tenantId: string, today: string): Promise<BillingSchedule[]> {
  const r = await sql<ScheduleRow>`select * from billing_schedules where tenant_id = ${tenantId} and status = 'Active' and schedule_start_date <= ${today}::date
    and (last_run_date is null or last_run_date < ${today}::date)`.execute(db);
  return r.rows.map(toSchedule);
}

/** Claims today's run of a schedule: false when another scheduler moved its last run date first. */
export async function claimScheduleRun(db: Q, tenantId: string, id: string, today: string, lastRunDate: string | null): Promise<boolean> {
  const r = await sql`update billing_schedules set last_run_date = ${today} where tenant_id = ${tenantId} and id = ${id}
    and (last_run_date is not distinct from ${lastRunDate}::date)`.execute(db);
  return Number(r.numAffectedRows ?? 0) === 1;
}

/** The invoices whose items this credit memo's correction items correct (it applies to them first). */
export async function invoicesCorrectedBy(db: Q, tenantId: string, creditMemoId: string): Promise<string[]> {
  const r = await sql<{ invoice_id: string }>`select distinct i.invoice_id from invoice_items m
    join invoice_items i on i.tenant_id = m.tenant_id and i.id = m.corrects_invoice_item_id
    where m.tenant_id = ${tenantId} and m.credit_memo_id = ${creditMemoId} and i.invoice_id is not null`.execute(db);
  return r.rows.map((x) => x.invoice_id);
}

/** The credit memos (not canceled) whose correction items correct this invoice's items. */
export async function memosCorrecting(db: Q, tenantId: string, invoiceId: string): Promise<CreditMemo[]> {
  const r = await sql<TableRow<'credit_memos'>>`select distinct c.* from invoice_items i
    join invoice_items m on m.tenant_id = i.tenant_id and m.corrects_invoice_item_id = i.id and m.credit_memo_id is not null and m.status <> 'Canceled'
    join credit_memos c on c.tenant_id = m.tenant_id and c.id = m.credit_memo_id
    where i.tenant_id = ${tenantId} and i.invoice_id = ${invoiceId} and c.status <> 'Canceled'`.execute(db);
  return r.rows.map(toCreditMemo);
}

export const insertStatusChange = (db: Q, tenantId: string, c: Omit<PaymentStatusChange, 'id' | 'createdAt'>) =>
  insertRows(db, 'payment_status_changes', [{ tenant_id: tenantId, ...toColumns<PaymentStatusChange>(STATUS_CHANGE, c) }]);

export async function statusChangesOf(db: Q, tenantId: string, invoiceId: string): Promise<PaymentStatusChange[]> {
  const r = await sql<TableRow<'payment_status_changes'>>`select * from payment_status_changes where tenant_id = ${tenantId} and invoice_id = ${invoiceId} order by created_at, id`.execute(db);
  return r.rows.map((row) => fromRow<PaymentStatusChange>(STATUS_CHANGE, row));
}

/** Active invoices of a customer and currency that billed any of these asset numbers, newest first (what a correction memo credits). */
export async function invoicesBillingAssets(db: Q, tenantId: string, customerId: string, currency: string, assetNumbers: readonly string[]): Promise<string[]> {
  if (assetNumbers.length === 0) return [];
  const r = await sql<{ id: string }>`select i.id from invoices i where i.tenant_id = ${tenantId} and i.customer_id = ${customerId}
    and i.currency_iso_code = ${currency} and i.status = 'Active' and exists (select 1 from invoice_items it where it.tenant_id = i.tenant_id
    and it.invoice_id = i.id and it.asset_number = any(${[...assetNumbers]}::text[]) and it.status <> 'Canceled')
    order by i.invoice_date desc, i.created_at desc`.execute(db);
  return r.rows.map((x) => x.id);
}
