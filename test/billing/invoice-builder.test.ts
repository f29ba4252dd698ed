import { readFileSync } from 'node:fs';
import fc from 'fast-check';
import { Temporal } from 'temporal-polyfill';
import { describe, expect, it } from 'vitest';
import { buildInvoice, dueItems, type BilledPeriod, type Charge } from '../../src/billing/invoice-builder.js';
import { dueDate } from '../../src/billing/schedule.js';
import { termEndDate } from '../../src/core/dates.js';
import { Dec, roundMoney } from '../../src/core/money.js';
import type { BillingPeriod } from '../../src/core/billing-periods.js';
import type { TermBasis } from '../../src/core/day-count.js';
import { day } from '../support/arbitraries.js';

interface Vector {
  name: string; source: string; policy: string; today: string; targetDate: string; firstPeriodOnly: boolean;
  charge: { start: string; end: string | null; termMonths: string | null; monthly: string; monthlyExpr?: string; totalPrice: string; taxAmount: string; basis: TermBasis; billCycleDay: number; billingPeriod: BillingPeriod; billingStartMonth?: number; timing: 'InAdvance' | 'InArrears' };
  expect: { items: [string, string, number, number, string, string][]; amount: string; invoiceDate: string; dueDate: string };
}
const vectors: Vector[] = JSON.parse(readFileSync(new URL('../vectors/billing.json', import.meta.url), 'utf8'));
const D = (s: string) => Temporal.PlainDate.from(s);

function charge(c: Vector['charge'] | (Omit<Vector['charge'], 'start' | 'end'> & { start: string; end: string | null })): Charge {
  const monthly = c.monthlyExpr ? new Dec(c.monthlyExpr.split('/')[0]!).dividedBy(c.monthlyExpr.split('/')[1]!) : new Dec(c.monthly);
  return {
    assetId: 'a1', assetNumber: 'SUB-000001', assetType: 'Subscription', orderProductId: 'l1', productId: 'p1', productName: 'Nue Platform', uomId: null,
    kind: 'Recurring', timing: c.timing, quantity: new Dec(1), netSalesPrice: monthly, monthly, totalPrice: new Dec(c.totalPrice), taxAmount: new Dec(c.taxAmount), currency: 'USD',
    terms: {
      start: D(c.start), end: c.end ? D(c.end) : null, termMonths: c.termMonths ? new Dec(c.termMonths) : null, billingPeriod: c.billingPeriod,
      billCycleDay: c.billCycleDay, billingStartMonth: c.billingStartMonth ?? null, basis: c.basis, prorationEnabled: true,
    },
  };
}

describe('invoice vectors', () => {
  it.each(vectors)('$name ($policy)', (v) => {
    const inv = buildInvoice([charge(v.charge)], [], { today: D(v.today), targetDate: D(v.targetDate), paymentTerm: 'Net 30', firstPeriodOnly: v.firstPeriodOnly })!;
    expect(inv.items.map((i) => [i.startDate, i.endDate, i.numerator, i.denominator, i.amount.toFixed(2), i.taxAmount.toFixed(2)])).toEqual(v.expect.items);
    expect([inv.amount.toFixed(2), inv.invoiceDate, inv.dueDate]).toEqual([v.expect.amount, v.expect.invoiceDate, v.expect.dueDate]);
  });
});

