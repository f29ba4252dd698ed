import { sql } from 'kysely';
import type { Db } from '../db/connect.js';
import type { Tx } from '../db/transaction.js';
import type { Row } from '../db/schema.js';
import { fromRow, insertRows, toColumns, type ColumnMap, type MapsRow, type MapsWholeRow } from '../db/rows.js';
import type { AttemptUpdate, CollectionAttempt, NewCollectionAttempt, NewPayment, NewPaymentApplication, Payment, PaymentApplication, PaymentSettlement, TenantPayment } from './model.js';

// The only file that touches payments, payment_applications and collection_attempts, and the only one that knows their columns.
type Q = Db | Tx;

const PAYMENT = {
  id: 'id', paymentNumber: 'payment_number', customerId: 'customer_id', currency: 'currency_iso_code', amount: 'amount', kind: 'kind',
  status: 'status', gateway: 'gateway', gatewayReference: 'gateway_reference', paymentMethod: 'payment_method', paymentSource: 'payment_source',
  externalReference: 'external_reference', declineCode: 'decline_code', declineMessage: 'decline_message', idempotencyKey: 'idempotency_key',
  invoiceId: 'invoice_id', paymentToken: 'payment_token', creditMemoId: 'credit_memo_id', refundsPaymentId: 'refunds_payment_id',
  createdAt: 'created_at', updatedAt: 'updated_at',
} as const satisfies ColumnMap<Payment, Row<'payments'>>;

const APPLICATION = {
  id: 'id', invoiceId: 'invoice_id', debitMemoId: 'debit_memo_id', creditMemoId: 'credit_memo_id', paymentId: 'payment_id', kind: 'kind',
  amount: 'amount', paymentMethod: 'payment_method', status: 'status', createdAt: 'created_at',
} as const satisfies ColumnMap<PaymentApplication, Row<'payment_applications'>>;

const ATTEMPT = {
  id: 'id', invoiceId: 'invoice_id', attemptNumber: 'attempt_number', status: 'status', trigger: 'trigger', dueDate: 'due_date',
  currency: 'currency_iso_code', amount: 'amount', gateway: 'gateway', gatewayKey: 'gateway_key', paymentId: 'payment_id',
  declineCode: 'decline_code', declineMessage: 'decline_message', attemptedOn: 'attempted_on', createdAt: 'created_at',
  attemptedAt: 'attempted_at', finishedAt: 'finished_at',
} as const satisfies ColumnMap<CollectionAttempt, Row<'collection_attempts'>>;

// the compiler checks that every column fits the field it fills, and that every column but tenant_id is mapped
const paymentsMap: MapsRow<Payment, Row<'payments'>, typeof PAYMENT> = true;
const applicationsMap: MapsRow<PaymentApplication, Row<'payment_applications'>, typeof APPLICATION> = true;
const paymentsWhole: MapsWholeRow<Row<'payments'>, typeof PAYMENT, 'tenant_id'> = true;
const attemptsMap: MapsRow<CollectionAttempt, Row<'collection_attempts'>, typeof ATTEMPT> = true;
const attemptsWhole: MapsWholeRow<Row<'collection_attempts'>, typeof ATTEMPT, 'tenant_id'> = true;
void attemptsMap; void attemptsWhole;
const applicationsWhole: MapsWholeRow<Row<'payment_applications'>, typeof APPLICATION, 'tenant_id'> = true;
void paymentsMap; void applicationsMap; void paymentsWhole; void applicationsWhole;

const toPayment = (r: Row<'payments'>): Payment => fromRow<Payment>(PAYMENT, r);
const toApplication = (r: Row<'payment_applications'>): PaymentApplication => fromRow<PaymentApplication>(APPLICATION, r);

export const insertPayment = (db: Q, tenantId: string, p: NewPayment) => insertRows(db, 'payments', [{ tenant_id: tenantId, ...toColumns<Payment>(PAYMENT, p) }]);
export const insertApplication = (db: Q, tenantId: string, a: NewPaymentApplication) =>
  insertRows(db, 'payment_applications', [{ tenant_id: tenantId, ...toColumns<PaymentApplication>(APPLICATION, a) }]);

export async function appliedTo(db: Q, tenantId: string, invoiceIds: readonly string[]): Promise<PaymentApplication[]> {
  if (invoiceIds.length === 0) return [];
  const r = await sql<Row<'payment_applications'>>`select * from payment_applications where tenant_id = ${tenantId} and invoice_id = any(${[...invoiceIds]}::uuid[]) and status = 'Applied' order by created_at`.execute(db);
  return r.rows.map(toApplication);
}

export async function getPayments(db: Q, tenantId: string, ids: readonly string[]): Promise<Payment[]> {
  const r = await sql<Row<'payments'>>`select * from payments where tenant_id = ${tenantId} and id = any(${[...ids]}::uuid[]) for update`.execute(db);
  return r.rows.map(toPayment);
}

