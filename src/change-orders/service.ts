import { createHash, randomUUID } from 'node:crypto';
import type { Ctx } from '../context.js';
import { conflict, invalid, notFound } from '../core/errors.js';
import { parseDate } from '../core/dates.js';
import { Dec, roundMoney } from '../core/money.js';
import { inTransaction, type Tx } from '../db/transaction.js';
import { isUuid } from '../core/ids.js';
import type { AssetsService } from '../assets/service.js';
import type { VersionRow } from '../assets/model.js';
import type { BillableLine, BillableVersion } from '../billing/charges.js';
import type { InvoiceDraft } from '../billing/invoice-builder.js';
import type { BillingService } from '../billing/service.js';
import type { CustomersService } from '../customers/service.js';
import type { NumberingService } from '../numbering/service.js';
import type { Checkout } from '../orders/checkout.js';
import { readOptions } from '../orders/request.js';
import type { OrdersService } from '../orders/service.js';
import { planAssetChanges } from './apply-changes.js';
import { assetRows, stateOf, type AssetRows, type StepFigures, type VersionFigures } from './change-lines.js';
import { readChangeRequest } from './change-request.js';
import type { AssetChange, AssetPlan, AssetState, ChangeRequest } from './model.js';

// Change orders (DESIGN "Change orders"): plan every asset's changes against its latest version,
// price the deltas with billing's contract value, and either answer a preview (nothing stored),
// keep a Draft (activated later, planned again), or write it all in one transaction — order,
// lines, new versions, invoice or credit memo — then charge like a new order. Two change orders
// racing on one asset: the head row lock and the planned version ids let exactly one win.

interface Planned {
  orderId: string;
  customerId: string;
  currency: string;
  latest: VersionRow[];
  plans: AssetPlan[];
  rows: AssetRows[];
  lines: Record<string, unknown>[];
  totals: Record<string, string>;
  changes: Map<string, string>;
  before: BillableLine[];
  after: BillableLine[];
  draft: InvoiceDraft | null;
  hash: string;
}

export type ChangeOrdersService = ReturnType<typeof createChangeOrdersService>;

