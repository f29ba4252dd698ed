import type { CatalogService } from '../catalog/service.js';
import { randomUUID } from 'node:crypto';
import { principalId, type Ctx } from '../context.js';
import { conflict } from '../core/errors.js';
import { daysBetween, minDate, parseDate, type PlainDate } from '../core/dates.js';
import { Dec } from '../core/money.js';
import { readActivation, applyOverrides } from './invoices/activation.js';
import { asDate } from './periods.js';
import { inTransaction, type Tx } from '../db/transaction.js';
import type { AssetsService } from '../assets/service.js';
import type { NumberingService } from '../numbering/service.js';
import { billableOf, billingDefaults, inTrialOn, toCharge, type BillableLine, type ChargeableVersion } from './charges.js';
import { assembleInvoice, buildInvoice, firstPeriodItems, type Charge, type InvoiceDraft } from './invoices/builder.js';
import { contractValue, monthsFrom, versionTotal, type ContractValue } from './contract-value.js';
import { changeItems } from './invoices/change-invoice.js';
import { createInvoiceOperations } from './invoices/operations.js';
import { renderInvoicePdf } from './invoices/pdf.js';
import { createBillingRuns, type DayBoundaryWork, type RunQueue } from './runs/billing-run.js';
import { createBilledDocuments, type BilledResult, type TaxStatusOf } from './invoices/billed-documents.js';
import { createCreditMemos, type CreditMemos } from './memos/credit-memos.js';
import { createDebitMemos } from './memos/debit-memos.js';
import { createCredits } from './memos/credits.js';
import { createSchedules } from './runs/schedules.js';
import type { CustomersService } from '../customers/service.js';
import type { PaymentsService } from '../payments/service.js';
import type { IdsMatching } from '../filters/model.js';
import * as store from './store.js';
import { itemRows } from './invoices/rows.js';
import { toInvoiceView, toItemView, type InvoiceShown } from './invoices/views.js';
import type { Invoice } from './model.js';

// Billing use cases: the first invoice of an order (inside the order's transaction), previews
// (the same builder, nothing stored), reading and activating invoices. Payments, memos and billing
// runs build on these.

export interface InvoiceReservation { invoiceNumber: string; itemNumbers: string[] }
export type InvoiceWithItems = { invoice: ReturnType<typeof toInvoiceView>; items: ReturnType<typeof toItemView>[] };

const defaults = (ctx: Ctx) => billingDefaults(ctx.tenant.settings);
const today = (ctx: Ctx) => ctx.clock.today(ctx.timeZone);
const charges = (ctx: Ctx, lines: readonly BillableLine[]) => lines.map((l) => toCharge(l, defaults(ctx))).filter((c): c is Charge => c !== null);
/** The first invoice of new lines: what is not still in a free trial. */
const firstInvoiceCharges = (ctx: Ctx, lines: readonly BillableLine[]) => charges(ctx, lines.filter((l) => !inTrialOn(l, today(ctx).toString())));

/** A draft that was never stored, as the API shows previews (seed: Draft, NotCalculated). */
function previewView(ctx: Ctx, draft: InvoiceDraft, customerId: string | null): InvoiceWithItems {
  const invoiceId = randomUUID();
  const invoice: InvoiceShown = {
    id: invoiceId, invoiceNumber: null, recordType: 'Invoice', source: 'Billing', status: 'Draft', customerId, billToContactId: null,
    orderId: null, currency: draft.currency, invoiceDate: draft.invoiceDate, dueDate: draft.dueDate, startDate: draft.startDate,
    endDate: draft.endDate, targetDate: draft.targetDate, amountWithoutTax: draft.amountWithoutTax.toString(), taxAmount: draft.taxAmount.toString(),
    amount: draft.amount.toString(), balance: draft.amount.toString(), paymentStatus: 'NotTransferred', taxStatus: 'NotCalculated', accountingStatus: 'NotStarted',
    poNumber: null, description: null, paymentDetails: null, activatedTime: null, activatedById: null, canceledDate: null, customFields: {}, createdAt: null, updatedAt: null,
  };
  const { items, details } = itemRows({ invoiceId }, draft, draft.items.map(() => null), new Map(), customerId ?? '');
  return { invoice: toInvoiceView(invoice), items: items.map((it) => toItemView(it, null, details)) };
}