export async function findPaymentByKey(db: Q, tenantId: string, gateway: string, key: string): Promise<Payment | undefined> {
  const r = await sql<Row<'payments'>>`select * from payments where tenant_id = ${tenantId} and gateway = ${gateway} and idempotency_key = ${key}`.execute(db);
  return r.rows[0] && toPayment(r.rows[0]);
}

/** Reverses every application of these payments; returns the invoices they touched. */
export async function reverseApplications(db: Q, tenantId: string, paymentIds: readonly string[]): Promise<string[]> {
  const r = await sql<{ invoice_id: string }>`update payment_applications set status = 'Reversed'
    where tenant_id = ${tenantId} and payment_id = any(${[...paymentIds]}::uuid[]) and status = 'Applied' returning invoice_id`.execute(db);
  return [...new Set(r.rows.map((x) => x.invoice_id))];
}

export async function setPaymentStatus(db: Q, tenantId: string, id: string, status: string, extra: PaymentSettlement = {}): Promise<void> {
  // every field named is set, an undefined one to null (as the driver binds it)
  const fields = Object.entries({ status, ...extra }) as [keyof PaymentSettlement | 'status', string | null | undefined][];
  const sets = fields.map(([k, v]) => sql`${sql.ref(PAYMENT[k])} = ${v}`);
  await sql`update payments set ${sql.join([...sets, sql`updated_at = now()`])} where tenant_id = ${tenantId} and id = ${id}`.execute(db);
}

export async function findByReference(db: Q, gateway: string, reference: string): Promise<TenantPayment | undefined> {
  const r = await sql<Row<'payments'>>`select * from payments where gateway = ${gateway} and gateway_reference = ${reference} order by created_at desc limit 1`.execute(db);
  return r.rows[0] && { tenantId: r.rows[0].tenant_id, payment: toPayment(r.rows[0]) };
}

export async function pendingPayments(db: Q, tenantId: string, minAgeSeconds: number): Promise<Payment[]> {
  const r = await sql<Row<'payments'>>`select * from payments where tenant_id = ${tenantId} and status = 'Pending' and gateway <> 'manual' and kind = 'Payment'
    and created_at <= now() - make_interval(secs => ${minAgeSeconds}) order by created_at`.execute(db);
  return r.rows.map(toPayment);
}

/** Pending gateway payments whose key starts with `prefix`, oldest first. */
export async function pendingWithKeyPrefix(db: Q, tenantId: string, prefix: string): Promise<Payment[]> {
  const r = await sql<Row<'payments'>>`select * from payments where tenant_id = ${tenantId} and status = 'Pending' and gateway <> 'manual'
    and kind = 'Payment' and left(idempotency_key, ${prefix.length}) = ${prefix} order by created_at`.execute(db);
  return r.rows.map(toPayment);
}

/** Refunds of memos' credit the gateway has not settled, oldest first. */
export async function pendingRefunds(db: Q, tenantId: string, minAgeSeconds: number): Promise<Payment[]> {
  const r = await sql<Row<'payments'>>`select * from payments where tenant_id = ${tenantId} and status = 'Pending' and kind = 'Refund'
    and credit_memo_id is not null and created_at <= now() - make_interval(secs => ${minAgeSeconds}) order by created_at`.execute(db);
  return r.rows.map(toPayment);
}

/** The memo's refund still in flight, if any (one at a time: the next is planned once it settles). */
export async function pendingRefundOf(db: Q, tenantId: string, creditMemoId: string): Promise<Payment | undefined> {
  const r = await sql<Row<'payments'>>`select * from payments where tenant_id = ${tenantId} and credit_memo_id = ${creditMemoId}
    and kind = 'Refund' and status = 'Pending' order by created_at limit 1`.execute(db);
  return r.rows[0] && toPayment(r.rows[0]);
}

/** How many refunds of a memo's credit were ever recorded (each one's gateway key carries its ordinal). */
export async function refundCountOf(db: Q, tenantId: string, creditMemoId: string): Promise<number> {
  const r = await sql<{ n: number }>`select count(*)::int as n from payments where tenant_id = ${tenantId} and credit_memo_id = ${creditMemoId} and kind = 'Refund'`.execute(db);
  return r.rows[0]!.n;
}

export async function tenantsWithPending(db: Q): Promise<string[]> {
  const r = await sql<{ tenant_id: string }>`select distinct tenant_id from payments where status = 'Pending' and kind in ('Payment', 'Refund')`.execute(db);
  return r.rows.map((x) => x.tenant_id);
}

/** The sum of live applications made by a credit memo (`credit_memo_id`) or made to a debit memo (`debit_memo_id`). */
export async function appliedSum(db: Q, tenantId: string, by: 'credit_memo_id' | 'debit_memo_id', id: string): Promise<string> {
  const r = await sql<{ s: string }>`select coalesce(sum(amount), 0) as s from payment_applications where tenant_id = ${tenantId} and ${sql.ref(by)} = ${id} and status = 'Applied'`.execute(db);
  return r.rows[0]!.s;
}

