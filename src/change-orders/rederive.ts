import { conflict, DomainError, invalid } from '../core/errors.js';
import { parseDate } from '../core/dates.js';
import type { AssetVersion } from '../assets/model.js';
import { planAssetChanges } from './apply-changes.js';
import { stateOf } from './change-lines.js';
import type { AssetChange, AssetPlan, AssetState } from './model.js';

// Changes dated before versions that have not taken effect yet (DESIGN §4 Change orders): an early
// renewal or a scheduled change does not lock the asset. The change is planned on the version in
// force on its date, and every later version is re-derived by replaying its own change order's
// changes on the new preceding state — deltas stay deltas, set values stay set, a Renew takes the
// price of its first day. 409 only against versions already in effect; a replay that fails (a
// negative quantity), or a change on or after a scheduled cancellation, is a 400 naming the
// version. Pure: "today" and the replayed orders' changes are arguments.

export interface Replayed {
  /** The versions replaced: they stop counting (status Superseded). */
  supersedes: AssetVersion[];
  /** The change order whose versions these are, and the order line they keep naming. */
  orderId: string;
  orderProductId: string;
  plan: AssetPlan;
}

export interface ChainPlan {
  /** The version this order's changes apply to (the latest, unless later ones are re-derived). */
  base: AssetVersion;
  plan: AssetPlan;
  replayed: Replayed[];
}

const RETRY = new Set(['STALE_CHANGE', 'ASSET_CANCELED']);
const dayAfter = (d: string) => parseDate(d, 'date').add({ days: 1 }).toString();

/**
 * Plans one asset's changes on its chain (oldest first). `changesOf(orderId)` answers the stored
 * changes to this asset of the change order that wrote a version (null: none stored, e.g. an
 * auto-renewal — such a version cannot be re-derived, and the change is a 409 as before).
 */
export function planOnChain(i: {
  assetNumber: string; chain: readonly AssetVersion[]; today: string; changes: readonly AssetChange[];
  changesOf: (orderId: string) => AssetChange[] | null;
}): ChainPlan {
  const plan = (v: AssetVersion, changes: readonly AssetChange[], today: string) =>
    planAssetChanges({ assetNumber: i.assetNumber, latest: stateOf(v), latestEffectiveFrom: v.effectiveFrom, priceModel: v.priceModel, today, changes });
  let j = i.chain.length - 1;
  let p: AssetPlan;
  for (;;) {
    const v = i.chain[j]!;
    try {
      p = plan(v, i.changes, i.today);
      break;
    } catch (e) {
      const future = v.effectiveFrom > i.today && j > 0;
      if (future && e instanceof DomainError && RETRY.has(e.code)) { j--; continue; }
      throw e;
    }
  }
  const base = i.chain[j]!;
  const later = i.chain.slice(j + 1);
  const first = i.changes[0]!;
  const next = later[0];
  if (next && p.effectiveFrom >= next.effectiveFrom) {
    if (next.cancellationDate) {
      throw invalid('CHANGE_AFTER_CANCELLATION', `${first.at}: ${i.assetNumber} is canceled from ${next.cancellationDate} by version ${next.version}; no change can be dated on or after it (${p.effectiveFrom})`);
    }
    throw conflict('STALE_CHANGE', `${first.at}: ${i.assetNumber}'s version ${next.version} takes effect on ${next.effectiveFrom}; this change (${p.effectiveFrom}) cannot be placed before it`);
  }
  // replay the later versions, one change order at a time, on the state this order leaves
  const replayed: Replayed[] = [];
  let state: { from: string; state: AssetState } = p.versions.at(-1)!;
  // one group per change order; an auto-renewal (a version of the same order continuing from its
  // predecessor's end with a longer term) replays as the Renew it was
  const groups: { versions: AssetVersion[]; changes: AssetChange[] | null }[] = [];
  for (const v of later) {
    const prev = i.chain[i.chain.indexOf(v) - 1];
    const renewal = prev && prev.orderId === v.orderId && prev.endDate && v.effectiveFrom === dayAfter(prev.endDate) && (v.term ?? 0) > (prev.term ?? 0);
    const g = groups.at(-1);
    if (renewal) groups.push({ versions: [v], changes: [{ at: `version ${v.version}`, assetNumber: i.assetNumber, changeType: 'Renew', renewalTerm: v.term! - prev.term! }] });
    else if (g && g.versions[0]!.orderId === v.orderId && g.changes?.[0]?.changeType !== 'Renew') g.versions.push(v);
    else groups.push({ versions: [v], changes: i.changesOf(v.orderId) });
  }
  for (const { versions: g, changes } of groups) {
    const v = g[0]!;
    if (!changes || changes.length === 0) {
      throw conflict('STALE_CHANGE', `${first.at}: ${i.assetNumber}'s version ${v.version} (from ${v.effectiveFrom}) was not made by a change order and cannot be re-derived; date the change on or after ${v.effectiveFrom}`);
    }
    let rp: AssetPlan;
    try {
      rp = planAssetChanges({
        assetNumber: i.assetNumber, latest: { ...state.state }, latestEffectiveFrom: state.from, priceModel: v.priceModel, today: v.effectiveFrom,
        changes: changes.map((c) => ({ ...c, assetNumber: i.assetNumber })),
      });
    } catch (e) {
      if (!(e instanceof DomainError)) throw e;
      throw invalid('REDERIVE_FAILED', `${first.at}: ${i.assetNumber}'s version ${v.version} (from ${v.effectiveFrom}) cannot be re-derived on top of this change: ${e.message}`);
    }
    replayed.push({ supersedes: g, orderId: v.orderId, orderProductId: v.orderProductId, plan: rp });
    state = rp.versions.at(-1)!;
  }
  return { base, plan: p, replayed };
}
