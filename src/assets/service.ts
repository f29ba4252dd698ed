import type { Ctx } from '../context.js';
import { invalid, notFound } from '../core/errors.js';
import { Dec, roundMoney } from '../core/money.js';
import type { Tx } from '../db/transaction.js';
import { isUuid } from '../core/ids.js';
import { assertInScope, scopedCustomerIds } from '../core/scope.js';
import type { CustomerMetrics } from '../customers/service.js';
import type { AssetKind, ProvisionLine, AssetVersion } from './model.js';
import { billableOf, type BillableLine } from '../billing/charges.js';
import { planProvisioning, type NewVersion } from './provisioning.js';
import { planRenewal } from './renewal.js';
import { inTransaction } from '../db/transaction.js';
import * as store from './store.js';
import type { Where } from '../filters/where-filter.js';
import { toAssetView, toEntitlementView, toSubscriptionView } from './views.js';

// What customers own, version by version. Orders provision version 1 on activation; change
// orders (later) add versions; reads return each version with the figures in force today.

export interface OwnedByOrder {
  subscriptions: ReturnType<typeof toSubscriptionView>[];
  assets: ReturnType<typeof toAssetView>[];
  entitlements: ReturnType<typeof toEntitlementView>[];
}

function split(rows: store.VersionWithFigures[], today: string): OwnedByOrder {
  return {
    subscriptions: rows.filter((r) => r.kind === 'Subscription').map((r) => toSubscriptionView(r, today)),
    assets: rows.filter((r) => r.kind === 'Asset').map((r) => toAssetView(r, today)),
    entitlements: rows.filter((r) => r.kind === 'Entitlement').map((r) => toEntitlementView(r, today)),
  };
}

const today = (ctx: Ctx) => ctx.clock.today(ctx.timeZone).toString();

/** Every version of these asset numbers not canceled, oldest first, by number. */
async function versionChains(q: Tx | Ctx['db'], ctx: Ctx, numbers: readonly string[]): Promise<Map<string, AssetVersion[]>> {
  return chainsOf(await store.versionsOfNumbers(q, ctx.tenantId, numbers));
}

/** Versions (by number, then version) grouped into chains. */
function chainsOf(versions: readonly AssetVersion[]): Map<string, AssetVersion[]> {
  const chains = new Map<string, AssetVersion[]>();
  for (const v of versions) {
    const chain = chains.get(v.assetNumber);
    if (chain) chain.push(v);
    else chains.set(v.assetNumber, [v]);
  }
  return chains;
}