export function createChangeOrdersService(deps: {
  orders: OrdersService; assets: AssetsService; billing: BillingService; customers: CustomersService; numbering: NumberingService; checkout: Checkout;
}) {
  const today = (ctx: Ctx) => ctx.clock.today(ctx.timeZone).toString();

  /** A state as billing sees a version of the asset. */
  const versionOf = (line: BillableLine, from: string, s: AssetState, taxAmount: Dec, id: string): BillableVersion => ({
    assetId: id, orderProductId: id, effectiveFrom: from, startDate: s.startDate, endDate: s.endDate, freeTrialEndDate: s.freeTrialEndDate,
    term: s.term, termDimension: line.termDimension, quantity: s.quantity.toString(), includedQuantity: line.includedQuantity,
    netSalesPrice: s.netSalesPrice.toString(), monthlyPrice: s.monthlyPrice.toString(), taxAmount: taxAmount.toString(),
  });
  const ownLine = (line: BillableLine, s: AssetState, total: Dec, tax: Dec): BillableLine => {
    const { versions: _v, ...rest } = line;
    return {
      ...rest, startDate: s.startDate, endDate: s.endDate, freeTrialEndDate: s.freeTrialEndDate, term: s.term, quantity: s.quantity.toString(),
      netSalesPrice: s.netSalesPrice.toString(), monthlyPrice: s.monthlyPrice.toString(), totalPrice: total.toString(), taxAmount: tax.toString(),
    };
  };

  async function plan(ctx: Ctx, req: ChangeRequest, orderId: string, q: Tx | Ctx['db'] = ctx.db): Promise<Planned> {
    const byAsset = new Map<string, AssetChange[]>();
    for (const c of req.assetChanges) byAsset.set(c.assetNumber, [...(byAsset.get(c.assetNumber) ?? []), c]);
    const numbers = [...byAsset.keys()];
    const latest = await deps.assets.latestOf(q, ctx, numbers);
    for (const n of numbers) {
      if (!latest.some((v) => v.asset_number === n)) throw invalid('UNKNOWN_ASSET', `${byAsset.get(n)![0]!.at}/assetNumber: there is no subscription, asset or entitlement ${n}`);
    }
    const customerId = latest[0]!.customer_id;
    const other = latest.find((v) => v.customer_id !== customerId || v.currency_iso_code !== latest[0]!.currency_iso_code);
    if (other) throw invalid('MIXED_CUSTOMERS', `${byAsset.get(other.asset_number)![0]!.at}: one change order changes the assets of one customer in one currency; ${other.asset_number} is another's`);
    const currency = latest[0]!.currency_iso_code;
    const stored = new Map((await deps.assets.billableLines(q, ctx, { assetNumbers: numbers })).map((l) => [l.assetNumber, l]));
    const nextVersions = await deps.assets.nextVersions(q, ctx, numbers);
    const value = (lines: BillableLine[]) => deps.billing.values(ctx, lines);

    const plans: AssetPlan[] = [];
    const rows: AssetRows[] = [];
    const planned: BillableLine[] = [];
    const changes = new Map<string, string>();
    let sort = 1;
    for (const n of numbers) {
      const row = latest.find((v) => v.asset_number === n)!;
      const line = stored.get(n)!;
      const p = planAssetChanges({ assetNumber: n, latest: stateOf(row), latestEffectiveFrom: row.effective_from, priceModel: row.price_model, today: today(ctx), changes: byAsset.get(n)! });
      plans.push(p);
      changes.set(n, p.effectiveFrom);
      const rate = new Dec(row.total_price).isZero() ? new Dec(0) : new Dec(row.tax_amount).dividedBy(row.total_price);
      // a state's own figures are asked for by every step that writes it, and again for the rows: once each
      const known = new WeakMap<AssetState, VersionFigures>();
      const figures = (s: AssetState): VersionFigures => {
        const hit = known.get(s);
        if (hit) return hit;
        const totalPrice = value([ownLine(line, s, new Dec(0), new Dec(0))]).get(n)!.versionTotal;
        const f = { totalPrice, taxAmount: roundMoney(totalPrice.times(rate), currency) };
        known.set(s, f);
        return f;
      };
      const chain = line.versions ?? [];
      const withVersions = (vs: { from: string; state: AssetState }[]) => {
        const figs = vs.map((v) => figures(v.state));
        const last = vs.at(-1)!.state;
        return {
          ...ownLine(line, last, figs.at(-1)!.totalPrice, figs.at(-1)!.taxAmount),
          versions: [...chain, ...vs.map((v, k) => versionOf(line, v.from, v.state, figs[k]!.taxAmount, randomUUID()))],
        };
      };
      const monthly = (s: AssetState) => (row.price_model === 'Recurring' ? roundMoney(s.monthlyPrice.times(Dec.max(0, s.quantity.minus(row.included_units))), currency) : new Dec(0));
      const valueBefore = value([line]).get(n)!;
      let prev = { amount: valueBefore.amount, tax: valueBefore.tax, state: stateOf(row) };
      const steps: StepFigures[] = p.steps.map((step) => {
        const v = value([withVersions(step.versions)]).get(n)!;
        const cmrr = step.change.changeType === 'Cancel' ? monthly(prev.state).negated()
          : ['UpdateQuantity', 'AdjustPrice'].includes(step.change.changeType) ? monthly(step.after).minus(monthly(prev.state)) : new Dec(0);
        const months = (s: AssetState) => {
          const own = value([ownLine(line, s, new Dec(0), new Dec(0))]).get(n)!;
          const to = step.window.to ? own.monthsFrom(addDay(step.window.to)) : new Dec(0);
          return own.monthsFrom(step.window.from).minus(to);
        };
        const f = { deltaTCV: v.amount.minus(prev.amount), deltaTax: v.tax.minus(prev.tax), deltaCMRR: cmrr, windowMonths: Dec.max(months(prev.state), months(step.after)) };
        prev = { amount: v.amount, tax: v.tax, state: step.after };
        return f;
      });
      const r = assetRows({
        tenantId: ctx.tenantId, orderId, sortFrom: sort, latest: row, nextVersion: nextVersions.get(n) ?? row.version + 1, plan: p, steps,
        finalFigures: p.versions.map((v) => figures(v.state)), currency,
      });
      sort += 1 + r.changes.length;
      rows.push(r);
      planned.push(withVersions(p.versions));
    }
    const lines = rows.flatMap((r) => [r.summary, ...r.changes]);
    const changeLines = rows.flatMap((r) => r.changes);
    const sum = (k: string) => changeLines.reduce((a, l) => a.plus(String(l[k])), new Dec(0)).toString();
    const totals = {
      list_total: sum('list_total_price'), subtotal: sum('subtotal'), total_price: sum('total_price'), tax_amount: sum('tax_amount'),
      total_amount: sum('total_amount'), order_tcv: sum('delta_tcv'), order_acv: sum('delta_acv'),
    };
    const customer = await deps.customers.findCustomerRow(q, ctx, customerId);
    const before = numbers.map((n) => stored.get(n)!);
    const draft = await deps.billing.changeDraft(q, ctx, { before, after: planned, changes, paymentTerm: (customer.payment_term as string | null) ?? null });
    const hash = previewHash(req, latest, rows, draft);
    return { orderId, customerId, currency, latest, plans, rows, lines, totals, changes, before, after: planned, draft, hash };
  }

  function orderRow(ctx: Ctx, p: Planned, req: ChangeRequest, orderNumber: string) {
    const ends = p.plans.map((x) => x.versions.at(-1)!.state.endDate).filter((x): x is string => !!x).sort();
    return {
      tenant_id: ctx.tenantId, id: p.orderId, order_number: orderNumber, order_type: 'Change', status: 'Draft', customer_id: p.customerId,
      billing_account_id: p.customerId, currency_iso_code: p.currency, effective_date: today(ctx),
      order_start_date: [...p.changes.values()].sort()[0] ?? null, order_end_date: ends.at(-1) ?? null,
      description: req.description ?? null, ref_id: req.refId ?? null, discount_amount: '0', system_discount_amount: '0', ...p.totals,
      options: req.options, cancel_on_payment_fail: req.options.cancelOnPaymentFail, change_request: requestJson(req), preview_hash: p.hash,
    };
  }

  /** Writes the planned change order Activated, with its versions and (as asked) its invoice; returns the invoice to charge. */
  async function commitInTx(tx: Tx, ctx: Ctx, p: Planned, req: ChangeRequest, reservation: Awaited<ReturnType<BillingService['reserveForOrder']>> | null): Promise<string | null> {
    const numbers = p.latest.map((v) => v.asset_number);
    await deps.assets.lockForBilling(tx, ctx, numbers);
    const now = await deps.assets.latestOf(tx, ctx, numbers);
    for (const v of p.latest) {
      if (!now.some((x) => x.id === v.id)) throw conflict('ASSET_CHANGED', `${v.asset_number} changed while this change order was planned (another change order won); plan it again`);
    }
    await deps.assets.addVersions(tx, ctx, p.rows.flatMap((r) => r.versions));
    await deps.orders.markActivated(tx, ctx, p.orderId);
    if (!req.options.generateInvoice || !reservation) return null;
    const customer = await deps.customers.findCustomerRow(tx, ctx, p.customerId);
    const written = await deps.billing.invoiceChangeInTx(tx, ctx, {
      orderId: p.orderId, customerId: p.customerId, billToContactId: null, paymentTerm: (customer.payment_term as string | null) ?? null,
      activate: req.options.activateInvoice, before: p.before, after: p.after, changes: p.changes, reservation,
    });
    return written?.kind === 'Invoice' ? written.id : null;
  }

  async function answer(ctx: Ctx, p: Planned, req: ChangeRequest, payment?: unknown) {
    const base = await deps.orders.response(ctx, p.orderId, { previewInvoices: req.options.previewInvoice && p.draft ? [deps.billing.previewOf(ctx, p.draft, p.customerId)] : null });
    return { ...base, creditMemos: await deps.billing.creditMemosOfOrder(ctx, p.orderId), previewHash: p.hash, ...(payment !== undefined && { payment }) };
  }

  /** Activates (writes) a planned change order, paying its invoice as a new order's is paid. */
  async function activate(ctx: Ctx, p: Planned, req: ChangeRequest, write: (tx: Tx) => Promise<void>) {
    const reservation = req.options.generateInvoice ? await deps.billing.reserveForOrder(ctx, Math.max(1, p.draft?.items.length ?? 1)) : null;
    const writeAll = (extra: (tx: Tx, invoiceId: string, customerId: string) => Promise<void>) => inTransaction(ctx.db, async (tx) => {
      await write(tx);
      const invoiceId = await commitInTx(tx, ctx, p, req, reservation);
      if (invoiceId) await extra(tx, invoiceId, p.customerId);
      return { invoiceId, customerId: p.customerId };
    });
    const customer = await deps.customers.findCustomerRow(ctx.db, ctx, p.customerId);
    const method = req.paymentMethod ?? deps.orders.storedMethod(customer);
    if (!(req.options.activateInvoice && method && p.draft && p.draft.amount.gt(0))) {
      await writeAll(async () => undefined);
      return answer(ctx, p, req);
    }
    const credit = await deps.billing.creditMemos.availableCredit(ctx.db, ctx, p.customerId, p.currency);
    const payment = await deps.checkout.placeAndPay(ctx, {
      token: method.token, gateway: method.gateway, amount: Dec.max(0, p.draft.amount.minus(credit)), currency: p.currency,
      asyncPayment: req.options.asyncPayment, customerIdHint: p.customerId, cancelOnPaymentFail: req.options.cancelOnPaymentFail,
      requestKey: ctx.idempotencyKey ?? req.refId ?? p.orderId, writeAll,
    });
    return answer(ctx, p, req, payment);
  }

  const service = {
    /** POST /orders/change-orders (and /change-orders, /cpq/change-order). */
    async create(ctx: Ctx, body: unknown) {
      const req = readChangeRequest(body);
      const p = await plan(ctx, req, randomUUID());
      if (req.options.previewHash && req.options.previewHash !== p.hash) {
        throw conflict('PREVIEW_STALE', 'The change order no longer matches its preview (prices, dates or the assets changed); preview it again');
      }
      const [orderNumber] = await deps.numbering.nextNumbers(ctx, 'order', 1);
      const order = orderRow(ctx, p, req, orderNumber!);
      const insert = (tx: Tx) => deps.orders.insertChangeOrder(tx, ctx, order, p.lines);
      if (!req.options.activateOrder) {
        await inTransaction(ctx.db, insert);
        return answer(ctx, p, req);
      }
      return activate(ctx, p, req, insert);
    },

    /** POST /cpq/change-order:preview: the same plan, nothing stored. */
    async preview(ctx: Ctx, body: unknown) {
      const req = readChangeRequest(body);
      const p = await plan(ctx, req, randomUUID());
      const views = p.lines.map((l) => deps.orders.lineView({ ...l, status: 'Draft' }));
      const invoice = p.draft ? deps.billing.previewOf(ctx, p.draft, p.customerId) : null;
      return {
        previewHash: p.hash, orderProducts: views, previewInvoices: invoice ? [invoice] : [],
        results: p.rows.map((r, k) => {
          const final = p.plans[k]!.versions[0]!.state;
          const summary = deps.orders.lineView({ ...r.summary, status: 'Draft' });
          const changeViews = r.changes.map((c) => deps.orders.lineView({ ...c, status: 'Draft' }));
          const items = invoice?.items.filter((i) => i.assetNumber === p.plans[k]!.assetNumber) ?? [];
          const today$ = items.reduce((a, i) => a.plus(i.transactionAmount), new Dec(0));
          const todayTax = items.reduce((a, i) => a.plus(i.taxAmount), new Dec(0));
          return {
            assetNumber: p.plans[k]!.assetNumber,
            priceSummary: {
              totalPrice: sumOf(changeViews, 'totalPrice'), totalAmount: sumOf(changeViews, 'totalAmount'),
              todayChargePrice: today$.toNumber(), todayChargeAmount: today$.plus(todayTax).toNumber(),
            },
            previewResult: {
              assetNumber: p.plans[k]!.assetNumber, quantity: final.quantity.toNumber(), term: final.term, startDate: final.startDate, endDate: final.endDate,
              cancellationDate: final.cancellationDate, orderPrice: summary, changes: changeViews,
            },
          };
        }),
      };
    },

    /** POST /orders/{id}:activate of a Draft change order: planned again, it must match what was previewed. */
    async activateDraft(ctx: Ctx, id: string, body: unknown) {
      const b = (body ?? {}) as Record<string, unknown>;
      if (typeof b !== 'object' || Array.isArray(b)) throw invalid('INVALID_FIELD', 'body must be an object');
      const draft = await deps.orders.getOrderRow(ctx, id);
      if (!draft) throw notFound('ORDER_NOT_FOUND', `Order ${id} does not exist`);
      if (draft.status !== 'Draft') throw conflict('ORDER_NOT_DRAFT', `Order ${draft.order_number} is ${draft.status}; only a Draft order can be activated`);
      const stored = readChangeRequest(draft.change_request);
      const req: ChangeRequest = { ...stored, options: { ...readOptions(b, 'body'), activateOrder: true } };
      const pm = b.paymentMethod as { token?: unknown; gateway?: unknown } | undefined;
      if (pm !== undefined && (typeof pm !== 'object' || pm === null || typeof pm.token !== 'string')) throw invalid('INVALID_FIELD', 'body/paymentMethod/token is required');
      if (pm) req.paymentMethod = { token: String(pm.token), gateway: typeof pm.gateway === 'string' ? pm.gateway : undefined };
      const p = await plan(ctx, req, draft.id);
      if (p.hash !== draft.preview_hash) throw conflict('PREVIEW_STALE', `Change order ${draft.order_number} no longer plans as it did (prices, dates or the assets changed); create it again`);
      return activate(ctx, p, req, async (tx) => {
        await deps.orders.getDraftForUpdate(tx, ctx, draft.id);
        await deps.orders.noteCommitted(tx, ctx, draft.id);
        await deps.orders.deleteLines(tx, ctx, draft.id);
        await deps.orders.insertLines(tx, ctx, p.lines);
      });
    },
  };
  deps.orders.setChangeActivator((ctx, id, body) => (isUuid(id) ? service.activateDraft(ctx, id, body) : Promise.reject(notFound('ORDER_NOT_FOUND', `Order ${id} does not exist`))));
  return service;
}