/** Reverses what a credit memo applied to one invoice or debit memo; returns the amounts reversed. */
export async function reverseCreditApplications(db: Q, tenantId: string, creditMemoId: string, target: { invoiceId: string } | { debitMemoId: string }): Promise<string[]> {
  const on = 'invoiceId' in target ? sql`invoice_id = ${target.invoiceId}` : sql`debit_memo_id = ${target.debitMemoId}`;
  const r = await sql<{ amount: string }>`update payment_applications set status = 'Reversed' where tenant_id = ${tenantId}
    and credit_memo_id = ${creditMemoId} and ${on} and status = 'Applied' returning amount`.execute(db);
  return r.rows.map((x) => x.amount);
}

type Ref = 'invoice_id' | 'debit_memo_id' | 'credit_memo_id';

/** Live applications where `by` = id, summed per `per` (applications without a `per` are left out): what a credit memo applied to each invoice, say. */
export async function appliedSumsPer(db: Q, tenantId: string, by: Ref, id: string, per: Ref): Promise<{ id: string; amount: string }[]> {
  const r = await sql<{ id: string; amount: string }>`select ${sql.ref(per)} as id, sum(amount) as amount from payment_applications
    where tenant_id = ${tenantId} and ${sql.ref(by)} = ${id} and ${sql.ref(per)} is not null and status = 'Applied' group by ${sql.ref(per)}`.execute(db);
  return r.rows;
}

const toAttempt = (r: Row<'collection_attempts'>): CollectionAttempt => fromRow<CollectionAttempt>(ATTEMPT, r);

export async function insertAttempt(db: Q, tenantId: string, a: NewCollectionAttempt & { status: 'Scheduled' }): Promise<CollectionAttempt> {
  const [row] = await insertRows<Row<'collection_attempts'>>(db, 'collection_attempts', [{ tenant_id: tenantId, ...toColumns<CollectionAttempt>(ATTEMPT, a) }], { returning: true });
  return toAttempt(row!);
}

export async function updateAttempt(db: Q, tenantId: string, id: string, u: AttemptUpdate): Promise<void> {
  const sets = Object.entries(u).filter(([, v]) => v !== undefined).map(([k, v]) => sql`${sql.ref(ATTEMPT[k as keyof AttemptUpdate])} = ${v}`);
  if (sets.length === 0) return;
  await sql`update collection_attempts set ${sql.join(sets)} where tenant_id = ${tenantId} and id = ${id}`.execute(db);
}

export async function attemptsOf(db: Q, tenantId: string, invoiceId: string): Promise<CollectionAttempt[]> {
  const r = await sql<Row<'collection_attempts'>>`select * from collection_attempts where tenant_id = ${tenantId} and invoice_id = ${invoiceId}
    order by attempt_number, created_at`.execute(db);
  return r.rows.map(toAttempt);
}

/** The invoice's attempt that waits or is in flight (at most one: a partial unique index). */
export async function openAttempt(db: Q, tenantId: string, invoiceId: string): Promise<CollectionAttempt | undefined> {
  const r = await sql<Row<'collection_attempts'>>`select * from collection_attempts where tenant_id = ${tenantId} and invoice_id = ${invoiceId}
    and status in ('Scheduled', 'Pending', 'Authorized') for update`.execute(db);
  return r.rows[0] && toAttempt(r.rows[0]);
}

export async function attemptOfPayment(db: Q, tenantId: string, paymentId: string): Promise<CollectionAttempt | undefined> {
  const r = await sql<Row<'collection_attempts'>>`select * from collection_attempts where tenant_id = ${tenantId} and payment_id = ${paymentId}`.execute(db);
  return r.rows[0] && toAttempt(r.rows[0]);
}

/** Invoices whose Scheduled attempt is due by `day`. */
export async function dueAttemptInvoices(db: Q, tenantId: string, day: string): Promise<string[]> {
  const r = await sql<{ invoice_id: string }>`select invoice_id from collection_attempts where tenant_id = ${tenantId} and status = 'Scheduled'
    and due_date <= ${day}::date order by due_date, created_at`.execute(db);
  return r.rows.map((x) => x.invoice_id);
}

/** The gateway payments that paid an invoice (Succeeded, not recorded by hand), oldest first. */
export async function gatewayPaymentsOf(db: Q, tenantId: string, invoiceId: string): Promise<Payment[]> {
  const r = await sql<Row<'payments'>>`select * from payments where tenant_id = ${tenantId} and invoice_id = ${invoiceId} and kind = 'Payment'
    and status = 'Succeeded' and gateway <> 'manual' and gateway_reference is not null order by created_at`.execute(db);
  return r.rows.map(toPayment);
}
