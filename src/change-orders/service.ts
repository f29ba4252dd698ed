import { createHash, randomUUID } from 'node:crypto';
import type { Ctx } from '../context.js';
import { conflict, invalid, notFound } from '../core/errors.js';
import { parseDate } from '../core/dates.js';
import { assertInScope, inScope, outsideScope } from '../core/scope.js';
import { Dec, roundMoney } from '../core/money.js';
import type { Tx } from '../db/transaction.js';
import type { AssetsService } from '../assets/service.js';
import type { AssetVersion } from '../assets/model.js';
import type { NewVersion } from '../assets/provisioning.js';
import { billableOf, type BillableLine, type ChargeableVersion } from '../billing/charges.js';
import type { InvoiceDraft } from '../billing/invoices/builder.js';
import type { BillingService, InvoiceReservation } from '../billing/service.js';
import type { CustomersService } from '../customers/service.js';
import type { NumberingService } from '../numbering/service.js';
import { readOptions } from '../orders/request.js';
import type { ChangeLine, ChangeOrder } from '../orders/model.js';
import type { OrdersService } from '../orders/service.js';
import { combinedTaxStatus, lineTax } from '../tax/tax.js';
import { planOnChain, type ChainPlan } from './rederive.js';
import { assetRows, stateOf, taxLines, versionIn, type AssetRows, type StepFigures, type VersionFigures } from './change-lines.js';
import { readChangeRequest } from './change-request.js';
import type { AssetChange, AssetPlan, AssetState, ChangeRequest } from './model.js';

// Change orders (DESIGN "Change orders"): plan every asset's changes against its latest version,
// price the deltas with billing's contract value, and either answer a preview (nothing stored),
// keep a Draft (activated later, planned again), or write it all in one transaction — order,
// lines, new versions, invoice or credit memo. Paying it is the workflow's part
// (src/workflows/change-order.ts). Two change orders racing on one asset: the head row lock and
// the planned version ids let exactly one win.

export interface Planned {
  orderId: string;
  customerId: string;
  currency: string;
  latest: AssetVersion[];
  plans: AssetPlan[];
  rows: AssetRows[];
  lines: ChangeLine[];
  totals: ChangeOrder['totals'];
  changes: Map<string, string>;
  before: BillableLine[];
  after: BillableLine[];
  draft: InvoiceDraft | null;
  hash: string;
  /** Future versions re-derived by this order (rederive.ts): replaced by the ones it writes. */
  superseded: string[];
}

export type ChangeOrdersService = ReturnType<typeof createChangeOrdersService>;