const addDay = (d: string) => parseDate(d, 'date').add({ days: 1 }).toString();
const sumOf = (rows: Record<string, unknown>[], k: string) => rows.reduce((a, r) => a.plus(Number(r[k] ?? 0)), new Dec(0)).toNumber();

/** The request as stored on a Draft change order (read back by readChangeRequest). */
function requestJson(req: ChangeRequest) {
  return {
    options: req.options, description: req.description, refId: req.refId,
    assetChanges: req.assetChanges.map(({ at: _at, quantity, netSalesPrice, discountPercentage, ...c }) => ({
      ...c, ...(quantity && { quantity: quantity.toString() }), ...(netSalesPrice && { netSalesPrice: netSalesPrice.toString() }),
      ...(discountPercentage && { discountPercentage: discountPercentage.toString() }),
    })),
  };
}

/** A hash of what the change order is and costs: the same inputs against the same versions give the same hash. */
function previewHash(req: ChangeRequest, latest: readonly VersionRow[], rows: readonly AssetRows[], draft: InvoiceDraft | null): string {
  const pick = (l: Record<string, unknown>) => [l.line_type, l.change_type, l.change_asset_number, l.quantity, l.subscription_start_date, l.subscription_end_date,
    l.total_price, l.tax_amount, l.delta_cmrr, l.delta_acv, l.delta_tcv];
  const payload = {
    changes: requestJson(req).assetChanges,
    versions: latest.map((v) => [v.asset_number, v.id]).sort(),
    lines: rows.map((r) => [pick(r.summary), ...r.changes.map(pick)]),
    next: rows.map((r) => r.versions.map((v) => [v.asset_number, v.effective_from, v.quantity, v.end_date, v.total_price, v.tax_amount])),
    invoice: draft ? [draft.invoiceDate, draft.amount.toString(), draft.items.map((i) => [i.assetNumber, i.periodStart, i.amount.toString(), i.taxAmount.toString()])] : null,
  };
  return createHash('sha256').update(JSON.stringify(payload)).digest('hex');
}
