import { randomUUID } from 'node:crypto';
import type { Ctx } from '../../context.js';
import { conflict, invalid, notFound } from '../../core/errors.js';
import { BUSINESS_DATE_TEXT, isBusinessDate } from '../../core/dates.js';
import { Dec, parseAmount, roundMoney } from '../../core/money.js';
import type { Db } from '../../db/connect.js';
import { inTransaction, type Tx } from '../../db/transaction.js';
import { isUuid } from '../../core/ids.js';
import { assertInScope } from '../../core/scope.js';
import type { NumberingService } from '../../numbering/service.js';
import type { PaymentsService } from '../../payments/service.js';
import type { InvoiceOperations } from '../invoices/operations.js';
import type { DebitMemos } from './debit-memos.js';
import { allocateCredit } from './credit-allocation.js';
import * as store from '../store.js';
import { toCreditMemoItemView } from '../invoices/views.js';
import type { CreditMemo, DebitMemo, Invoice } from '../model.js';

// Credit memos (seed 002 part C §1.4): money owed back to a customer, applied to invoices. Active
// memos apply automatically, oldest first, to each newly activated invoice of the same customer
// and currency (DESIGN "Invoices and balances"), and a memo that billing writes Active applies at
// once to the customer's open invoices. Memos also apply to Active debit memos. Applying never takes
// an invoice, a debit memo or a credit memo below zero. Memos from billing and credit conversion have
// items in the billed ledger (negative amounts): canceling such a memo voids them, so what they
// credited is due again.

type Q = Db | Tx;
const n = (v: string) => Number(v);

export interface MemoInput {
  id?: string; number: string; customerId: string; currency: string; amount: Dec; taxAmount: Dec; source: string; status: 'Draft' | 'Active';
  reason: string | null; sourceInvoiceId: string | null; memoDate?: string; startDate?: string; endDate?: string; dueDate?: string;
  targetDate?: string; orderId?: string | null; sourceCreditId?: string | null;
}

export function toCreditMemoView(m: CreditMemo) {
  return {
    id: m.id, name: m.creditMemoNumber, creditMemoNumber: m.creditMemoNumber, recordType: 'CreditMemo', status: m.status, source: m.source,
    customerId: m.customerId, accountId: m.customerId, currencyIsoCode: m.currency, creditMemoDate: m.creditMemoDate,
    startDate: m.startDate, endDate: m.endDate, dueDate: m.dueDate, targetDate: m.targetDate, orderId: m.orderId, amountWithoutTax: n(m.amountWithoutTax), taxAmount: n(m.taxAmount), amount: n(m.amount),
    balance: n(m.balance), paymentStatus: m.paymentStatus, sourceInvoiceId: m.sourceInvoiceId, reason: m.reason,
    customFields: m.customFields, createdDate: m.createdAt.toISOString(),
  };
}

const getMemo = (q: Q, tenantId: string, id: string, forUpdate = false) => store.getCreditMemo(q, tenantId, id, { forUpdate });

