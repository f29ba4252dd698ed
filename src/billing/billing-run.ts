import { randomUUID } from 'node:crypto';

import { principalId, type Ctx } from '../context.js';
import { conflict, DomainError, invalid, notFound } from '../core/errors.js';
import { parseDate, type PlainDate } from '../core/dates.js';
import { inTransaction, type Tx } from '../db/transaction.js';
import { isUuid } from '../metadata/validate.js';
import type { AssetsService } from '../assets/service.js';
import type { CustomersService } from '../customers/service.js';
import type { NumberingService } from '../numbering/service.js';
import { billingDefaults, toCharge } from './charges.js';
import { dueItems, assembleInvoice, type Charge, type InvoiceItemDraft } from './invoice-builder.js';
import * as store from './store.js';
import { itemRows } from './invoice-rows.js';

// Billing runs (DESIGN "Billing"): for every customer, what is due by the target date minus what
// was billed becomes one invoice per currency. A run is restartable: a rerun, or a run after a
// crash, finds the periods already billed and bills nothing twice (the billed-ledger key enforces
// it even when two runs race).

export interface BillingJob { id: string; scheduleId: string | null; status: string; targetDate: string; autoActivate: boolean; invoiceIds: string[]; creditMemoIds: string[]; errors: { customerId: string; errorCode: string; message: string }[] }

const toJob = (r: store.Row): BillingJob => ({
  id: r.id, scheduleId: (r.schedule_id as string | null) ?? null, status: String(r.status), targetDate: String(r.target_date), autoActivate: Boolean(r.auto_activate),
  invoiceIds: r.invoice_ids as string[], creditMemoIds: r.credit_memo_ids as string[], errors: r.errors as BillingJob['errors'],
});

export function createBillingRuns(deps: { assets: AssetsService; customers: CustomersService; numbering: NumberingService; afterActivate: (tx: Tx, ctx: Ctx, invoiceId: string) => Promise<void> }) {
  const defaults = (ctx: Ctx) => billingDefaults(ctx.tenant.settings);

  /** Bills one customer to the target date; returns the invoices written. */
  async function billCustomer(ctx: Ctx, customerId: string, target: PlainDate, autoActivate: boolean): Promise<string[]> {
    const customer = await deps.customers.findCustomerRow(ctx.db, ctx, customerId);
    // auto-renew subscriptions that reached their end date renew before anything is billed
    await deps.assets.renewDue(ctx, customerId, target.toString());
    const today = ctx.clock.today(ctx.timeZone);
    const plan = async (q: Tx | Ctx['db']) => {
      const charges = (await deps.assets.billableLines(q, ctx, { customerId })).map((l) => toCharge(l, defaults(ctx))).filter((c): c is Charge => c !== null);
      const numbers = [...new Set(charges.map((c) => c.assetNumber))];
      const billed = await store.billedPeriods(q, ctx.tenantId, numbers);
      const byCurrency = new Map<string, InvoiceItemDraft[]>();
      for (const c of charges) {
        for (const item of dueItems([c], billed, { today, targetDate: target, paymentTerm: null })) {
          byCurrency.set(c.currency, [...(byCurrency.get(c.currency) ?? []), item]);
        }
      }
      return { numbers, byCurrency };
    };
    const first = await plan(ctx.db);
    const itemCount = [...first.byCurrency.values()].reduce((n, items) => n + items.length, 0);
    if (itemCount === 0) return [];
    const invoiceNumbers = await deps.numbering.nextNumbers(ctx, 'invoice', first.byCurrency.size);
    const itemNumbers = await deps.numbering.nextNumbers(ctx, 'invoiceItem', itemCount);
    return inTransaction(ctx.db, async (tx) => {
      await deps.assets.lockForBilling(tx, ctx, first.numbers);
      const again = await plan(tx);
      const ids: string[] = [];
      let nextItem = 0;
      const revisions = await store.nextRevisions(tx, ctx.tenantId, again.numbers);
      for (const [k, [currency, items]] of [...again.byCurrency.entries()].entries()) {
        if (nextItem + items.length > itemNumbers.length || k >= invoiceNumbers.length) throw conflict('BILLING_CHANGED', 'What is due changed while the run was planning; run it again');
        const paymentTerm = (customer.payment_term as string | null) ?? ctx.tenant.settings.paymentTerm;
        const draft = assembleInvoice(items, currency, { today, targetDate: target, paymentTerm });
        const invoiceId = randomUUID();
        const status = autoActivate ? 'Active' : 'Draft';
        await store.insertInvoice(tx, {
          tenant_id: ctx.tenantId, id: invoiceId, invoice_number: invoiceNumbers[k], status, customer_id: customerId, currency_iso_code: currency,
          invoice_date: draft.invoiceDate, due_date: draft.dueDate, start_date: draft.startDate, end_date: draft.endDate, target_date: draft.targetDate,
          amount_without_tax: draft.amountWithoutTax.toString(), tax_amount: draft.taxAmount.toString(), amount: draft.amount.toString(),
          balance: draft.amount.toString(), ...(autoActivate && { activated_time: ctx.clock.now(), activated_by_id: principalId(ctx) }),
        });
        const rows = itemRows(ctx, invoiceId, draft, itemNumbers.slice(nextItem, nextItem + items.length), revisions, customerId, status);
        nextItem += items.length;
        await store.insertItems(tx, rows.items);
        await store.insertDetails(tx, rows.details);
        if (autoActivate) await deps.afterActivate(tx, ctx, invoiceId);
        ids.push(invoiceId);
      }
      return ids;
    });
  }

  return {
    billCustomer,

    /** A run over the tenant's customers (or the ones named), recorded as a job. */
    async run(ctx: Ctx, i: { targetDate: string; autoActivate: boolean; customerIds?: string[] | undefined; scheduleId?: string }): Promise<BillingJob> {
      const target = parseDate(i.targetDate, 'body/targetDate');
      i.customerIds?.forEach((c, k) => { if (!isUuid(c)) throw invalid('INVALID_FIELD', `body/customerIds/${k} must be an id`); });
      const jobId = randomUUID();
      await store.insertJob(ctx.db, { tenant_id: ctx.tenantId, id: jobId, status: 'Running', target_date: i.targetDate, auto_activate: i.autoActivate, schedule_id: i.scheduleId ?? null });
      const customers = i.customerIds ?? await deps.assets.customersWithAssets(ctx);
      const invoiceIds: string[] = [];
      const errors: BillingJob['errors'] = [];
      for (const customerId of customers) {
        try {
          invoiceIds.push(...await billCustomer(ctx, customerId.toLowerCase(), target, i.autoActivate));
        } catch (e) {
          if (!(e instanceof DomainError)) throw e;
          errors.push({ customerId, errorCode: e.code, message: e.message });
        }
      }
      await store.finishJob(ctx.db, ctx.tenantId, jobId, { status: 'Completed', invoice_ids: JSON.stringify(invoiceIds), errors: JSON.stringify(errors), finished_at: ctx.clock.now() });
      return toJob((await store.getJob(ctx.db, ctx.tenantId, jobId))!);
    },

    async job(ctx: Ctx, id: string): Promise<BillingJob> {
      const row = isUuid(id) ? await store.getJob(ctx.db, ctx.tenantId, id.toLowerCase()) : undefined;
      if (!row) throw notFound('JOB_NOT_FOUND', `Billing job ${id} does not exist`);
      return toJob(row);
    },
  };
}

export type BillingRuns = ReturnType<typeof createBillingRuns>;