export type BillingService = ReturnType<typeof createBillingService>;

/**
 * Called in the transaction that makes an invoice Active by a billing run or `:activate` (collection plans its charge: src/workflows/invoice-collection.ts).
 * `paymentMethodToken`: the customer's default method as the caller read it in this transaction (absent: read again).
 */
export type OnInvoiceActivated = (tx: Tx, ctx: Ctx, invoice: ActivatedInvoice) => Promise<void>;
export interface ActivatedInvoice { id: string; customerId: string; currency: string; invoiceDate: string; paymentMethodToken?: string | null }

export function createBillingService(deps: { assets: AssetsService; numbering: NumberingService; payments: PaymentsService; customers: CustomersService; idsMatching: IdsMatching; runConcurrency?: number; runStaleSeconds?: number; runQueue?: RunQueue; dayBoundary: DayBoundaryWork; catalog: Pick<CatalogService, 'creditConversions'>; onInvoiceActivated?: OnInvoiceActivated;
  onCreditLeft?: (tx: Tx, ctx: Ctx, creditMemoId: string) => Promise<void> }) {
  const activated: OnInvoiceActivated = (tx, ctx, inv) => deps.onInvoiceActivated?.(tx, ctx, inv) ?? Promise.resolve();
  // refunds issue credit memos, and credit memos recompute invoices: each reaches the other at call time
  let creditMemos: CreditMemos | undefined;
  const operations = createInvoiceOperations({
    payments: deps.payments, numbering: deps.numbering, issueCredit: (tx, ctx, i) => creditMemos!.creditForRefund(tx, ctx, i),
    cancelCorrections: (tx, ctx, memos) => creditMemos!.cancelCorrectionsInTx(tx, ctx, memos),
  });
  const debitMemos = createDebitMemos({ numbering: deps.numbering, payments: deps.payments });
  creditMemos = createCreditMemos({ numbering: deps.numbering, payments: deps.payments, invoices: operations, debitMemos });
  const memos = creditMemos;
  const credits = createCredits({ numbering: deps.numbering, creditMemos: memos, customers: deps.customers, catalog: deps.catalog });
  // orders tell the tax status of the lines an invoice bills (runtime.ts wires it: billing cannot import orders)
  let taxStatusOf: TaxStatusOf | undefined;
  const documents = createBilledDocuments({
    numbering: deps.numbering, creditMemos: memos, taxStatusOf: (q, ctx, ids) => taxStatusOf?.(q, ctx, ids) ?? Promise.resolve(undefined),
    ...(deps.onCreditLeft && { onCreditLeft: deps.onCreditLeft }),
  });
  const runs = createBillingRuns({ assets: deps.assets, customers: deps.customers, numbering: deps.numbering, documents, idsMatching: deps.idsMatching, concurrency: deps.runConcurrency ?? 1, dayBoundary: deps.dayBoundary, onInvoiceActivated: activated, staleSeconds: deps.runStaleSeconds, queue: deps.runQueue });
  async function withItems(ctx: Ctx, q: Tx | Ctx['db'], invoices: readonly Invoice[]): Promise<InvoiceWithItems[]> {
    const ids = invoices.map((i) => i.id);
    const [items, details] = await Promise.all([store.itemsOf(q, ctx.tenantId, ids), store.detailsOf(q, ctx.tenantId, ids)]);
    return invoices.map((inv) => ({
      invoice: toInvoiceView(inv),
      items: items.filter((it) => it.invoiceId === inv.id).map((it) => toItemView(it, inv.invoiceNumber, details)),
    }));
  }

  return {
    operations,
    runs,
    creditMemos: memos,
    schedules: createSchedules(runs, deps.idsMatching),
    /** Where invoices written by runs and change orders read the tax status of the order lines they bill. */
    setTaxStatusProvider(p: TaxStatusOf) { taxStatusOf = p; },
    debitMemos,
    credits,

    /** Credits for what the order bought that converts to credits (inside the order's transaction). */
    /** Numbers for an order's first invoice, reserved before its transaction (unused ones are gaps). */
    async reserveForOrder(ctx: Ctx, lineCount: number): Promise<InvoiceReservation> {
      const [invoiceNumber] = await deps.numbering.nextNumbers(ctx, 'invoice', 1);
      return { invoiceNumber: invoiceNumber!, itemNumbers: await deps.numbering.nextNumbers(ctx, 'invoiceItem', Math.max(1, lineCount)) };
    },

    /**
     * An order's activation, inside its transaction, for the assets it provisioned there: credits for
     * the products that convert, and with `invoice` the order-flow invoice — the first billing period
     * of each line, as of its start (DESIGN "Orders"), Draft or Active. The assets are new in this
     * transaction (`versions`: what provisioning wrote), so none of their periods is billed and nobody
     * else can lock them: no reads for that.
     */
    async activateOrderInTx(tx: Tx, ctx: Ctx, o: { orderId: string; customerId: string; versions: readonly ChargeableVersion[]; invoice: { billToContactId: string | null; paymentTerm: string | null; activate: boolean; reservation: InvoiceReservation; taxStatus?: string } | null }): Promise<string | null> {
      const lines = o.versions.map((v) => billableOf(v));
      await credits.grantForOrder(tx, ctx, o.customerId, lines);
      if (!o.invoice) return null;
      const cs = firstInvoiceCharges(ctx, lines);
      const items = firstPeriodItems(cs, [], today(ctx));
      if (items.length === 0) return null;
      const { reservation } = o.invoice;
      if (items.length > reservation.itemNumbers.length) throw conflict('NUMBERS_EXHAUSTED', 'More invoice items than reserved numbers; retry');
      const target = items.map((i) => parseDate(i.startDate, 'start')).reduce((a, b) => minDate(a, b));
      const draft = assembleInvoice(items, cs[0]!.currency, { today: today(ctx), targetDate: target, paymentTerm: o.invoice.paymentTerm ?? ctx.tenant.settings.paymentTerm, datedToday: true });
      const written = await documents.write(tx, ctx, {
        draft, customerId: o.customerId, orderId: o.orderId, billToContactId: o.invoice.billToContactId, activate: o.invoice.activate,
        invoiceNumber: reservation.invoiceNumber, itemNumbers: reservation.itemNumbers, revisions: new Map(), taxStatus: o.invoice.taxStatus,
      });
      return written.kind === 'Invoice' ? written.id : null;
    },

    /**
     * A change order's invoice (DESIGN §4 Change orders, billing/invoices/change-invoice.ts): per
     * changed asset, the corrections of the periods already billed that its new versions change;
     * nothing for periods not billed yet (runs bill them). Dated today. `after` may be planned
     * versions not stored yet.
     */
    async changeDraft(q: Tx | Ctx['db'], ctx: Ctx, i: { before: readonly BillableLine[]; after: readonly BillableLine[]; changes: ReadonlyMap<string, string>; paymentTerm: string | null }): Promise<InvoiceDraft | null> {
      const after = charges(ctx, i.after).filter((c) => i.changes.has(c.assetNumber));
      if (after.length === 0) return null;
      const before = new Map(charges(ctx, i.before).map((c) => [c.assetNumber, c]));
      const billed = await store.billedItems(q, ctx.tenantId, after.map((c) => c.assetNumber));
      const t = today(ctx);
      const items = after.flatMap((c) => changeItems(before.get(c.assetNumber) ?? null, c, billed, t));
      if (items.length === 0) return null;
      const target = parseDate([...i.changes.values()].sort()[0]!, 'target');
      return assembleInvoice(items, after[0]!.currency, { today: t, targetDate: target, paymentTerm: i.paymentTerm ?? ctx.tenant.settings.paymentTerm, datedToday: true });
    },

    /** The change order's invoice or credit memo, inside its transaction (its versions are written). */
    async invoiceChangeInTx(tx: Tx, ctx: Ctx, o: { orderId: string; customerId: string; billToContactId: string | null; paymentTerm: string | null; activate: boolean; before: readonly BillableLine[]; after: readonly BillableLine[]; changes: ReadonlyMap<string, string>; reservation: InvoiceReservation }): Promise<BilledResult | null> {
      const numbers = [...o.changes.keys()];
      await deps.assets.lockForBilling(tx, ctx, numbers);
      const draft = await this.changeDraft(tx, ctx, { before: o.before, after: o.after, changes: o.changes, paymentTerm: o.paymentTerm });
      if (!draft) return null;
      // each item names the version it bills: the planned versions carry the ids they are written with (no read)
      return documents.write(tx, ctx, {
        draft, customerId: o.customerId, orderId: o.orderId, billToContactId: o.billToContactId, activate: o.activate,
        invoiceNumber: o.reservation.invoiceNumber, itemNumbers: o.reservation.itemNumbers, revisions: await store.nextRevisions(tx, ctx.tenantId, numbers),
      });
    },

    /** A draft as the API shows previews (nothing stored). */
    previewOf(ctx: Ctx, draft: InvoiceDraft, customerId: string | null): InvoiceWithItems {
      return previewView(ctx, draft, customerId);
    },

    /** What contracts are worth over their whole life, and each version's own total (pure; change orders price deltas with it). */
    values(ctx: Ctx, lines: readonly BillableLine[]): Map<string, ContractValue & { versionTotal: Dec; monthly: Dec; monthsFrom: (d: string) => Dec }> {
      const out = new Map<string, ContractValue & { versionTotal: Dec; monthly: Dec; monthsFrom: (d: string) => Dec }>();
      for (const l of lines) {
        const c = toCharge(l, defaults(ctx));
        if (!c) { out.set(l.assetNumber, { amount: new Dec(0), tax: new Dec(0), versionTotal: new Dec(0), monthly: new Dec(0), monthsFrom: () => new Dec(0) }); continue; }
        const own = toCharge({ ...l, versions: undefined }, defaults(ctx))!;
        out.set(l.assetNumber, { ...contractValue(c), versionTotal: versionTotal(own), monthly: c.kind === 'Recurring' ? own.monthly : new Dec(0), monthsFrom: (d) => monthsFrom(own, parseDate(d, 'date')) });
      }
      return out;
    },

    /** Previews, nothing stored: a cart's first invoice, or the first invoice as of a target date. */
    previewLines(ctx: Ctx, i: { lines: BillableLine[]; customerId: string | null; paymentTerm: string | null; targetDate?: PlainDate; firstInvoiceOnly?: boolean }): InvoiceWithItems[] {
      const target = i.firstInvoiceOnly ? undefined : i.targetDate;
      const cs = target ? charges(ctx, i.lines) : firstInvoiceCharges(ctx, i.lines);
      if (cs.length === 0) return [];
      const t = today(ctx);
      const paymentTerm = i.paymentTerm ?? ctx.tenant.settings.paymentTerm;
      if (!target) {
        const items = firstPeriodItems(cs, [], t);
        if (items.length === 0) return [];
        const target = i.targetDate ?? items.map((x) => parseDate(x.startDate, 'start')).reduce((a, b) => minDate(a, b));
        return [previewView(ctx, assembleInvoice(items, cs[0]!.currency, { today: t, targetDate: target, paymentTerm, datedToday: true }), i.customerId)];
      }
      const draft = buildInvoice(cs, [], { today: t, targetDate: target, paymentTerm });
      return draft ? [previewView(ctx, draft, i.customerId)] : [];
    },

    /** What each customer's Active invoices still owe, as decimal strings (customers' `invoiceBalance`). */
    openBalances: (ctx: Ctx, customerIds: readonly string[]) => store.openBalances(ctx.db, ctx.tenantId, customerIds),

    /** The currency of a customer a memo is written for (so: refused with 403 outside the caller's scope). */
    async customerCurrency(ctx: Ctx, customerId: string): Promise<string> {
      const c = await deps.customers.getStoredCustomer(ctx.db, ctx, customerId, 'write');
      return c.currencyIsoCode ?? ctx.tenant.currency;
    },

    /** The invoice as a PDF; Draft and Canceled invoices have none (409). */
    async pdf(ctx: Ctx, id: string): Promise<{ fileName: string; bytes: Buffer }> {
      const inv = await this.getInvoice(ctx, id);
      if (inv.invoice.status !== 'Active') throw conflict('INVOICE_NOT_ACTIVE', `Invoice ${inv.invoice.name} is ${inv.invoice.status}; only Active invoices have a PDF`);
      const c = await deps.customers.getStoredCustomer(ctx.db, ctx, inv.invoice.customerId!);
      const s = (k: keyof typeof c) => (c[k] === null || c[k] === undefined ? null : String(c[k]));
      const bytes = await renderInvoicePdf(inv, {
        seller: { name: ctx.tenant.name },
        customer: { name: String(c.name), street: s('billingStreet'), city: s('billingCity'), state: s('billingState'), postalCode: s('billingPostalCode'), country: s('billingCountry') },
      });
      return { fileName: `${inv.invoice.name}.pdf`, bytes };
    },

    creditMemosOfOrder: (ctx: Ctx, orderId: string) => memos.memosOfOrder(ctx, orderId),

    async invoicesOfOrder(ctx: Ctx, orderId: string): Promise<InvoiceWithItems[]> {
      return withItems(ctx, ctx.db, await store.invoicesOfOrder(ctx.db, ctx.tenantId, orderId));
    },

    /** An invoice with its items; outside the caller's scope a 404 (read) or a 403 (`access` write: about to change it). */
    async getInvoice(ctx: Ctx, id: string, access: 'read' | 'write' = 'read'): Promise<InvoiceWithItems> {
      const inv = await operations.findInvoice(ctx.db, ctx, id, access);
      return (await withItems(ctx, ctx.db, [inv]))[0]!;
    },

    /** Draft → Active, with finance's corrections (billing/invoices/activation.ts): invoice dates, item amounts, credits on or off. */
    async activateInvoices(ctx: Ctx, body: unknown): Promise<InvoiceWithItems[]> {
      const req = readActivation(body);
      const rows = await inTransaction(ctx.db, async (tx) => {
        const out: Invoice[] = [];
        for (const [k, id] of req.ids.entries()) {
          const inv = await operations.findInvoice(tx, ctx, id, 'write', { at: `body/invoiceIds/${k}`, forUpdate: true });
          if (inv.status !== 'Draft') throw conflict('INVOICE_NOT_DRAFT', `Invoice ${inv.invoiceNumber} is ${inv.status}; only a Draft invoice can be activated`);
          const o = req.overrides.get(id);
          const items = await store.itemsOf(tx, ctx.tenantId, [id]);
          const fixed = applyOverrides(items.map((i) => ({ id: i.id, amount: new Dec(i.amountWithoutTax), taxAmount: new Dec(i.taxAmount) })), o, inv.currency, `body/data for invoice ${id}`);
          for (const i of fixed.items.filter((x) => o?.items.has(x.id))) await store.setItemAmounts(tx, ctx.tenantId, i.id, i.amount, i.taxAmount);
          const invoiceDate = o?.invoiceDate ?? req.invoiceDate;
          const dates = invoiceDate ? { invoiceDate, dueDate: asDate(invoiceDate).add({ days: daysBetween(asDate(inv.invoiceDate), asDate(inv.dueDate)) }).toString() } : {};
          const amount = fixed.amountWithoutTax.plus(fixed.taxAmount).toString();
          await store.updateInvoice(tx, ctx.tenantId, inv.id, {
            status: 'Active', activatedTime: ctx.clock.now(), activatedById: principalId(ctx), ...dates,
            amountWithoutTax: fixed.amountWithoutTax.toString(), taxAmount: fixed.taxAmount.toString(), amount, balance: amount,
          });
          if (req.applyCredits) await memos.autoApply(tx, ctx, inv.id);
          const now = (await store.getInvoice(tx, ctx.tenantId, inv.id))!;
          await activated(tx, ctx, { id: now.id, customerId: now.customerId, currency: now.currency, invoiceDate: now.invoiceDate });
          out.push(now);
        }
        return out;
      });
      return withItems(ctx, ctx.db, rows);
    },
  };
}