export function createCreditMemos(deps: { numbering: NumberingService; payments: PaymentsService; invoices: InvoiceOperations; debitMemos: DebitMemos }) {
  const appliedOf = (q: Q, ctx: Ctx, memoId: string) => deps.payments.appliedFromCreditMemo(q, ctx, memoId);
  async function recomputeMemo(tx: Tx, ctx: Ctx, memoId: string): Promise<void> {
    const m = (await getMemo(tx, ctx.tenantId, memoId))!;
    const applied = await appliedOf(tx, ctx, memoId);
    const balance = new Dec(m.amount).minus(applied);
    const status = applied.isZero() ? 'NotTransferred' : balance.isZero() ? 'Applied' : 'PartiallyApplied';
    await store.setCreditMemoBalance(tx, ctx.tenantId, memoId, balance, status);
  }

  /** What a memo applies to: an invoice or a debit memo — how each is named, settled and recomputed. */
  type Target = { kind: 'invoice'; row: Invoice } | { kind: 'debitMemo'; row: DebitMemo };
  /** What applying reads of the document, whichever it is. */
  const payee = (t: Target) => (t.kind === 'invoice'
    ? { id: t.row.id, number: t.row.invoiceNumber, status: t.row.status, customerId: t.row.customerId, currency: t.row.currency, balance: t.row.balance }
    : { id: t.row.id, number: t.row.debitMemoNumber, status: t.row.status, customerId: t.row.customerId, currency: t.row.currency, balance: t.row.balance });
  const TARGETS = {
    invoice: {
      notActive: 'INVOICE_NOT_ACTIVE', name: 'invoice', memo: 'memo', pair: 'the memo and the invoice',
      on: (id: string) => ({ invoiceId: id }), recompute: (tx: Tx, ctx: Ctx, id: string) => deps.invoices.recompute(tx, ctx, id),
    },
    debitMemo: {
      notActive: 'DEBIT_MEMO_NOT_ACTIVE', name: 'debit memo', memo: 'credit memo', pair: 'the credit memo and the debit memo',
      on: (id: string) => ({ invoiceId: null, debitMemoId: id }), recompute: (tx: Tx, ctx: Ctx, id: string) => deps.debitMemos.recompute(tx, ctx, id),
    },
  } as const;

  /** Applies `amount` of a memo to an invoice or a debit memo, inside tx; both must be Active, same customer and currency. */
  async function applyTo(tx: Tx, ctx: Ctx, memo: CreditMemo, target: Target, amount: Dec, at: string): Promise<string> {
    const t = TARGETS[target.kind];
    const row = payee(target);
    if (memo.status !== 'Active') throw conflict('CREDIT_MEMO_NOT_ACTIVE', `${at}: credit memo ${memo.creditMemoNumber} is ${memo.status}`);
    if (row.status !== 'Active') throw conflict(t.notActive, `${at}: ${t.name} ${row.number} is ${row.status}`);
    if (memo.customerId !== row.customerId || memo.currency !== row.currency) {
      throw conflict('CREDIT_MEMO_MISMATCH', `${at}: ${t.pair} belong to different customers or currencies`);
    }
    if (amount.gt(memo.balance)) throw conflict('OVER_APPLIED', `${at}: ${amount.toString()} is more than the ${t.memo}'s balance ${memo.balance}`);
    if (amount.gt(row.balance)) throw conflict('OVER_APPLIED', `${at}: ${amount.toString()} is more than the ${t.name}'s balance ${row.balance}`);
    const id = await deps.payments.apply(tx, ctx, { ...t.on(row.id), paymentId: null, kind: 'Credit', amount, paymentMethod: 'CreditMemo', creditMemoId: memo.id });
    await t.recompute(tx, ctx, row.id);
    await recomputeMemo(tx, ctx, memo.id);
    return id;
  }
  const applyOne = (tx: Tx, ctx: Ctx, memo: CreditMemo, invoice: Invoice, amount: Dec, at: string) => applyTo(tx, ctx, memo, { kind: 'invoice', row: invoice }, amount, at);

  /** One line of :apply or :unapply: the memo, and the invoice or debit memo it names (locked). */
  async function lockPair(tx: Tx, ctx: Ctx, l: Record<string, unknown>, at: string) {
    const memo = await lockMemo(tx, ctx, String(l.creditMemoId), at);
    const hasInvoice = l.invoiceId !== undefined && l.invoiceId !== null;
    const hasDebit = l.debitMemoId !== undefined && l.debitMemoId !== null;
    if (hasInvoice === hasDebit) throw invalid('INVALID_FIELD', `${at} must name exactly one of invoiceId and debitMemoId`);
    const target: Target = hasInvoice
      ? { kind: 'invoice', row: await deps.invoices.lockInvoice(tx, ctx, String(l.invoiceId), at) }
      : { kind: 'debitMemo', row: await deps.debitMemos.lock(tx, ctx, l.debitMemoId, at) };
    const amount = roundMoney(parseAmount(l.transactionAmount, `${at}/transactionAmount`), memo.currency);
    if (amount.lte(0)) throw invalid('INVALID_FIELD', `${at}/transactionAmount must be > 0`);
    return { memo, target, amount };
  }

  /** A memo just made Active by billing: it pays the customer's open invoices, oldest first. */
  async function applyToOpenInvoices(tx: Tx, ctx: Ctx, memoId: string): Promise<void> {
    const memo = (await getMemo(tx, ctx.tenantId, memoId, true))!;
    // a memo of corrections pays the invoices it corrects first (DESIGN §4 Invoices and balances)
    const corrected = new Set(await store.invoicesCorrectedBy(tx, ctx.tenantId, memoId));
    const open = (await store.openInvoicesOf(tx, ctx.tenantId, memo.customerId, memo.currency)).sort((a, b) => Number(corrected.has(b.id)) - Number(corrected.has(a.id)));
    let left = new Dec(memo.balance);
    for (const invoice of open) {
      if (left.lte(0)) break;
      const amount = Dec.min(left, invoice.balance);
      await applyOne(tx, ctx, { ...memo, balance: left.toString() }, invoice, amount, 'auto-apply');
      left = left.minus(amount);
    }
  }

  /** A memo by id: outside the caller's scope it does not exist to read, and is a 403 to change (DESIGN §3). */
  const findMemo = async (q: Tx | Ctx['db'], ctx: Ctx, id: string, at: string, access: 'read' | 'write', forUpdate = false) => {
    const m = isUuid(id) ? await getMemo(q, ctx.tenantId, id.toLowerCase(), forUpdate) : undefined;
    const missing = () => notFound('CREDIT_MEMO_NOT_FOUND', `${at ? `${at}: c` : 'C'}redit memo ${id} does not exist`);
    if (!m) throw missing();
    assertInScope(ctx, m.customerId, access, missing);
    return m;
  };
  // what a memo operation changes is locked
  const lockMemo = (tx: Tx, ctx: Ctx, id: string, at: string) => findMemo(tx, ctx, id, at, 'write', true);

  const applicationView = (id: string | null, memoId: string, target: Target, amount: Dec) => ({
    id, creditMemoId: memoId, invoiceId: target.kind === 'invoice' ? target.row.id : null, debitMemoId: target.kind === 'debitMemo' ? target.row.id : null,
    paymentId: null, paymentMethod: 'CreditMemo', transactionAmount: amount.toNumber(), errorCode: null, errorMessage: null,
  });

  const ids = (v: unknown, field: string): string[] => {
    if (!Array.isArray(v) || v.length === 0) throw invalid('INVALID_FIELD', `body/${field} must be a non-empty array`);
    return v.map((x, i) => { if (!isUuid(x)) throw invalid('INVALID_FIELD', `body/${field}/${i} must be an id`); return String(x).toLowerCase(); });
  };

  return {
    /** Writes a memo inside the caller's transaction (refund credits, negative billing). */
    async createInTx(tx: Tx, ctx: Ctx, m: MemoInput): Promise<string> {
      const today = ctx.clock.today(ctx.timeZone).toString();
      return store.insertCreditMemo(tx, ctx.tenantId, {
        id: m.id ?? randomUUID(), number: m.number, status: m.status, source: m.source, customerId: m.customerId, currency: m.currency,
        memoDate: m.memoDate ?? today, startDate: m.startDate ?? today, endDate: m.endDate ?? today, dueDate: m.dueDate ?? null, targetDate: m.targetDate ?? null,
        orderId: m.orderId ?? null, sourceCreditId: m.sourceCreditId ?? null, amount: m.amount, taxAmount: m.taxAmount, sourceInvoiceId: m.sourceInvoiceId,
        reason: m.reason, activatedTime: m.status === 'Active' ? ctx.clock.now() : null,
      });
    },

    applyToOpenInvoices,

    applyOne,
    recomputeMemo,

    /** The credit of a refund: the money went back, the invoice stays settled (DESIGN). */
    async creditForRefund(tx: Tx, ctx: Ctx, i: { number: string; invoice: Invoice; amount: Dec }): Promise<void> {
      const memoId = await this.createInTx(tx, ctx, {
        number: i.number, customerId: i.invoice.customerId, currency: i.invoice.currency, amount: i.amount,
        taxAmount: new Dec(0), source: 'PaymentOperation', status: 'Active', reason: 'Refund', sourceInvoiceId: i.invoice.id,
      });
      await applyOne(tx, ctx, (await getMemo(tx, ctx.tenantId, memoId))!, i.invoice, i.amount, 'refund');
    },

    /** A memo by hand: {customerId, amount, taxAmount?, currencyIsoCode?, reason?, status?}. */
    async create(ctx: Ctx, body: Record<string, unknown>, customerCurrency: (customerId: string) => Promise<string>) {
      if (!isUuid(body.customerId)) throw invalid('INVALID_FIELD', 'body/customerId is required and must be an id');
      assertInScope(ctx, body.customerId, 'write', () => notFound('CUSTOMER_NOT_FOUND', `Customer ${String(body.customerId)} does not exist`));
      const own = await customerCurrency(String(body.customerId)); // also: the customer exists in this tenant
      const currency = typeof body.currencyIsoCode === 'string' ? body.currencyIsoCode : own;
      const amount = roundMoney(parseAmount(body.amount, 'body/amount'), currency);
      const tax = roundMoney(parseAmount(body.taxAmount ?? 0, 'body/taxAmount'), currency);
      if (amount.lte(0)) throw invalid('INVALID_FIELD', 'body/amount must be > 0');
      if (tax.lt(0) || tax.gt(amount)) throw invalid('INVALID_FIELD', 'body/taxAmount must be between 0 and the amount');
      const status = body.status === undefined ? 'Draft' : body.status;
      if (status !== 'Draft' && status !== 'Active') throw invalid('INVALID_FIELD', 'body/status must be Draft or Active');
      // its date (default today), as :update and PATCH take it
      const date = body.creditMemoDate ?? undefined;
      if (date !== undefined && (typeof date !== 'string' || !isBusinessDate(date))) throw invalid('INVALID_FIELD', `body/creditMemoDate must be ${BUSINESS_DATE_TEXT}`);
      const [number] = await deps.numbering.nextNumbers(ctx, 'creditMemo', 1);
      const id = await inTransaction(ctx.db, (tx) => this.createInTx(tx, ctx, {
        number: number!, customerId: String(body.customerId).toLowerCase(), currency, amount, taxAmount: tax, source: 'Manual', status,
        reason: typeof body.reason === 'string' ? body.reason : null, sourceInvoiceId: null, ...(date !== undefined && { memoDate: date }),
      }));
      return this.get(ctx, id);
    },

    async get(ctx: Ctx, id: string) {
      const m = await findMemo(ctx.db, ctx, id, '', 'read');
      const [items, details] = await Promise.all([store.itemsOf(ctx.db, ctx.tenantId, [m.id], 'creditMemoId'), store.detailsOf(ctx.db, ctx.tenantId, [m.id], 'creditMemoId')]);
      return { ...toCreditMemoView(m), items: items.map((it) => toCreditMemoItemView(it, m.creditMemoNumber, details)) };
    },

    async activate(ctx: Ctx, body: { creditMemoIds?: unknown }) {
      const list = ids(body.creditMemoIds, 'creditMemoIds');
      await inTransaction(ctx.db, async (tx) => {
        for (const [i, id] of list.entries()) {
          const m = await lockMemo(tx, ctx, id, `body/creditMemoIds/${i}`);
          if (m.status !== 'Draft') throw conflict('CREDIT_MEMO_NOT_DRAFT', `Credit memo ${m.creditMemoNumber} is ${m.status}; only Draft memos can be activated`);
          await store.setCreditMemoStatus(tx, ctx.tenantId, m.id, 'Active', { activatedTime: ctx.clock.now() });
        }
      });
      return Promise.all(list.map((id) => this.get(ctx, id)));
    },

    /** Applies memos to invoices or debit memos: `appliedInvoices[{creditMemoId, invoiceId | debitMemoId, transactionAmount}]`. */
    async apply(ctx: Ctx, body: { appliedInvoices?: unknown }) {
      const items = body.appliedInvoices;
      if (!Array.isArray(items) || items.length === 0) throw invalid('INVALID_FIELD', 'body/appliedInvoices must be a non-empty array');
      return inTransaction(ctx.db, async (tx) => {
        const out = [];
        for (const [i, raw] of items.entries()) {
          const at = `body/appliedInvoices/${i}`;
          const { memo, target, amount } = await lockPair(tx, ctx, raw as Record<string, unknown>, at);
          const appId = await applyTo(tx, ctx, memo, target, amount, at);
          out.push(applicationView(appId, memo.id, target, amount));
        }
        return { paymentApplications: out };
      });
    },

    /** Takes back `transactionAmount` of what a memo applied to an invoice or a debit memo. */
    async unapply(ctx: Ctx, body: { unappliedInvoices?: unknown }) {
      const items = body.unappliedInvoices;
      if (!Array.isArray(items) || items.length === 0) throw invalid('INVALID_FIELD', 'body/unappliedInvoices must be a non-empty array');
      return inTransaction(ctx.db, async (tx) => {
        const out = [];
        for (const [i, raw] of items.entries()) {
          const at = `body/unappliedInvoices/${i}`;
          const { memo, target, amount } = await lockPair(tx, ctx, raw as Record<string, unknown>, at);
          const t = TARGETS[target.kind];
          const was = await deps.payments.reverseCredit(tx, ctx, memo.id, target.kind === 'invoice' ? { invoiceId: target.row.id } : { debitMemoId: target.row.id });
          if (amount.gt(was)) throw conflict('OVER_UNAPPLIED', `${at}: ${amount.toString()} is more than the memo applied (${was.toString()})`);
          if (was.gt(amount)) {
            await deps.payments.apply(tx, ctx, { ...t.on(target.row.id), paymentId: null, kind: 'Credit', amount: was.minus(amount), paymentMethod: 'CreditMemo', creditMemoId: memo.id });
          }
          await t.recompute(tx, ctx, target.row.id);
          await recomputeMemo(tx, ctx, memo.id);
          out.push(applicationView(null, memo.id, target, amount));
        }
        return { paymentApplications: out };
      });
    },

    /** Correction memos canceled together with the invoice they correct: unapplied from every invoice, then Canceled (its items void). */
    async cancelCorrectionsInTx(tx: Tx, ctx: Ctx, memos: readonly CreditMemo[]): Promise<void> {
      for (const m of memos) {
        for (const a of await deps.payments.creditedByMemo(tx, ctx, m.id, 'invoice')) {
          await deps.payments.reverseCredit(tx, ctx, m.id, { invoiceId: a.id });
          await deps.invoices.recompute(tx, ctx, a.id);
        }
        if ((await appliedOf(tx, ctx, m.id)).gt(0)) throw conflict('CREDIT_MEMO_APPLIED', `Credit memo ${m.creditMemoNumber} is applied to a debit memo; unapply it first`);
        await store.setCreditMemoStatus(tx, ctx.tenantId, m.id, 'Canceled', { canceledDate: ctx.clock.now(), paymentStatus: 'Canceled', balance: m.amount });
      }
    },

    async cancel(ctx: Ctx, body: { creditMemoIds?: unknown }) {
      const list = ids(body.creditMemoIds, 'creditMemoIds');
      await inTransaction(ctx.db, async (tx) => {
        for (const [i, id] of list.entries()) {
          const m = await lockMemo(tx, ctx, id, `body/creditMemoIds/${i}`);
          if (m.status === 'Canceled') throw conflict('CREDIT_MEMO_CANCELED', `Credit memo ${m.creditMemoNumber} is already canceled`);
          if ((await appliedOf(tx, ctx, m.id)).gt(0)) throw conflict('CREDIT_MEMO_APPLIED', `Credit memo ${m.creditMemoNumber} is applied; unapply it first`);
          await store.setCreditMemoStatus(tx, ctx.tenantId, m.id, 'Canceled', { canceledDate: ctx.clock.now(), paymentStatus: 'Canceled' });
          // a converted credit's cash goes back to the credit
          if (m.sourceCreditId) await store.moveCreditBalance(tx, ctx.tenantId, m.sourceCreditId, m.amount);
        }
      });
      return { jobId: null, status: 'Completed', creditMemoIds: list };
    },

    async remove(ctx: Ctx, body: { creditMemoIds?: unknown }) {
      const list = ids(body.creditMemoIds, 'creditMemoIds');
      await inTransaction(ctx.db, async (tx) => {
        for (const [i, id] of list.entries()) {
          const m = await lockMemo(tx, ctx, id, `body/creditMemoIds/${i}`);
          if (m.status !== 'Canceled') throw conflict('CREDIT_MEMO_NOT_CANCELED', `Credit memo ${m.creditMemoNumber} is ${m.status}; only Canceled memos can be deleted`);
          await store.deleteCreditMemo(tx, ctx.tenantId, m.id);
        }
      });
      return { jobId: null, status: 'Completed', creditMemoIds: list };
    },

    async patch(ctx: Ctx, id: string, body: Record<string, unknown>) {
      await inTransaction(ctx.db, async (tx) => {
        const m = await lockMemo(tx, ctx, id, 'credit memo');
        if (m.status === 'Canceled') throw conflict('CREDIT_MEMO_FROZEN', `Credit memo ${m.creditMemoNumber} is Canceled`);
        for (const [k, v] of Object.entries(body)) {
          if (k === 'creditMemoDate') {
            if (m.status !== 'Draft') throw conflict('CREDIT_MEMO_FIELD_FROZEN', 'body/creditMemoDate can change only while the memo is Draft');
            if (typeof v !== 'string' || !isBusinessDate(v)) throw invalid('INVALID_FIELD', `body/creditMemoDate must be ${BUSINESS_DATE_TEXT}`);
            await store.setCreditMemoFields(tx, ctx.tenantId, m.id, { creditMemoDate: v });
          } else if (k === 'reason' && (typeof v === 'string' || v === null)) {
            await store.setCreditMemoFields(tx, ctx.tenantId, m.id, { reason: v });
          } else if (k === 'customFields' && typeof v === 'object' && v !== null && !Array.isArray(v)) {
            await store.mergeCreditMemoCustomFields(tx, ctx.tenantId, m.id, v as Record<string, unknown>);
          } else if (k !== 'paymentDetails' && k !== 'billToContactId') {
            throw conflict('CREDIT_MEMO_FIELD_FROZEN', `body/${k} cannot be changed on a credit memo`);
          }
        }
      });
      return this.get(ctx, id);
    },

    /** 404 for a memo that does not exist, 403 for one outside the caller's scope: before a refund of it is followed up. */
    async assertWritable(ctx: Ctx, id: string, at: string): Promise<void> { await findMemo(ctx.db, ctx, id, at, 'write'); },

    /** Invoices a memo was applied to, with the amounts. */
    async invoicesOf(ctx: Ctx, id: string) {
      await this.get(ctx, id);
      // payments knows the amounts per invoice, billing the invoices
      const applied = await deps.payments.creditedByMemo(ctx.db, ctx, id.toLowerCase(), 'invoice');
      const invoices = await store.invoicesByIds(ctx.db, ctx.tenantId, applied.map((a) => a.id));
      const amounts = new Map(applied.map((a) => [a.id, a.amount]));
      return invoices.map((i) => ({ invoiceId: i.id, invoiceNumber: i.invoiceNumber, appliedAmount: amounts.get(i.id)!.toNumber() }));
    },

    /** Debit memos a memo was applied to, with the amounts. */
    async debitMemosOf(ctx: Ctx, id: string) {
      await this.get(ctx, id);
      return deps.debitMemos.creditedBy(ctx, id.toLowerCase());
    },

    /** Credit memos billing wrote for an order (a change order that nets negative). */
    async memosOfOrder(ctx: Ctx, orderId: string) {
      const memos = await store.creditMemosOfOrder(ctx.db, ctx.tenantId, orderId);
      return Promise.all(memos.map((m) => this.get(ctx, m.id)));
    },

    /** Credit memos applied to an invoice. */
    async memosOfInvoice(ctx: Ctx, invoiceId: string) {
      await deps.invoices.findInvoice(ctx.db, ctx, invoiceId, 'read');
      const applied = await deps.payments.creditsOnInvoice(ctx.db, ctx, invoiceId);
      const memos = await store.creditMemosByIds(ctx.db, ctx.tenantId, applied.map((a) => a.id));
      const amounts = new Map(applied.map((a) => [a.id, a.amount]));
      return memos.map((m) => ({ ...toCreditMemoView(m), appliedAmount: amounts.get(m.id)!.toNumber() }));
    },

    /** Active memos of the invoice's customer and currency, oldest first, until its balance is 0. */
    async autoApply(tx: Tx, ctx: Ctx, invoiceId: string, known?: { customerId: string; currency: string }): Promise<void> {
      // a run's new invoice names its customer: without open credit there is nothing to lock or read (one round trip per invoice)
      if (known && (await store.openCreditMemosOf(tx, ctx.tenantId, known.customerId, known.currency)).length === 0) return;
      let invoice = (await store.getInvoice(tx, ctx.tenantId, invoiceId, { forUpdate: true }))!;
      if (invoice.status !== 'Active') return;
      const memos = await store.openCreditMemosOf(tx, ctx.tenantId, invoice.customerId, invoice.currency);
      const byId = new Map(memos.map((m) => [m.id, m]));
      const plan = allocateCredit(invoice.balance, memos.map((m) => ({ id: m.id, balance: m.balance })));
      for (const { memoId, amount } of plan) {
        await applyOne(tx, ctx, byId.get(memoId)!, invoice, amount, 'auto-apply');
        // applyOne checks against the invoice as it stands now
        invoice = (await store.getInvoice(tx, ctx.tenantId, invoiceId))!;
      }
    },

    /** What an existing customer holds in open credit (a checkout charges only the rest). */
    /**
     * What a refund of a memo's credit needs (`credit-memos:transferToPayments`): the memo, which
     * must be Active with credit left, and the invoices it credits (its source invoice, those it was
     * applied to, then those that billed its assets, newest first) — the original payment is the
     * gateway payment of the first of them that has one.
     */
    async refundPlan(ctx: Ctx, id: string, at: string): Promise<{ memoId: string; number: string; currency: string; customerId: string; balance: Dec; invoiceIds: string[] }> {
      const m = await findMemo(ctx.db, ctx, id, at, 'write');
      if (m.status !== 'Active') throw conflict('CREDIT_MEMO_NOT_ACTIVE', `${at}: credit memo ${m.creditMemoNumber} is ${m.status}; only an Active memo's credit can be refunded`);
      if (new Dec(m.balance).lte(0)) throw conflict('NOTHING_TO_REFUND', `${at}: credit memo ${m.creditMemoNumber} has no credit left`);
      const applied = await deps.payments.creditedByMemo(ctx.db, ctx, m.id, 'invoice');
      // a correction memo (negative billing, a change order) credits the invoices that billed its assets
      const assets = [...new Set((await store.itemsOf(ctx.db, ctx.tenantId, [m.id], 'creditMemoId')).map((it) => it.assetNumber).filter((a): a is string => !!a))];
      const billedThem = await store.invoicesBillingAssets(ctx.db, ctx.tenantId, m.customerId, m.currency, assets);
      const invoiceIds = [...new Set([...(m.sourceInvoiceId ? [m.sourceInvoiceId] : []), ...applied.map((a) => a.id), ...billedThem])];
      return { memoId: m.id, number: m.creditMemoNumber, currency: m.currency, customerId: m.customerId, balance: new Dec(m.balance), invoiceIds };
    },

    /** A refund of a memo's credit went back through the gateway: the memo's balance drops by it (Refunded, or PartialRefunded). */
    async recordRefund(tx: Tx, ctx: Ctx, i: { memoId: string; paymentId: string; amount: Dec }): Promise<{ balance: Dec; paymentStatus: string }> {
      const memo = (await getMemo(tx, ctx.tenantId, i.memoId, true))!;
      if (i.amount.gt(memo.balance)) throw conflict('OVER_REFUNDED', `Credit memo ${memo.creditMemoNumber} has only ${memo.balance} left`);
      await deps.payments.apply(tx, ctx, { invoiceId: null, creditMemoId: memo.id, paymentId: i.paymentId, kind: 'Refund', amount: i.amount, paymentMethod: 'Electronic' });
      const balance = new Dec(memo.balance).minus(i.amount);
      const paymentStatus = balance.isZero() ? 'Refunded' : 'PartialRefunded';
      await store.setCreditMemoBalance(tx, ctx.tenantId, memo.id, balance, paymentStatus);
      return { balance, paymentStatus };
    },

    /** Serialises refunds of one memo (the caller's transaction holds its row). */
    async lockForRefund(tx: Tx, ctx: Ctx, memoId: string): Promise<void> {
      await getMemo(tx, ctx.tenantId, memoId, true);
    },

    /** The gateway refused a refund taken off the memo when it was sent: the memo holds that credit again. */
    async reverseRefund(tx: Tx, ctx: Ctx, i: { memoId: string; paymentId: string }): Promise<{ balance: Dec; paymentStatus: string }> {
      await getMemo(tx, ctx.tenantId, i.memoId, true);
      await deps.payments.reverse(tx, ctx, [i.paymentId]);
      await recomputeMemo(tx, ctx, i.memoId);
      const m = (await getMemo(tx, ctx.tenantId, i.memoId))!;
      return { balance: new Dec(m.balance), paymentStatus: m.paymentStatus };
    },

    async availableCredit(q: Q, ctx: Ctx, customerId: string, currency: string): Promise<Dec> {
      return store.openCreditOf(q, ctx.tenantId, customerId, currency);
    },
  };
}

export type CreditMemos = ReturnType<typeof createCreditMemos>;