export function createChangeOrdersService(deps: {
  orders: OrdersService; assets: AssetsService; billing: BillingService; customers: CustomersService; numbering: NumberingService;
}) {
  const today = (ctx: Ctx) => ctx.clock.today(ctx.timeZone).toString();

  /** The stored changes of the change orders that wrote these versions, by `${orderId}|${assetNumber}` (re-derivation replays them). */
  async function storedChanges(ctx: Ctx, versions: readonly AssetVersion[]): Promise<Map<string, AssetChange[]>> {
    const out = new Map<string, AssetChange[]>();
    for (const orderId of new Set(versions.map((v) => v.orderId))) {
      const o = await deps.orders.findOrder(ctx, orderId);
      if (!o?.changeRequest) continue;
      for (const c of readChangeRequest(o.changeRequest).assetChanges) out.set(`${orderId}|${c.assetNumber}`, [...(out.get(`${orderId}|${c.assetNumber}`) ?? []), c]);
    }
    return out;
  }

  /** `access`: a preview (read) sees an asset outside the caller's scope as one that does not exist; a change to it (write) is a 403. */
  async function plan(ctx: Ctx, req: ChangeRequest, orderId: string, access: 'read' | 'write'): Promise<Planned> {
    const q = ctx.db;
    const byAsset = new Map<string, AssetChange[]>();
    for (const c of req.assetChanges) byAsset.set(c.assetNumber, [...(byAsset.get(c.assetNumber) ?? []), c]);
    const numbers = [...byAsset.keys()];
    const found = await deps.assets.latestOf(q, ctx, numbers);
    const outside = found.find((v) => !inScope(ctx, v.customerId));
    if (outside && access === 'write') throw outsideScope(ctx, outside.customerId, `${byAsset.get(outside.assetNumber)![0]!.at}/assetNumber`);
    const latest = found.filter((v) => inScope(ctx, v.customerId));
    for (const n of numbers) {
      if (!latest.some((v) => v.assetNumber === n)) throw invalid('UNKNOWN_ASSET', `${byAsset.get(n)![0]!.at}/assetNumber: there is no subscription, asset or entitlement ${n}`);
    }
    const customerId = latest[0]!.customerId;
    const other = latest.find((v) => v.customerId !== customerId || v.currency !== latest[0]!.currency);
    if (other) throw invalid('MIXED_CUSTOMERS', `${byAsset.get(other.assetNumber)![0]!.at}: one change order changes the assets of one customer in one currency; ${other.assetNumber} is another's`);
    const currency = latest[0]!.currency;
    const chains = await deps.assets.versionChains(q, ctx, numbers);
    const storedLines = new Map(latest.map((v) => [v.assetNumber, billableOf(v, chains.get(v.assetNumber) ?? [])]));
    const nextVersions = await deps.assets.nextVersions(q, ctx, numbers);
    const value = (lines: BillableLine[]) => deps.billing.values(ctx, lines);
    // the rate each asset's lines take: the tax domain's, at the customer's tax address as it resolves now (AddressMissing/NoRate: 0)
    const orderLineOf = (n: string) => (chains.get(n)?.[0] ?? latest.find((v) => v.assetNumber === n)!).orderProductId;
    const taxes = await deps.orders.changeTax(q, ctx, { customerId, enabled: req.options.calculateTax, orderLineIds: numbers.map(orderLineOf) });

    const plans: AssetPlan[] = [];
    const rows: AssetRows[] = [];
    const after: BillableLine[] = [];
    const changes = new Map<string, string>();
    const superseded: string[] = [];
    const changesOf = await storedChanges(ctx, numbers.flatMap((n) => (chains.get(n) ?? []).filter((v) => v.effectiveFrom > today(ctx))));
    let sort = 1;
    for (const n of numbers) {
      const stored = latest.find((v) => v.assetNumber === n)!;
      const line = storedLines.get(n)!;
      const fullChain = chains.get(n) ?? [];
      // the version the changes apply to, and the later (future) versions re-derived on top (rederive.ts)
      const cp = planOnChain({ assetNumber: n, chain: fullChain.length > 0 ? fullChain : [stored], today: today(ctx), changes: byAsset.get(n)!, changesOf: (id) => changesOf.get(`${id}|${n}`) ?? null });
      const row = cp.base;
      const p = cp.plan;
      plans.push(p);
      changes.set(n, p.effectiveFrom);
      const tax = taxes.get(orderLineOf(n))!;
      const taxOf = (total: Dec) => lineTax(total, tax.rate, tax.mode, currency).taxAmount;
      const taxPercentage = tax.mode === 'Inclusive' ? null : tax.rate.toString();
      // a state as billing sees it: a version planned on top of the base (its own figures: none yet)
      const own = (s: AssetState) => billableOf(versionIn(row, row.effectiveFrom, s, { totalPrice: new Dec(0), taxAmount: new Dec(0) }));
      // a state's own figures are asked for by every step that writes it, and again for the rows: once each
      const known = new WeakMap<AssetState, VersionFigures>();
      const figures = (s: AssetState): VersionFigures => {
        const hit = known.get(s);
        if (hit) return hit;
        const totalPrice = value([own(s)]).get(n)!.versionTotal;
        const f = { totalPrice, taxAmount: taxOf(totalPrice), taxPercentage };
        known.set(s, f);
        return f;
      };
      // the chain up to the base: what this order's versions follow
      const chain = fullChain.slice(0, fullChain.indexOf(row) + 1);
      // the asset as billing sees it with these versions planned after the base
      const withVersions = (vs: readonly ChargeableVersion[]) => billableOf(vs.at(-1)!, [...chain, ...vs]);
      const planned = (vs: { from: string; state: AssetState }[]) => withVersions(vs.map((v) => versionIn(row, v.from, v.state, figures(v.state))));
      const monthly = (s: AssetState) => (row.priceModel === 'Recurring' ? roundMoney(s.monthlyPrice.times(Dec.max(0, s.quantity.minus(row.includedUnits))), currency) : new Dec(0));
      const valueBefore = value([chain.length > 0 ? billableOf(row, chain) : line]).get(n)!;
      let prev = { amount: valueBefore.amount, state: stateOf(row) };
      const steps: StepFigures[] = p.steps.map((step) => {
        const v = value([planned(step.versions)]).get(n)!;
        const cmrr = step.change.changeType === 'Cancel' ? monthly(prev.state).negated()
          : ['UpdateQuantity', 'AdjustPrice'].includes(step.change.changeType) ? monthly(step.after).minus(monthly(prev.state)) : new Dec(0);
        const months = (s: AssetState) => {
          const o = value([own(s)]).get(n)!;
          const to = step.window.to ? o.monthsFrom(addDay(step.window.to)) : new Dec(0);
          return o.monthsFrom(step.window.from).minus(to);
        };
        const f = { deltaTCV: v.amount.minus(prev.amount), deltaCMRR: cmrr, windowMonths: Dec.max(months(prev.state), months(step.after)) };
        prev = { amount: v.amount, state: step.after };
        return f;
      });
      const r = assetRows({
        orderId, sortFrom: sort, latest: row, nextVersion: nextVersions.get(n) ?? stored.version + 1, plan: p, steps,
        finalFigures: p.versions.map((v) => figures(v.state)), currency,
      });
      sort += 1 + r.changes.length;
      // re-derived versions keep their change order and line; the chain's TCV (a sum of deltas over
      // every version written) reaches the new contract's value on the first of them
      const rederived = rederivedVersions(r.versions, cp, figures, fullChain);
      // the contract's values the lines are taxed over: as it stands (future versions included), after each change, and
      // after the order (re-derived versions included); in between, the future versions add what they added before
      const standing = value([line]).get(n)!.amount;
      const values = [standing];
      for (const f of steps) values.push(values.at(-1)!.plus(f.deltaTCV));
      if (rederived.length > 0) {
        const total = value([withVersions([...r.versions, ...rederived])]).get(n)!.amount;
        values[values.length - 1] = total;
        const counted = new Dec((await deps.assets.chainTcv(q, ctx, [n])).get(n) ?? 0).plus(r.versions.reduce((a, v) => a.plus(v.deltaTCV), new Dec(0)));
        rederived[0]!.deltaTCV = total.minus(counted).toString();
        superseded.push(...cp.replayed.flatMap((x) => x.supersedes.map((v) => v.id)));
      }
      rows.push({ ...r, ...taxLines(r, values, { ...tax, taxOf }), versions: [...r.versions, ...rederived] });
      // after: the versions this change order writes, with their own ids (the invoice names them, no read)
      after.push(withVersions([...r.versions, ...rederived]));
    }
    const lines = rows.flatMap((r) => [r.summary, ...r.changes]);
    const changeLines = rows.flatMap((r) => r.changes);
    const sum = (f: (l: ChangeLine) => Dec) => changeLines.reduce((a, l) => a.plus(f(l)), new Dec(0));
    const totals = {
      listTotal: sum((l) => l.listTotalPrice), subtotal: sum((l) => l.subtotal), totalPrice: sum((l) => l.totalPrice), taxAmount: sum((l) => l.taxAmount),
      totalAmount: sum((l) => l.totalAmount), orderTCV: sum((l) => l.deltaTCV), orderACV: sum((l) => l.deltaACV),
    };
    const customer = await deps.customers.getStoredCustomer(q, ctx, customerId);
    const before = numbers.map((n) => storedLines.get(n)!);
    const draft = await deps.billing.changeDraft(q, ctx, { before, after, changes, paymentTerm: customer.paymentTerm });
    const hash = previewHash(req, latest, rows, draft);
    return { orderId, customerId, currency, latest, plans, rows, lines, totals, changes, before, after, draft, hash, superseded };
  }

  /** The planned change order's taxStatus: its change lines' most telling one. */
  const taxStatusOf = (p: Planned) => combinedTaxStatus(p.rows.flatMap((r) => r.changes).map((l) => l.taxStatus ?? 'Calculated'));

  function header(ctx: Ctx, p: Planned, req: ChangeRequest, orderNumber: string): ChangeOrder {
    const ends = p.plans.map((x) => x.versions.at(-1)!.state.endDate).filter((x): x is string => !!x).sort();
    return {
      id: p.orderId, orderNumber, customerId: p.customerId, currency: p.currency, effectiveDate: today(ctx),
      startDate: [...p.changes.values()].sort()[0] ?? null, endDate: ends.at(-1) ?? null,
      description: req.description ?? null, refId: req.refId ?? null, totals: p.totals,
      options: req.options, cancelOnPaymentFail: req.options.cancelOnPaymentFail, changeRequest: requestJson(req), previewHash: p.hash,
    };
  }

  /** Writes the planned change order Activated, with its versions and (as asked) its invoice; returns the invoice to charge. */
  async function commitInTx(tx: Tx, ctx: Ctx, p: Planned, req: ChangeRequest, reservation: InvoiceReservation | null): Promise<string | null> {
    const numbers = p.latest.map((v) => v.assetNumber);
    await deps.assets.lockForBilling(tx, ctx, numbers);
    const now = await deps.assets.latestOf(tx, ctx, numbers);
    for (const v of p.latest) {
      if (!now.some((x) => x.id === v.id)) throw conflict('ASSET_CHANGED', `${v.assetNumber} changed while this change order was planned (another change order won); plan it again`);
    }
    await deps.assets.supersede(tx, ctx, p.superseded);
    await deps.assets.addVersions(tx, ctx, p.rows.flatMap((r) => r.versions));
    await deps.orders.markActivated(tx, ctx, p.orderId);
    if (!req.options.generateInvoice || !reservation) return null;
    const customer = await deps.customers.getStoredCustomer(tx, ctx, p.customerId);
    const written = await deps.billing.invoiceChangeInTx(tx, ctx, {
      orderId: p.orderId, customerId: p.customerId, billToContactId: null, paymentTerm: customer.paymentTerm,
      activate: req.options.activateInvoice, before: p.before, after: p.after, changes: p.changes, reservation,
    });
    return written?.kind === 'Invoice' ? written.id : null;
  }

  async function answer(ctx: Ctx, p: Planned, req: ChangeRequest, payment?: unknown) {
    const base = await deps.orders.response(ctx, p.orderId, { previewInvoices: req.options.previewInvoice && p.draft ? [deps.billing.previewOf(ctx, p.draft, p.customerId)] : null });
    return { ...base, creditMemos: await deps.billing.creditMemosOfOrder(ctx, p.orderId), previewHash: p.hash, ...(payment !== undefined && { payment }) };
  }

  const service = {
    /** POST /orders/change-orders (and /change-orders, /cpq/change-order): the plan, numbered; 409 when it no longer matches its preview. */
    async planCreate(ctx: Ctx, body: unknown): Promise<PlannedChange> {
      deps.orders.refuseCustomerFacingFields(ctx, body, 'change');
      const req = readChangeRequest(body);
      const p = await plan(ctx, req, randomUUID(), 'write');
      if (req.options.previewHash && req.options.previewHash !== p.hash) {
        throw conflict('PREVIEW_STALE', 'The change order no longer matches its preview (prices, dates or the assets changed); preview it again');
      }
      if (req.options.activateOrder) deps.orders.assertTaxAddress(ctx, null, taxStatusOf(p));
      const [orderNumber] = await deps.numbering.nextNumbers(ctx, 'order', 1);
      return { req, plan: p, order: header(ctx, p, req, orderNumber!) };
    },

    /** Writes the planned change order as a Draft, its lines with it (inside the caller's transaction). */
    async writeDraft(tx: Tx, ctx: Ctx, c: PlannedChange): Promise<void> {
      await deps.orders.createChangeOrder(tx, ctx, c.order!, c.plan.lines);
    },

    /** POST /orders/{id}:activate of a Draft change order: planned again, it must match what was previewed. */
    async planActivation(ctx: Ctx, id: string, body: unknown): Promise<PlannedChange> {
      const b = (body ?? {}) as Record<string, unknown>;
      if (typeof b !== 'object' || Array.isArray(b)) throw invalid('INVALID_FIELD', 'body must be an object');
      const draft = await deps.orders.findOrder(ctx, id);
      if (!draft) throw notFound('ORDER_NOT_FOUND', `Order ${id} does not exist`);
      assertInScope(ctx, draft.customerId, 'write', () => notFound('ORDER_NOT_FOUND', `Order ${id} does not exist`));
      if (draft.status !== 'Draft') throw conflict('ORDER_NOT_DRAFT', `Order ${draft.orderNumber} is ${draft.status}; only a Draft order can be activated`);
      const stored = readChangeRequest(draft.changeRequest);
      const req: ChangeRequest = { ...stored, options: { ...readOptions(b, 'body'), activateOrder: true } };
      const pm = b.paymentMethod as { token?: unknown; gateway?: unknown } | undefined;
      if (pm !== undefined && (typeof pm !== 'object' || pm === null || typeof pm.token !== 'string')) throw invalid('INVALID_FIELD', 'body/paymentMethod/token is required');
      if (pm) req.paymentMethod = { token: String(pm.token), gateway: typeof pm.gateway === 'string' ? pm.gateway : undefined };
      const p = await plan(ctx, req, draft.id, 'write');
      if (p.hash !== draft.previewHash) throw conflict('PREVIEW_STALE', `Change order ${draft.orderNumber} no longer plans as it did (prices, dates or the assets changed); create it again`);
      deps.orders.assertTaxAddress(ctx, draft.orderNumber, taxStatusOf(p));
      return { req, plan: p };
    },

    /** The Draft, locked, its lines replaced by the ones planned again (inside the activation's transaction). */
    async reopenDraft(tx: Tx, ctx: Ctx, c: PlannedChange): Promise<void> {
      await deps.orders.lockDraft(tx, ctx, c.plan.orderId);
      await deps.orders.noteCommitted(tx, ctx, c.plan.orderId);
      await deps.orders.replaceChangeLines(tx, ctx, c.plan.orderId, c.plan.lines);
    },

    /** Invoice numbers are reserved before the transaction, like every other number. */
    async reserveInvoice(ctx: Ctx, c: PlannedChange): Promise<InvoiceReservation | null> {
      return c.req.options.generateInvoice ? deps.billing.reserveForOrder(ctx, Math.max(1, c.plan.draft?.items.length ?? 1)) : null;
    },

    /** Activates the written change order: its versions, and (as asked) its invoice or credit memo; the invoice to charge. */
    commit: (tx: Tx, ctx: Ctx, c: PlannedChange, reservation: InvoiceReservation | null) => commitInTx(tx, ctx, c.plan, c.req, reservation),

    /** What activating it would charge: the invoice's amount, or null when there is none to charge. */
    chargeable: (c: PlannedChange): Dec | null => (c.plan.draft && c.plan.draft.amount.gt(0) ? c.plan.draft.amount : null),

    /** The change order as the API answers it. */
    answer: (ctx: Ctx, c: PlannedChange, payment?: unknown) => answer(ctx, c.plan, c.req, payment),

    /** POST /cpq/change-order:preview: the same plan, nothing stored. */
    async preview(ctx: Ctx, body: unknown) {
      deps.orders.refuseCustomerFacingFields(ctx, body, 'change');
      const req = readChangeRequest(body);
      const p = await plan(ctx, req, randomUUID(), 'read');
      const view = (l: ChangeLine) => deps.orders.changeLineView(ctx, p.orderId, l);
      const views = p.lines.map(view);
      const invoice = p.draft ? deps.billing.previewOf(ctx, p.draft, p.customerId) : null;
      return {
        previewHash: p.hash, orderProducts: views, previewInvoices: invoice ? [invoice] : [],
        results: p.rows.map((r, k) => {
          const final = p.plans[k]!.versions[0]!.state;
          const summary = view(r.summary);
          const changeViews = r.changes.map(view);
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
            // every version the order writes: its own, then the later ones it re-derives (rederive.ts)
            versions: r.versions.map((v) => ({
              effectiveFrom: v.effectiveFrom, quantity: Number(v.quantity), startDate: v.startDate, endDate: v.endDate, netSalesPrice: Number(v.netSalesPrice),
              totalPrice: Number(v.totalPrice), rederived: v.orderId !== p.orderId,
            })),
          };
        }),
      };
    },
  };
  return service;
}

