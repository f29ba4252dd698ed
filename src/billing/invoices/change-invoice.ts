import { maxDate, parseDate, type PlainDate } from '../../core/dates.js';
import { schedule, type ScheduledPeriod } from '../periods.js';
import { dueItems, ledgerByKey, type BilledItem, type Charge, type InvoiceItemDraft } from './builder.js';
import { fullCorrection, netsToZero, periodCorrection, sum as total, sumTax as totalTax, windowCorrection } from './corrections.js';
import { firstDifference, piecesOf } from './pieces.js';

// A change order's invoice items (DESIGN §4 Change orders): only what was already billed is
// corrected at once. For each period of the asset with a non-canceled billed item, what the new
// versions make due there minus what was billed, as correction items (corrections.ts). Periods not
// billed yet get nothing now: billing runs bill them under the new versions. So a cancellation
// dated after the billed periods credits nothing, and a renewal is invoiced when a run reaches it.
// Pure.

const D = (s: string) => parseDate(s, 'date');

export function changeItems(before: Charge | null, after: Charge, billed: readonly BilledItem[], today: PlainDate): InvoiceItemDraft[] {
  const mine = billed.filter((b) => b.assetNumber === after.assetNumber);
  if (after.kind === 'OneTime') {
    return mine.some((b) => b.charge === 'OneTime') ? dueItems([after], mine, { today, targetDate: maxDate(today, after.terms.start), paymentTerm: null }) : [];
  }
  const ledger = ledgerByKey(mine.filter((b) => b.charge === 'Recurring'));
  if (ledger.size === 0) return [];
  const through = [...ledger.values()].map((l) => D(l[0]!.periodStart)).reduce((a, b) => maxDate(a, b));
  const byStart = (c: Charge | null) => new Map<string, ScheduledPeriod>((c ? schedule(c.terms, through) : []).map((p) => [p.periodStart.toString(), p]));
  const [periodsAfter, periodsBefore] = [byStart(after), byStart(before)];
  const out: InvoiceItemDraft[] = [];
  for (const live of ledger.values()) {
    if (netsToZero(live)) continue;       // credited in full earlier: not billed
    const ps = live[0]!.periodStart;
    const pa = periodsAfter.get(ps) ?? null;
    const pb = periodsBefore.get(ps) ?? null;
    const due = pa ? piecesOf(after, pa) : [];
    if (total(due).eq(total(live)) && totalTax(due).eq(totalTax(live))) continue;
    const key = pa ?? pb ?? { periodStart: D(ps), periodEnd: D(live.map((x) => x.endDate ?? ps).sort().at(-1)!) };
    const from = firstDifference(before, after, key.periodStart, key.periodEnd) ?? key.periodStart;
    // against the previous versions when they billed it; else against what its items say billed it
    const items = before ? windowCorrection({ before, after, key, pb, pa, live, from }) : null;
    out.push(...(items ?? (pa ? periodCorrection(after, pa, live) : fullCorrection(after, key, pa, live))));
  }
  return out.sort((a, b) => a.periodStart.localeCompare(b.periodStart));
}
