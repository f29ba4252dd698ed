import { randomUUID } from 'node:crypto';
import { principalId, type Ctx } from '../../context.js';
import { conflict } from '../../core/errors.js';
import { Dec } from '../../core/money.js';
import type { Tx } from '../../db/transaction.js';
import type { NumberingService } from '../../numbering/service.js';
import type { CreditMemos } from '../memos/credit-memos.js';
import type { InvoiceDraft } from './builder.js';
import { itemRows } from './rows.js';
import * as store from '../store.js';

// Writes what billing drafted (DESIGN "Billing", "Change orders"): a total ≥ 0 is one invoice
// (negative items allowed); a total < 0 is one credit memo (source Billing) whose items keep their
// negative amounts in the billed ledger. Active documents settle at once: an invoice takes the
// customer's open credit, a credit memo pays the customer's open invoices.

export interface BilledWrite {
  draft: InvoiceDraft;
  customerId: string;
  orderId: string | null;
  billToContactId: string | null;
  activate: boolean;
  /** Numbers reserved before the transaction for an invoice; a credit memo takes its own inside it. */
  invoiceNumber: string | null;
  itemNumbers: readonly string[];
  /** Next revision per billed-ledger key (updated as items are written). */
  revisions: Map<string, number>;
  /** The invoice's taxStatus; absent: the combined status of the order lines its items bill (`taxStatusOf`). */
  taxStatus?: string | undefined;
}

/** The combined taxStatus of order lines (orders provide it; DESIGN "Tax"), undefined when it knows none. */
export type TaxStatusOf = (q: Tx, ctx: Ctx, orderProductIds: readonly string[]) => Promise<string | undefined>;

export interface BilledResult { kind: 'Invoice' | 'CreditMemo'; id: string }

export function createBilledDocuments(deps: { numbering: NumberingService; creditMemos: CreditMemos; taxStatusOf?: TaxStatusOf;
  /** An Active memo billing wrote still holds credit after paying the open invoices, and the tenant refunds corrections (`refundCorrections: Refund`). */
  onCreditLeft?: (tx: Tx, ctx: Ctx, creditMemoId: string) => Promise<void> }) {
  async function writeInvoice(tx: Tx, ctx: Ctx, w: BilledWrite): Promise<BilledResult> {
    const { draft } = w;
    if (!w.invoiceNumber || w.itemNumbers.length < draft.items.length) throw conflict('BILLING_CHANGED', 'What is due changed while billing was planning; run it again');
    const id = randomUUID();
    const status = w.activate ? 'Active' : 'Draft';
    const taxStatus = w.taxStatus ?? await deps.taxStatusOf?.(tx, ctx, [...new Set(draft.items.map((i) => i.orderProductId))]);
    await store.insertInvoice(tx, ctx.tenantId, {
      id, invoiceNumber: w.invoiceNumber, status, customerId: w.customerId, billToContactId: w.billToContactId,
      orderId: w.orderId, currency: draft.currency, invoiceDate: draft.invoiceDate, dueDate: draft.dueDate, startDate: draft.startDate,
      endDate: draft.endDate, targetDate: draft.targetDate, amountWithoutTax: draft.amountWithoutTax.toString(), taxAmount: draft.taxAmount.toString(),
      amount: draft.amount.toString(), balance: draft.amount.toString(), ...(w.activate && { activatedTime: ctx.clock.now(), activatedById: principalId(ctx) }),
      ...(taxStatus && { taxStatus }),
    });
    const rows = itemRows({ invoiceId: id }, draft, w.itemNumbers, w.revisions, w.customerId, status);
    await store.insertItems(tx, ctx.tenantId, rows.items);
    await store.insertDetails(tx, ctx.tenantId, rows.details);
    if (w.activate) await deps.creditMemos.autoApply(tx, ctx, id, { customerId: w.customerId, currency: draft.currency });
    return { kind: 'Invoice', id };
  }

  async function writeCreditMemo(tx: Tx, ctx: Ctx, w: BilledWrite): Promise<BilledResult> {
    const { draft } = w;
    const [number] = await deps.numbering.nextNumbersInTx(tx, ctx, 'creditMemo', 1);
    const itemNumbers = await deps.numbering.nextNumbersInTx(tx, ctx, 'creditMemoItem', draft.items.length);
    const status = w.activate ? 'Active' : 'Draft';
    const id = await deps.creditMemos.createInTx(tx, ctx, {
      number: number!, customerId: w.customerId, currency: draft.currency, amount: draft.amount.negated(), taxAmount: draft.taxAmount.negated(),
      source: 'Billing', status, reason: null, sourceInvoiceId: null, memoDate: draft.invoiceDate, startDate: draft.startDate, endDate: draft.endDate,
      dueDate: draft.dueDate, targetDate: draft.targetDate, orderId: w.orderId,
    });
    const rows = itemRows({ creditMemoId: id }, draft, itemNumbers, w.revisions, w.customerId, status);
    await store.insertItems(tx, ctx.tenantId, rows.items);
    await store.insertDetails(tx, ctx.tenantId, rows.details);
    if (w.activate) await deps.creditMemos.applyToOpenInvoices(tx, ctx, id);
    if (w.activate && deps.onCreditLeft && ctx.tenant.settings.refundCorrections === 'Refund'
      && new Dec((await store.getCreditMemo(tx, ctx.tenantId, id))!.balance).gt(0)) await deps.onCreditLeft(tx, ctx, id);
    return { kind: 'CreditMemo', id };
  }

  return {
    /** One invoice or one credit memo for a drafted set of items, inside the caller's transaction. */
    write: (tx: Tx, ctx: Ctx, w: BilledWrite): Promise<BilledResult> => (w.draft.amount.lt(0) ? writeCreditMemo(tx, ctx, w) : writeInvoice(tx, ctx, w)),
  };
}

export type BilledDocuments = ReturnType<typeof createBilledDocuments>;
