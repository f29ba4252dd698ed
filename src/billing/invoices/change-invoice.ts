import { periodMonths, proratedFraction } from '../../core/billing-periods.js';
import { parseDate, type PlainDate } from '../../core/dates.js';
import { Dec } from '../../core/money.js';
import { dueItems, type Charge, type InvoiceItemDraft } from './builder.js';

// A change order's invoice items (DESIGN "Change orders"): per period, what the asset owes under
// its new versions minus what it owed under the previous ones — the difference, not what is unbilled —
// from the change date through `through` (the later of the end of the last period already billed
// and the end of the period containing the change date). Billing runs bill the rest as due minus
// billed, so nothing is billed twice whichever comes first. Pure.

const D = (s: string) => parseDate(s, 'date');

export function changeItems(before: Charge | null, after: Charge, from: string, through: PlainDate, today: PlainDate): InvoiceItemDraft[] {
  const opts = { today, targetDate: through, paymentTerm: null };
  const key = (i: InvoiceItemDraft) => `${i.charge}|${i.periodStart}`;
  const old = new Map((before ? dueItems([before], [], opts) : []).map((i) => [key(i), i]));
  const now = new Map(dueItems([after], [], opts).map((i) => [key(i), i]));
  const out: InvoiceItemDraft[] = [];
  for (const k of new Set([...old.keys(), ...now.keys()])) {
    const o = old.get(k);
    const n = now.get(k);
    const end = [o?.endDate, n?.endDate].filter((x): x is string => !!x).sort().at(-1)!;
    if (end < from) continue;
    const amount = (n?.amount ?? new Dec(0)).minus(o?.amount ?? 0);
    const tax = (n?.taxAmount ?? new Dec(0)).minus(o?.taxAmount ?? 0);
    if (amount.isZero() && tax.isZero()) continue;
    const like = n ?? o!;
    // what a shortened contract no longer covers starts the day after its new end
    const start = n && o && n.endDate < o.endDate ? D(n.endDate).add({ days: 1 }).toString() : like.startDate < from ? from : like.startDate;
    const f = like.periodEnd && like.charge === 'Recurring'
      ? proratedFraction({ start: D(start), endInclusive: D(end < like.periodEnd ? end : like.periodEnd), period: { n: 0, start: D(like.periodStart), end: D(like.periodEnd) }, months: periodMonths(after.terms.billingPeriod), basis: after.terms.basis })
      : { numerator: like.numerator, denominator: like.denominator };
    out.push({
      ...like, startDate: start, endDate: end, numerator: f.numerator, denominator: f.denominator,
      // the units added or removed; when only the dates moved, the units billed for them
      quantity: quantityOf(n, o), amount, taxAmount: tax,
    });
  }
  return out.sort((a, b) => (a.periodStart < b.periodStart ? -1 : a.periodStart > b.periodStart ? 1 : 0));
}

function quantityOf(n: InvoiceItemDraft | undefined, o: InvoiceItemDraft | undefined): Dec {
  const delta = (n?.quantity ?? new Dec(0)).minus(o?.quantity ?? 0);
  return delta.isZero() && n ? n.quantity : delta;
}