/** The assets service (wired once in src/runtime.ts). */
export function createAssetsService() {
  return {
    /** The billable state of an order's (or a customer's) assets: their latest versions. */
    async billableLines(q: Tx | Ctx['db'], ctx: Ctx, filter: { orderId?: string; customerId?: string; assetNumbers?: readonly string[] }): Promise<BillableLine[]> {
      const latest = filter.assetNumbers
        ? (await store.latestOfNumbers(q, ctx.tenantId, filter.assetNumbers))
        : await store.latestVersions(q, ctx.tenantId, filter);
      // assets that changed bill under each of their versions (one more query for all of them)
      const changed = latest.filter((v) => filter.assetNumbers || v.version > 1).map((v) => v.assetNumber);
      const chains = await versionChains(q, ctx, changed);
      return latest.map((v) => billableOf(v, chains.get(v.assetNumber)));
    },

    lockForBilling: (tx: Tx, ctx: Ctx, numbers: readonly string[]) => store.lockHeads(tx, ctx.tenantId, numbers),

    /**
     * Renews the tenant's auto-renew subscriptions whose end date falls before `target` (as many
     * times as it takes), each renewal a new version. The day-boundary job calls this for its day
     * (src/jobs/day-boundary.ts); billing runs have it done through their target date first.
     */
    async renewDue(ctx: Ctx, target: string): Promise<number> {
      let renewed = 0;
      for (;;) {
        const due = (await store.renewalCandidates(ctx.db, ctx.tenantId, target)).filter((v) => planRenewal(v) !== null);
        if (due.length === 0) return renewed;
        for (const v of due) {
          await inTransaction(ctx.db, async (tx) => {
            await store.lockHeads(tx, ctx.tenantId, [v.assetNumber]);
            const [latest] = await store.latestOfNumbers(tx, ctx.tenantId, [v.assetNumber]);
            if (!latest || latest.id !== v.id) return; // renewed meanwhile by another run
            await store.insertVersions(tx, ctx.tenantId, [planRenewal(v)!]);
            renewed++;
          });
        }
      }
    },

    /** The latest version of each of these asset numbers (change orders plan from them). */
    latestOf: (q: Tx | Ctx['db'], ctx: Ctx, numbers: readonly string[]) => store.latestOfNumbers(q, ctx.tenantId, numbers),

    /** The where dialect's schema over assets, and the latest versions matching a filter. */
    filterSchema: store.ASSET_FILTER,
    latestMatching: (q: Tx | Ctx['db'], ctx: Ctx, where: Where, limit: number) => store.latestMatching(q, ctx.tenantId, where, limit, scopedCustomerIds(ctx)),

    nextVersions: (q: Tx | Ctx['db'], ctx: Ctx, numbers: readonly string[]) => store.nextVersions(q, ctx.tenantId, numbers),

    /** Σ delta TCV of each asset number's versions as the reads sum them (superseded ones included). */
    chainTcv: (q: Tx | Ctx['db'], ctx: Ctx, numbers: readonly string[]) => store.chainTcv(q, ctx.tenantId, numbers),

    /** Future versions a change order re-derived: they stop counting (status Superseded), inside its transaction. */
    supersede: (tx: Tx, ctx: Ctx, ids: readonly string[]) => store.supersedeVersions(tx, ctx.tenantId, ids),

    /** New versions of existing assets (change orders), inside the caller's transaction; heads move to them. */
    async addVersions(tx: Tx, ctx: Ctx, versions: readonly NewVersion[]): Promise<void> {
      await store.insertVersions(tx, ctx.tenantId, versions);
    },

    /** Customers that own anything (billing runs visit them). */
    customersWithAssets: (ctx: Ctx) => store.customersWithAssets(ctx.db, ctx.tenantId),

    /** Version 1 of everything an activated order's lines become; numbers reserved by the caller. Returns
     * the versions written, in the order the heads read (level, then number), so nobody reads them again. */
    async provision(tx: Tx, ctx: Ctx, i: { orderId: string; customerId: string; lines: ProvisionLine[]; numbers: Record<AssetKind, string[]> }): Promise<NewVersion[]> {
      const versions = planProvisioning(i);
      await store.insertVersions(tx, ctx.tenantId, versions);
      return [...versions].sort((a, b) => a.level - b.level || (a.assetNumber < b.assetNumber ? -1 : a.assetNumber > b.assetNumber ? 1 : 0));
    },

    /** Every version of these asset numbers not canceled, oldest first, by number (change orders plan against them). */
    async versionChains(q: Tx | Ctx['db'], ctx: Ctx, numbers: readonly string[]): Promise<Map<string, AssetVersion[]>> {
      return versionChains(q, ctx, numbers);
    },

    /** The assets raw usage names (usage-priced ones, and bundles holding them): every version not canceled, by number, oldest first. */
    async usageChains(q: Tx | Ctx['db'], ctx: Ctx, by: { numbers: readonly string[]; ids: readonly string[]; customerProducts: readonly [string, string][] }): Promise<Map<string, AssetVersion[]>> {
      return chainsOf(await store.usageVersions(q, ctx.tenantId, by));
    },
    async ownedByOrder(q: Tx | Ctx['db'], ctx: Ctx, orderId: string): Promise<OwnedByOrder> {
      return split(await store.versionsWithFigures(q, ctx.tenantId, { orderId }, today(ctx)), today(ctx));
    },

    async cancelForOrder(tx: Tx, ctx: Ctx, orderId: string): Promise<number> {
      return store.cancelOrderVersions(tx, ctx.tenantId, orderId, today(ctx));
    },

    async getSubscription(ctx: Ctx, id: string) {
      const [row] = isUuid(id) ? await store.versionsWithFigures(ctx.db, ctx.tenantId, { ids: [id.toLowerCase()] }, today(ctx)) : [];
      const missing = () => notFound('SUBSCRIPTION_NOT_FOUND', `Subscription ${id} does not exist`);
      if (!row || row.kind !== 'Subscription') throw missing();
      assertInScope(ctx, row.customerId, 'read', missing);
      return toSubscriptionView(row, today(ctx));
    },

    /** Descriptive fields only: the contract (quantity, price, dates) changes through change orders. */
    async patchSubscription(ctx: Ctx, id: string, body: Record<string, unknown>) {
      const allowed = new Set(['description', 'customFields']);
      for (const k of Object.keys(body)) if (!allowed.has(k)) throw invalid('READ_ONLY_FIELD', `body/${k} cannot be patched; change the subscription with a change order`);
      if (body.description !== undefined && body.description !== null && typeof body.description !== 'string') throw invalid('INVALID_FIELD', 'body/description must be a string');
      if (body.customFields !== undefined && (typeof body.customFields !== 'object' || body.customFields === null || Array.isArray(body.customFields))) throw invalid('INVALID_FIELD', 'body/customFields must be an object');
      const missing = () => notFound('SUBSCRIPTION_NOT_FOUND', `Subscription ${id} does not exist`);
      const owner = isUuid(id) ? await store.subscriptionOwner(ctx.db, ctx.tenantId, id.toLowerCase()) : undefined;
      if (!owner) throw missing();
      assertInScope(ctx, owner, 'write', missing);
      const ok = await store.patchDescriptive(ctx.db, ctx.tenantId, id.toLowerCase(), {
        ...(body.description !== undefined && { description: body.description as string | null }),
        ...(body.customFields !== undefined && { customFields: body.customFields as Record<string, unknown> }),
      });
      if (!ok) throw missing();
      return this.getSubscription(ctx, id);
    },

    /** Customer roll-ups: today's CMRR/ARR and the TCV of everything not canceled. */
    async customerMetrics(ctx: Ctx, customerIds: readonly string[]): Promise<Map<string, Partial<CustomerMetrics>>> {
      const out = new Map<string, Partial<CustomerMetrics>>();
      if (customerIds.length === 0) return out;
      const rows = await store.customerFigures(ctx.db, ctx.tenantId, customerIds, today(ctx));
      const acc = new Map<string, { cmrr: Dec; tcv: Dec }>();
      for (const r of rows) {
        const a = acc.get(r.customerId) ?? { cmrr: new Dec(0), tcv: new Dec(0) };
        a.tcv = a.tcv.plus(r.tcv);
        if (r.priceModel === 'Recurring' && r.monthly !== null && r.quantity !== null) {
          a.cmrr = a.cmrr.plus(roundMoney(new Dec(r.monthly).times(Dec.max(0, new Dec(r.quantity).minus(r.included ?? 0))), r.currency ?? ctx.tenant.currency));
        }
        acc.set(r.customerId, a);
      }
      for (const [id, a] of acc) out.set(id, { todayCMRR: a.cmrr.toNumber(), todayARR: a.cmrr.times(12).toNumber(), totalTCV: a.tcv.toNumber() });
      return out;
    },
  };
}

export type AssetsService = ReturnType<typeof createAssetsService>;
