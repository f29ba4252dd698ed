import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { allocateCredit, type CreditApplication, type OpenCredit } from '../../src/billing/memos/credit-allocation.js';
import { Dec } from '../../src/core/money.js';

const shown = (apps: CreditApplication[]) => apps.map((a) => [a.memoId, a.amount.toString()]);
const memos = (...balances: string[]): OpenCredit[] => balances.map((balance, i) => ({ id: `m${i}`, balance }));

describe('credit allocation vectors', () => {
  it('oldest first: the older memo is used up, the newer one pays the rest (seed: 29.70 against 10 and 50)', () => {
    expect(shown(allocateCredit('29.70', memos('10', '50')))).toEqual([['m0', '10'], ['m1', '19.7']]);
  });

  it('stops when the invoice owes nothing: a later memo keeps its credit', () => {
    expect(shown(allocateCredit('30', memos('10', '20', '5')))).toEqual([['m0', '10'], ['m1', '20']]);
  });

  it('credit short of the balance: every memo applies all it has', () => {
    expect(shown(allocateCredit('100', memos('10', '20.55')))).toEqual([['m0', '10'], ['m1', '20.55']]);
  });

  it('one memo larger than the balance applies only the balance', () => {
    expect(shown(allocateCredit('9.99', memos('1000')))).toEqual([['m0', '9.99']]);
  });

  it('an invoice that owes nothing (or less) takes nothing; no memos, nothing applied', () => {
    expect(allocateCredit('0', memos('10'))).toEqual([]);
    expect(allocateCredit('-5', memos('10'))).toEqual([]);
    expect(allocateCredit('10', [])).toEqual([]);
  });

  it('a memo with no credit left applies nothing and the next one goes on', () => {
    expect(shown(allocateCredit('5', memos('0', '3', '4')))).toEqual([['m1', '3'], ['m2', '2']]);
  });

  it('decimal, not float: 0.1 + 0.2 pays 0.3 exactly; Dec inputs work as strings do', () => {
    expect(shown(allocateCredit('0.3', memos('0.1', '0.2', '1')))).toEqual([['m0', '0.1'], ['m1', '0.2']]);
    expect(shown(allocateCredit(new Dec('0.005'), [{ id: 'a', balance: new Dec('0.002') }, { id: 'b', balance: new Dec('1') }]))).toEqual([['a', '0.002'], ['b', '0.003']]);
  });
});

// amounts in minor units, so the properties see cents, exact ties and zeros
const money = (max: number) => fc.integer({ min: 0, max }).map((c) => new Dec(c).div(100));
const openCredit = fc.array(money(50_000), { maxLength: 8 }).map((bs) => bs.map((balance, i) => ({ id: `m${i}`, balance })));

/** What each memo got, by its position (0 when it got nothing). */
const appliedPer = (ms: readonly OpenCredit[], apps: CreditApplication[]) =>
  ms.map((m) => apps.filter((a) => a.memoId === m.id).reduce((s, a) => s.plus(a.amount), new Dec(0)));

describe('credit allocation properties', () => {
  it('applies min(invoice balance, Σ memo balances) in all', () => {
    fc.assert(fc.property(money(100_000), openCredit, (balance, ms) => {
      const total = allocateCredit(balance, ms).reduce((s, a) => s.plus(a.amount), new Dec(0));
      const credit = ms.reduce((s, m) => s.plus(m.balance), new Dec(0));
      expect(total.toString()).toBe(Dec.min(balance, credit).toString());
    }));
  });

  it('no memo applies more than its balance, none twice, and every application is > 0', () => {
    fc.assert(fc.property(money(100_000), openCredit, (balance, ms) => {
      const apps = allocateCredit(balance, ms);
      expect(new Set(apps.map((a) => a.memoId)).size).toBe(apps.length);
      for (const a of apps) expect(a.amount.gt(0)).toBe(true);
      appliedPer(ms, apps).forEach((got, i) => expect(got.lte(ms[i]!.balance)).toBe(true));
    }));
  });

  it('oldest first: a later memo gets something only when every earlier one is used up', () => {
    fc.assert(fc.property(money(100_000), openCredit, (balance, ms) => {
      const apps = allocateCredit(balance, ms);
      const got = appliedPer(ms, apps);
      got.forEach((g, j) => {
        if (g.gt(0)) for (let i = 0; i < j; i++) expect(got[i]!.toString()).toBe(new Dec(ms[i]!.balance).toString());
      });
      // and the applications come in the memos' order
      const order = apps.map((a) => ms.findIndex((m) => m.id === a.memoId));
      expect(order).toEqual([...order].sort((a, b) => a - b));
    }));
  });

  it('the invoice never goes below zero, after any application; one that owes nothing takes nothing', () => {
    fc.assert(fc.property(fc.integer({ min: -10_000, max: 100_000 }).map((c) => new Dec(c).div(100)), openCredit, (balance, ms) => {
      const apps = allocateCredit(balance, ms);
      if (balance.lte(0)) expect(apps).toEqual([]);
      let due = balance;
      for (const a of apps) {
        due = due.minus(a.amount);
        expect(due.gte(0)).toBe(true);
      }
    }));
  });
});