/** A change order planned and about to be written: its request, its plan and (when new) its header. */
export interface PlannedChange { req: ChangeRequest; plan: Planned; order?: ChangeOrder }

/** The versions a re-derivation writes: each replayed plan's, after this order's, numbered on. */
function rederivedVersions(mine: readonly NewVersion[], cp: ChainPlan, figures: (s: AssetState) => VersionFigures, chain: readonly AssetVersion[]): NewVersion[] {
  const out: NewVersion[] = [];
  let previous: NewVersion | AssetVersion = mine.at(-1) ?? chain.at(-1)!;
  let version = (mine.at(-1)?.version ?? chain.at(-1)!.version) + 1;
  for (const r of cp.replayed) {
    for (const pv of r.plan.versions) {
      const row: NewVersion = {
        ...versionIn(previous, pv.from, pv.state, figures(pv.state)), id: randomUUID(), version: version++, lastVersionedId: previous.id,
        orderId: r.orderId, orderProductId: r.orderProductId, status: 'Active', deltaTCV: '0', deltaACV: '0',
      };
      out.push(row);
      previous = row;
    }
  }
  return out;
}

const addDay = (d: string) => parseDate(d, 'date').add({ days: 1 }).toString();
const sumOf = (rows: { totalPrice: unknown; totalAmount: unknown }[], k: 'totalPrice' | 'totalAmount') => rows.reduce((a, r) => a.plus(Number(r[k] ?? 0)), new Dec(0)).toNumber();

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
function previewHash(req: ChangeRequest, latest: readonly AssetVersion[], rows: readonly AssetRows[], draft: InvoiceDraft | null): string {
  const pick = (l: ChangeLine) => [l.lineType, l.changeType, l.changeAssetNumber, l.quantity.toString(), l.startDate, l.endDate,
    l.totalPrice.toString(), l.taxAmount.toString(), l.deltaCMRR.toString(), l.deltaACV.toString(), l.deltaTCV.toString()];
  const payload = {
    changes: requestJson(req).assetChanges,
    versions: latest.map((v) => [v.assetNumber, v.id]).sort(),
    lines: rows.map((r) => [pick(r.summary), ...r.changes.map(pick)]),
    next: rows.map((r) => r.versions.map((v) => [v.assetNumber, v.effectiveFrom, v.quantity, v.endDate, v.totalPrice, v.taxAmount])),
    invoice: draft ? [draft.invoiceDate, draft.amount.toString(), draft.items.map((i) => [i.assetNumber, i.periodStart, i.amount.toString(), i.taxAmount.toString()])] : null,
  };
  return createHash('sha256').update(JSON.stringify(payload)).digest('hex');
}
