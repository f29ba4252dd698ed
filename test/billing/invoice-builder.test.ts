import { readFileSync } from 'node:fs';
import fc from 'fast-check';
import { Temporal } from 'temporal-polyfill';
import { describe, expect, it } from 'vitest';
import { buildInvoice, dueItems, type BilledItem, type Charge } from '../../src/billing/invoices/builder.js';
import { dueDate } from '../../src/billing/periods.js';
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
    kind: 'Recurring', timing: c.timing, quantity: new Dec(1), netSalesPrice: monthly, monthly, totalPrice: new Dec(c.totalPrice), taxAmount: new Dec(c.taxAmount), taxRate: null, currency: 'USD',
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
  const ledger = (items: ReturnType<typeof dueItems>): BilledItem[] => items.map((i) => ({ assetNumber: i.assetNumber, charge: i.charge, periodStart: i.periodStart, amount: i.amount, taxAmount: i.taxAmount }));

  it('bills nothing twice: a rerun after billing finds nothing due', () => {
    const first = dueItems([tc1], [], { today: D('2023-09-01'), targetDate: D('2023-09-01'), paymentTerm: 'Net 30' });
    expect(first.map((i) => [i.startDate, i.amount.toFixed(2)])).toEqual([['2023-06-22', '2.97'], ['2023-07-01', '9.90'], ['2023-08-01', '9.90'], ['2023-09-01', '9.90']]);
    expect(buildInvoice([tc1], ledger(first), { today: D('2023-09-01'), targetDate: D('2023-09-01'), paymentTerm: 'Net 30' })).toBeNull();
  });

  it('month by month equals all at once, and the whole term adds up to totalPrice and taxAmount', () => {
    let billed: BilledItem[] = [];
    for (let m = 0; m <= 12; m++) {
      const target = D('2023-06-22').add({ months: m });
      billed = [...billed, ...ledger(dueItems([tc1], billed, { today: target, targetDate: target, paymentTerm: 'Net 30' }))];
    }
    const sum = (f: (b: BilledItem) => Dec) => billed.reduce((a, b) => a.plus(f(b)), new Dec(0)).toFixed(2);
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

describe('versions as segments, property', () => {
  const ledgerOf = (items: ReturnType<typeof dueItems>): BilledItem[] => items.map((i) => ({
    assetNumber: i.assetNumber, charge: i.charge, periodStart: i.periodStart, amount: i.amount, taxAmount: i.taxAmount, quantity: i.quantity, startDate: i.startDate, endDate: i.endDate,
    netSalesPrice: i.netSalesPrice, numerator: i.numerator, denominator: i.denominator, assetId: i.assetId, orderProductId: i.orderProductId, correctsInvoiceItemId: i.correctsInvoiceItemId ?? null,
  }));
  const seg = (from: Temporal.PlainDate, to: Temporal.PlainDate | null, qty: number, unit: Dec, tax: Dec, months: Dec): NonNullable<Charge['segments']>[number] => ({
    from, to, monthly: unit.times(qty), taxRate: null, taxAmount: tax.times(qty), taxMonths: months, quantity: new Dec(qty), netSalesPrice: unit, orderProductId: `l${qty}`, assetId: `a${qty}`,
  });
  const total = (items: ReturnType<typeof dueItems>) => items.reduce((a, i) => a.plus(i.amount), new Dec(0));
  const arb = fc.record({
    start: day, term: fc.integer({ min: 1, max: 24 }), cents: fc.integer({ min: 1, max: 50_000 }), qty: fc.integer({ min: 1, max: 20 }), k: fc.integer({ min: 1, max: 10 }),
    changeDay: fc.integer({ min: 0, max: 700 }), billEvery: fc.integer({ min: 1, max: 4 }),
    period: fc.constantFrom<BillingPeriod>('Month', 'Quarter', 'Annual'), bcd: fc.integer({ min: 1, max: 31 }), basis: fc.constantFrom<TermBasis>('US30360', 'Actual'),
  });
  const setup = (a: typeof arb extends fc.Arbitrary<infer T> ? T : never) => {
    const unit = new Dec(a.cents).dividedBy(100);
    const end = termEndDate(a.start, a.term, 'Month');
    const months = new Dec(a.term);
    const tax = roundMoney(unit.times(a.term).times('0.08625'), 'USD').dividedBy(1);
    const base: Charge = {
      ...charge(vectors[0]!.charge), monthly: unit.times(a.qty), quantity: new Dec(a.qty), netSalesPrice: unit, totalPrice: roundMoney(unit.times(a.qty).times(a.term), 'USD'), taxAmount: tax.times(a.qty),
      terms: { start: a.start, end, termMonths: months, billingPeriod: a.period, billCycleDay: a.bcd, billingStartMonth: null, basis: a.basis, prorationEnabled: true },
    };
    const d = Temporal.PlainDate.from(a.start).add({ days: a.changeDay % Math.max(1, a.start.until(end).days + 1) });
    return { unit, end, months, tax, base, d };
  };

  it('a change and its exact reversal on the same date net to zero money, however often billing ran between', () => {
    fc.assert(fc.property(arb, (a) => {
      const { unit, end, months, tax, base, d } = setup(a);
      const after = end.add({ days: 1 });
      const plain = dueItems([base], [], { today: after, targetDate: after, paymentTerm: null });
      // bill up to the change, change (+k), bill through, reverse (−k) on the same date, bill to the end
      let billed: BilledItem[] = ledgerOf(dueItems([base], [], { today: d, targetDate: d, paymentTerm: null }));
      const up = { ...base, segments: [seg(a.start, d.subtract({ days: 1 }), a.qty, unit, tax, months), seg(d, null, a.qty + a.k, unit, tax, months)] };
      billed = [...billed, ...ledgerOf(dueItems([up], billed, { today: d, targetDate: d.add({ months: a.billEvery }), paymentTerm: null }))];
      const back = { ...base, segments: [seg(a.start, d.subtract({ days: 1 }), a.qty, unit, tax, months), seg(d, d.subtract({ days: 1 }), a.qty + a.k, unit, tax, months), seg(d, null, a.qty, unit, tax, months)] };
      billed = [...billed, ...ledgerOf(dueItems([back], billed, { today: after, targetDate: after, paymentTerm: null }))];
      const sum = (f: (b: BilledItem) => Dec) => billed.reduce((x, b) => x.plus(f(b)), new Dec(0));
      expect(sum((b) => b.amount).equals(total(plain))).toBe(true);
      expect(sum((b) => b.taxAmount).equals(plain.reduce((x, i) => x.plus(i.taxAmount), new Dec(0)))).toBe(true);
      expect(sum((b) => b.amount).equals(base.totalPrice)).toBe(true);
    }));
  });

  it('billing a changed asset in steps equals billing it at once, and one segment equals none', () => {
    fc.assert(fc.property(arb, (a) => {
      const { unit, end, months, tax, base, d } = setup(a);
      const after = end.add({ days: 1 });
      const one = { ...base, segments: [seg(a.start, null, a.qty, unit, tax, months)] };
      expect(dueItems([one], [], { today: after, targetDate: after, paymentTerm: null }).map((i) => i.amount.toString()))
        .toEqual(dueItems([base], [], { today: after, targetDate: after, paymentTerm: null }).map((i) => i.amount.toString()));
      const changed = { ...base, segments: [seg(a.start, d.subtract({ days: 1 }), a.qty, unit, tax, months), seg(d, null, a.qty + a.k, unit, tax, months)] };
      const atOnce = total(dueItems([changed], [], { today: after, targetDate: after, paymentTerm: null }));
      let billed: BilledItem[] = ledgerOf(dueItems([base], [], { today: d, targetDate: d, paymentTerm: null }));
      for (let t = d; t.until(after).days > 0; t = t.add({ months: a.billEvery })) {
        billed = [...billed, ...ledgerOf(dueItems([changed], billed, { today: t, targetDate: t, paymentTerm: null }))];
      }
      billed = [...billed, ...ledgerOf(dueItems([changed], billed, { today: after, targetDate: after, paymentTerm: null }))];
      expect(billed.reduce((x, b) => x.plus(b.amount), new Dec(0)).equals(atOnce)).toBe(true);
    }));
  });

  it('at one rate, a changed asset billed in steps is taxed round(r × what it billed) in all (cumulative tax, issue 14 g)', () => {
    fc.assert(fc.property(arb, fc.constantFrom('0.08625', '0.1025', '0.063333'), (a, r) => {
      const { unit, end, months, tax, base, d } = setup(a);
      const rate = new Dec(r);
      const after = end.add({ days: 1 });
      const at = (x: ReturnType<typeof seg>) => ({ ...x, taxRate: rate });
      const plain = { ...base, taxRate: rate };
      const changed = { ...plain, segments: [at(seg(a.start, d.subtract({ days: 1 }), a.qty, unit, tax, months)), at(seg(d, null, a.qty + a.k, unit, tax, months))] };
      let billed: BilledItem[] = ledgerOf(dueItems([plain], [], { today: d, targetDate: d, paymentTerm: null }));
      for (let t = d; t.until(after).days > 0; t = t.add({ months: a.billEvery })) {
        billed = [...billed, ...ledgerOf(dueItems([changed], billed, { today: t, targetDate: t, paymentTerm: null }))];
      }
      billed = [...billed, ...ledgerOf(dueItems([changed], billed, { today: after, targetDate: after, paymentTerm: null }))];
      const sum = (f: (b: BilledItem) => Dec) => billed.reduce((x, b) => x.plus(f(b)), new Dec(0));
      expect(sum((b) => b.taxAmount).toFixed(2)).toBe(roundMoney(sum((b) => b.amount).times(rate), 'USD').toFixed(2));
      // one version: the whole term's tax is the line's, round(r × totalPrice)
      const once = dueItems([plain], [], { today: after, targetDate: after, paymentTerm: null });
      expect(once.reduce((x, i) => x.plus(i.taxAmount), new Dec(0)).toFixed(2)).toBe(roundMoney(base.totalPrice.times(rate), 'USD').toFixed(2));
    }));
  });

  it('Stripe S1: 10 → 20 a month at exactly mid-period is +5 for the rest of it', () => {
    const c: Charge = { ...charge({ ...vectors[0]!.charge, start: '2024-01-01', end: '2024-12-31', termMonths: '12', monthly: '10', totalPrice: '120', taxAmount: '0', billCycleDay: 1 }) };
    const first = dueItems([c], [], { today: D('2024-04-01'), targetDate: D('2024-04-01'), paymentTerm: null });
    expect(first.at(-1)!.amount.toFixed(2)).toBe('10.00');
    const v1 = { ...seg(D('2024-01-01'), D('2024-04-15'), 1, new Dec(10), new Dec(0), new Dec(12)), assetId: c.assetId, orderProductId: c.orderProductId };
    const up = { ...c, segments: [v1, { ...seg(D('2024-04-16'), null, 1, new Dec(20), new Dec(0), new Dec(12)), assetId: 'v2' }] };
    const delta = dueItems([up], ledgerOf(first), { today: D('2024-04-16'), targetDate: D('2024-04-16'), paymentTerm: null });
    // a correction pair: the reversal of what April billed from the 16th, and the charge at the new price
    expect(delta.map((i) => [i.startDate, i.endDate, i.quantity.toNumber(), i.netSalesPrice.toNumber(), i.amount.toFixed(2), i.numerator, i.denominator, i.chargeType]))
      .toEqual([['2024-04-16', '2024-04-30', -1, 10, '-5.00', 15, 30, 'Adjustment'], ['2024-04-16', '2024-04-30', 1, 20, '10.00', 15, 30, 'Adjustment']]);
  });
});