describe('due minus billed', () => {
  const tc1 = charge(vectors[0]!.charge);
  const ledger = (items: ReturnType<typeof dueItems>): BilledPeriod[] => items.map((i) => ({ assetNumber: i.assetNumber, charge: i.charge, periodStart: i.periodStart, amount: i.amount, taxAmount: i.taxAmount }));

  it('bills nothing twice: a rerun after billing finds nothing due', () => {
    const first = dueItems([tc1], [], { today: D('2023-09-01'), targetDate: D('2023-09-01'), paymentTerm: 'Net 30' });
    expect(first.map((i) => [i.startDate, i.amount.toFixed(2)])).toEqual([['2023-06-22', '2.97'], ['2023-07-01', '9.90'], ['2023-08-01', '9.90'], ['2023-09-01', '9.90']]);
    expect(buildInvoice([tc1], ledger(first), { today: D('2023-09-01'), targetDate: D('2023-09-01'), paymentTerm: 'Net 30' })).toBeNull();
  });

  it('month by month equals all at once, and the whole term adds up to totalPrice and taxAmount', () => {
    let billed: BilledPeriod[] = [];
    for (let m = 0; m <= 12; m++) {
      const target = D('2023-06-22').add({ months: m });
      billed = [...billed, ...ledger(dueItems([tc1], billed, { today: target, targetDate: target, paymentTerm: 'Net 30' }))];
    }
    const sum = (f: (b: BilledPeriod) => Dec) => billed.reduce((a, b) => a.plus(f(b)), new Dec(0)).toFixed(2);
    expect([billed.length, sum((b) => b.amount), sum((b) => b.taxAmount)]).toEqual([13, '118.80', '10.25']);
    const atOnce = dueItems([tc1], [], { today: D('2024-07-01'), targetDate: D('2024-07-01'), paymentTerm: 'Net 30' });
    expect(atOnce.map((i) => i.amount.toFixed(2))).toEqual(billed.map((b) => b.amount.toFixed(2)));
    expect(atOnce.at(-1)!.startDate).toBe('2024-06-01');
    expect(atOnce.at(-1)!.endDate).toBe('2024-06-21');
  });

  it('in arrears, a period is billed the day after it ends', () => {
    const arrears = { ...tc1, timing: 'InArrears' as const };
    expect(dueItems([arrears], [], { today: D('2023-06-30'), targetDate: D('2023-06-30'), paymentTerm: null })).toEqual([]);
    expect(dueItems([arrears], [], { today: D('2023-07-01'), targetDate: D('2023-07-01'), paymentTerm: null }).map((i) => i.endDate)).toEqual(['2023-06-30']);
  });

  it('a one-time charge bills its whole total once', () => {
    const once: Charge = { ...tc1, kind: 'OneTime', assetType: 'Asset', totalPrice: new Dec(98), taxAmount: new Dec('8.45') };
    const items = dueItems([once], [], { today: D('2023-06-22'), targetDate: D('2023-06-22'), paymentTerm: null });
    expect(items.map((i) => [i.amount.toFixed(2), i.taxAmount.toFixed(2)])).toEqual([['98.00', '8.45']]);
    expect(dueItems([once], ledger(items), { today: D('2024-01-01'), targetDate: D('2024-01-01'), paymentTerm: null })).toEqual([]);
  });

  it('without proration a partial first period bills in full; the term still adds up', () => {
    const flat = { ...tc1, terms: { ...tc1.terms, prorationEnabled: false } };
    const items = dueItems([flat], [], { today: D('2024-07-01'), targetDate: D('2024-07-01'), paymentTerm: null });
    expect(items[0]!.amount.toFixed(2)).toBe('9.90');
    expect(items.reduce((a, i) => a.plus(i.amount), new Dec(0)).toFixed(2)).toBe('118.80');
  });

  it('due dates follow the payment term', () => {
    expect(dueDate(D('2024-05-07'), 'Net 30').toString()).toBe('2024-06-06');
    expect(dueDate(D('2024-05-07'), 'Due on Receipt').toString()).toBe('2024-05-07');
    expect(dueDate(D('2024-05-07'), 'Net 45').toString()).toBe('2024-06-21');
  });
});

describe('cumulative rounding, property', () => {
  it('whatever the start, period, bill cycle day and basis, a term\'s invoices add up to its totalPrice and taxAmount', () => {
    fc.assert(fc.property(day, fc.integer({ min: 1, max: 36 }), fc.integer({ min: 1, max: 99_999 }), fc.integer({ min: 0, max: 2000 }),
      fc.constantFrom<BillingPeriod>('Month', 'Quarter', 'Semi-Annual', 'Annual'), fc.integer({ min: 1, max: 31 }), fc.constantFrom<TermBasis>('US30360', 'Actual'),
      (start, term, cents, taxBp, period, bcd, basis) => {
        const monthly = new Dec(cents).dividedBy(100);
        const totalPrice = roundMoney(monthly.times(term), 'USD');
        const taxAmount = roundMoney(totalPrice.times(taxBp).dividedBy(10_000), 'USD');
        const end = termEndDate(start, term, 'Month');
        const c: Charge = {
          ...charge(vectors[0]!.charge), monthly, totalPrice, taxAmount,
          terms: { start, end, termMonths: new Dec(term), billingPeriod: period, billCycleDay: bcd, billingStartMonth: null, basis, prorationEnabled: true },
        };
        const items = dueItems([c], [], { today: end.add({ days: 1 }), targetDate: end.add({ days: 1 }), paymentTerm: null });
        expect(items.reduce((a, i) => a.plus(i.amount), new Dec(0)).equals(totalPrice)).toBe(true);
        expect(items.reduce((a, i) => a.plus(i.taxAmount), new Dec(0)).equals(taxAmount)).toBe(true);
        // periods never overlap; a period whose share rounds to 0.00 has no item
        for (let k = 1; k < items.length; k++) expect(items[k]!.startDate > items[k - 1]!.endDate).toBe(true);
        if (items.length > 0) expect(items.at(-1)!.endDate <= end.toString()).toBe(true);
      }));
  });
});
