import type { Ctx } from '../../context.js';
import { conflict, invalid, notFound } from '../../core/errors.js';
import { BUSINESS_DATE_TEXT, isBusinessDate } from '../../core/dates.js';
import { Dec, parseAmount, roundMoney } from '../../core/money.js';
import { inTransaction, type Tx } from '../../db/transaction.js';
import { isUuid } from '../../core/ids.js';
import { assertInScope, inScope, outsideScope } from '../../core/scope.js';
import type { NumberingService } from '../../numbering/service.js';
import type { PaymentsService } from '../../payments/service.js';
import { paymentStatus, settle } from '../invoices/balances.js';
import * as store from '../store.js';
import type { DebitMemo } from '../model.js';

// Debit memos (seed 002 part C §1.2): charges owed outside the billing of assets, such as late
// fees. Created Draft or Active; Draft ones activate; Draft or Active ones cancel. Credit memos
// apply to Active ones like to invoices: balance = amount − applied credits.

export function toDebitMemoView(m: DebitMemo) {
  const n = (v: string) => Number(v);
  return {
    id: m.id, name: m.debitMemoNumber, debitMemoNumber: m.debitMemoNumber, status: m.status, customerId: m.customerId,
    currencyCode: m.currency, currencyIsoCode: m.currency, debitMemoDate: m.debitMemoDate, startDate: m.startDate,
    endDate: m.endDate, amount: n(m.amount), taxAmount: n(m.taxAmount), balance: n(m.balance), sourceId: m.sourceId,
    sourceType: m.sourceType, chargeReason: m.chargeReason, reason: m.chargeReason, description: m.description, paymentStatus: m.paymentStatus,
  };
}

interface MemoInput { customerId: string; amount: Dec; taxAmount: Dec; currency: string; startDate: string | null; endDate: string | null; sourceId: string | null; sourceType: string | null; chargeReason: string | null; description: string | null; status: 'Draft' | 'Active' }

function readMemo(body: unknown, currencyOf: (customerId: string) => Promise<string>): Promise<MemoInput> {
  // the seed's `{debitMemo: {...}}`, or the flat body credit memos take (`{customerId, amount, reason, ...}`)
  const wrapped = (body as { debitMemo?: unknown } | null)?.debitMemo !== undefined;
  const d = (wrapped ? (body as { debitMemo: unknown }).debitMemo : body) as Record<string, unknown> | undefined;
  const at = wrapped ? 'body/debitMemo' : 'body';
  if (typeof d !== 'object' || d === null || Array.isArray(d)) throw invalid('INVALID_FIELD', `${at} must be an object`);
  if (!isUuid(d.customerId)) throw invalid('INVALID_FIELD', `${at}/customerId is required and must be an id`);
  const date = (k: string) => {
    const v = d[k];
    if (v === undefined || v === null) return null;
    if (typeof v !== 'string' || !isBusinessDate(v)) throw invalid('INVALID_FIELD', `${at}/${k} must be ${BUSINESS_DATE_TEXT}`);
    return v;
  };
  const text = (k: string) => (typeof d[k] === 'string' ? d[k] as string : null);
  const status = d.status ?? 'Draft';
  if (status !== 'Draft' && status !== 'Active') throw invalid('INVALID_FIELD', `${at}/status must be Draft or Active`);
  const start = date('startDate');
  const end = date('endDate');
  if (start && end && end < start) throw invalid('INVALID_FIELD', `${at}/endDate must not be before startDate`);
  if (d.sourceId !== undefined && d.sourceId !== null && !isUuid(d.sourceId)) throw invalid('INVALID_FIELD', `${at}/sourceId must be an id`);
  return (async () => {
    const own = await currencyOf(String(d.customerId)); // also: the customer exists in this tenant
    const currency = typeof d.currencyCode === 'string' ? d.currencyCode : own;
    const amount = roundMoney(parseAmount(d.amount, `${at}/amount`), currency);
    const tax = roundMoney(parseAmount(d.taxAmount ?? 0, `${at}/taxAmount`), currency);
    if (amount.lte(0)) throw invalid('INVALID_FIELD', `${at}/amount must be > 0`);
    if (tax.lt(0)) throw invalid('INVALID_FIELD', `${at}/taxAmount must be >= 0`);
    return {
      customerId: String(d.customerId).toLowerCase(), amount, taxAmount: tax, currency, startDate: start, endDate: end,
      sourceId: (d.sourceId as string | undefined) ?? null, sourceType: text('sourceType'), chargeReason: text('chargeReason') ?? text('reason'), description: text('description'), status,
    };
  })();
}

export function createDebitMemos(deps: { numbering: NumberingService; payments: PaymentsService }) {
  const lock = async (tx: Tx, ctx: Ctx, id: unknown, at: string) => {
    if (id === undefined || id === null) throw invalid('INVALID_FIELD', `${at} is required`);
    if (typeof id !== 'string') throw invalid('INVALID_FIELD', `${at} must be a debit memo id`);
    const m = isUuid(id) ? await store.getDebitMemo(tx, ctx.tenantId, id, { forUpdate: true }) : undefined;
    const missing = () => notFound('DEBIT_MEMO_NOT_FOUND', `${at}: debit memo ${String(id)} does not exist`);
    if (!m) throw missing();
    assertInScope(ctx, m.customerId, 'write', missing);
    return m;
  };
  const ids = (v: unknown) => {
    if (!Array.isArray(v) || v.length === 0) throw invalid('INVALID_FIELD', 'body/debitMemoIds must be a non-empty array');
    v.forEach((id, i) => { if (typeof id !== 'string') throw invalid('INVALID_FIELD', `body/debitMemoIds/${i} must be a debit memo id`); });
    return v as string[];
  };
  const get = async (ctx: Ctx, id: string) => {
    const m = isUuid(id) ? await store.getDebitMemo(ctx.db, ctx.tenantId, id) : undefined;
    const missing = () => notFound('DEBIT_MEMO_NOT_FOUND', `Debit memo ${id} does not exist`);
    if (!m) throw missing();
    assertInScope(ctx, m.customerId, 'read', missing);
    return toDebitMemoView(m);
  };

  return {
    get,
    lock,

    /** Balance and payment status from the credits applied to it. */
    async recompute(tx: Tx, ctx: Ctx, id: string): Promise<void> {
      const row = (await store.getDebitMemo(tx, ctx.tenantId, id))!;
      const amount = new Dec(row.amount);
      const s = settle(amount, [{ kind: 'Credit', amount: await deps.payments.appliedToDebitMemo(tx, ctx, id) }]);
      const status = paymentStatus(row.status, amount, s, 'NotTransferred');
      await store.setDebitMemoBalance(tx, ctx.tenantId, id, s.balance, status);
    },

    /** The debit memos a credit memo was applied to, with the amounts. */
    async creditedBy(ctx: Ctx, creditMemoId: string) {
      // payments knows the amounts per debit memo, billing the memos
      const applied = await deps.payments.creditedByMemo(ctx.db, ctx, creditMemoId, 'debitMemo');
      const memos = await store.debitMemosByIds(ctx.db, ctx.tenantId, applied.map((a) => a.id));
      const amounts = new Map(applied.map((a) => [a.id, a.amount]));
      return memos.map((d) => ({ ...toDebitMemoView(d), appliedAmount: amounts.get(d.id)!.toNumber() }));
    },

    async create(ctx: Ctx, body: unknown, currencyOf: (customerId: string) => Promise<string>) {
      const m = await readMemo(body, currencyOf);
      if (!inScope(ctx, m.customerId)) throw outsideScope(ctx, m.customerId, 'body/debitMemo/customerId');
      const [number] = await deps.numbering.nextNumbers(ctx, 'debitMemo', 1);
      const today = ctx.clock.today(ctx.timeZone).toString();
      const id = await store.insertDebitMemo(ctx.db, ctx.tenantId, { ...m, number: number!, memoDate: today, activatedTime: m.status === 'Active' ? ctx.clock.now() : null });
      return get(ctx, id);
    },
    /** :update changes a Draft memo; an Active one only its description and reason. */
    async update(ctx: Ctx, body: unknown, currencyOf: (customerId: string) => Promise<string>) {
      const b = body as { id?: unknown; debitMemo?: { id?: unknown } } | null;
      const memo = b?.debitMemo;
      const id = memo !== undefined && memo !== null ? (typeof memo === 'object' ? memo.id : undefined) : b?.id;
      const m = await readMemo(body, currencyOf);
      if (!inScope(ctx, m.customerId)) throw outsideScope(ctx, m.customerId, 'body/debitMemo/customerId');
      await inTransaction(ctx.db, async (tx) => {
        const row = await lock(tx, ctx, id, memo !== undefined && memo !== null ? 'body/debitMemo/id' : 'body/id');
        if (row.status === 'Canceled') throw conflict('DEBIT_MEMO_FROZEN', `Debit memo ${row.debitMemoNumber} is Canceled`);
        if (row.status === 'Active') {
          if (!m.amount.equals(row.amount) || !m.taxAmount.equals(row.taxAmount) || m.customerId !== row.customerId) {
            throw conflict('DEBIT_MEMO_FIELD_FROZEN', 'An Active debit memo keeps its customer and amounts');
          }
          await store.setDebitMemoText(tx, ctx.tenantId, row.id, m);
        } else {
          await store.rewriteDebitMemoDraft(tx, ctx.tenantId, row.id, m);
        }
      });
      return get(ctx, String(id));
    },
    async activate(ctx: Ctx, body: { debitMemoIds?: unknown }) {
      const list = ids(body.debitMemoIds);
      const activated: string[] = [];
      await inTransaction(ctx.db, async (tx) => {
        for (const [i, id] of list.entries()) {
          const row = await lock(tx, ctx, id, `body/debitMemoIds/${i}`);
          activated.push(row.id);
          if (row.status !== 'Draft') throw conflict('DEBIT_MEMO_NOT_DRAFT', `Debit memo ${row.debitMemoNumber} is ${row.status}; only Draft memos can be activated`);
          await store.setDebitMemoStatus(tx, ctx.tenantId, row.id, 'Active', { activatedTime: ctx.clock.now() });
        }
      });
      return Promise.all(activated.map((id) => get(ctx, id)));
    },
    async cancel(ctx: Ctx, body: { debitMemoIds?: unknown }) {
      const list = ids(body.debitMemoIds);
      await inTransaction(ctx.db, async (tx) => {
        for (const [i, id] of list.entries()) {
          const row = await lock(tx, ctx, id, `body/debitMemoIds/${i}`);
          if (row.status === 'Canceled') throw conflict('DEBIT_MEMO_CANCELED', `Debit memo ${row.debitMemoNumber} is already canceled`);
          if ((await deps.payments.appliedToDebitMemo(tx, ctx, row.id)).gt(0)) throw conflict('DEBIT_MEMO_CREDITED', `Debit memo ${row.debitMemoNumber} has credits applied; unapply them first`);
          await store.setDebitMemoStatus(tx, ctx.tenantId, row.id, 'Canceled', { canceledDate: ctx.clock.now(), paymentStatus: 'Canceled' });
        }
      });
    },
  };
}

export type DebitMemos = ReturnType<typeof createDebitMemos>;
