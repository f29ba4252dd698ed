import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { Dec, allocate, isCurrency, minorUnits, parseAmount, percentOf, roundMoney, sumMoney, toJsonNumber, toMoneyString } from '../../src/core/money.js';
import { DomainError } from '../../src/core/errors.js';

const amount = fc.tuple(fc.bigInt({ min: -(10n ** 12n), max: 10n ** 12n }), fc.integer({ min: 0, max: 8 }))
  .map(([units, scale]) => new Dec(units.toString()).dividedBy(new Dec(10).pow(scale)));

describe('money', () => {
  it('knows minor units from ISO 4217', () => {
    expect([minorUnits('USD'), minorUnits('EUR'), minorUnits('JPY'), minorUnits('KRW'), minorUnits('BHD'), minorUnits('KWD'), minorUnits('CLF')]).toEqual([2, 2, 0, 0, 3, 3, 4]);
    expect(isCurrency('GBP')).toBe(true);
    expect(isCurrency('XYZ')).toBe(false);
    expect(() => minorUnits('XYZ')).toThrow(DomainError);
  });

  it('rounds half away from zero to the minor unit', () => {
    expect(roundMoney('2.675', 'USD').toFixed(2)).toBe('2.68');
    expect(roundMoney('-2.675', 'USD').toFixed(2)).toBe('-2.68');
    expect(roundMoney('2.665', 'USD').toFixed(2)).toBe('2.67');
    expect(roundMoney('1234.5', 'JPY').toFixed(0)).toBe('1235');
    expect(roundMoney('-1234.5', 'JPY').toFixed(0)).toBe('-1235');
    expect(roundMoney('1.2345', 'BHD').toFixed(3)).toBe('1.235');
    expect(toMoneyString('3.22625', 'USD')).toBe('3.23');
    expect(toMoneyString('7', 'BHD')).toBe('7.000');
  });

  it('never goes through binary floating point', () => {
    expect(new Dec('0.1').plus('0.2').toString()).toBe('0.3');
    expect(sumMoney(['0.1', '0.2', new Dec('0.3')]).toString()).toBe('0.6');
    expect(percentOf('118.8', '10.25').toString()).toBe('12.177');
    expect(percentOf('100', '8.625').toString()).toBe('8.625');
    expect(toJsonNumber(new Dec('2.97'))).toBe(2.97);
  });

  it('parses JSON numbers and decimal strings, and rejects the rest naming the field', () => {
    expect(parseAmount(0.1, 'price').toString()).toBe('0.1');
    expect(parseAmount('12.30', 'price').toFixed(2)).toBe('12.30');
    expect(parseAmount('-1', 'price').toString()).toBe('-1');
    for (const bad of [Number.NaN, Number.POSITIVE_INFINITY, '', 'abc', '1e2', '1.', '.5', '1,5', null, undefined, {}, true]) {
      expect(() => parseAmount(bad, 'lines/0/price')).toThrow('lines/0/price must be a decimal number');
    }
  });

  it('rounding is idempotent and within half a minor unit', () => {
    fc.assert(fc.property(amount, fc.constantFrom('USD', 'JPY', 'BHD'), (x, cur) => {
      const r = roundMoney(x, cur);
      expect(roundMoney(r, cur).equals(r)).toBe(true);
      const half = new Dec(10).pow(-minorUnits(cur)).dividedBy(2);
      expect(r.minus(x).abs().lte(half)).toBe(true);
      expect(roundMoney(x.negated(), cur).equals(r.negated())).toBe(true); // a credit mirrors its charge
    }));
  });

  it('allocates exactly, by largest remainder', () => {
    expect(allocate('100', [1, 1, 1], 'USD').map((d) => d.toFixed(2))).toEqual(['33.34', '33.33', '33.33']);
    expect(allocate('-100', [1, 1, 1], 'USD').map((d) => d.toFixed(2))).toEqual(['-33.34', '-33.33', '-33.33']);
    expect(allocate('10', [1, 2], 'JPY').map((d) => d.toFixed(0))).toEqual(['3', '7']);
    expect(() => allocate('10', [0, 0], 'USD')).toThrow(DomainError);
    fc.assert(fc.property(amount, fc.array(fc.integer({ min: 0, max: 1000 }), { minLength: 1, maxLength: 12 }).filter((w) => w.some((x) => x > 0)), (total, weights) => {
      const parts = allocate(total, weights, 'USD');
      expect(sumMoney(parts).equals(roundMoney(total, 'USD'))).toBe(true);
      for (const p of parts) expect(roundMoney(p, 'USD').equals(p)).toBe(true);
    }));
  });
});

describe('minor units per currency: gateway amounts and money strings', () => {
  it('converts to and from whole minor units with ISO 4217 exponents', async () => {
    const { toMinorUnits, fromMinorUnits, toMoneyString } = await import('../../src/core/money.js');
    expect(toMinorUnits('29.70', 'USD')).toBe(2970);
    expect(toMinorUnits('2.675', 'USD')).toBe(268);
    expect(toMinorUnits('1234', 'JPY')).toBe(1234);
    expect(toMinorUnits('1234.5', 'JPY')).toBe(1235);
    expect(toMinorUnits('1.2345', 'KWD')).toBe(1235);
    expect(toMinorUnits('-1.5', 'BHD')).toBe(-1500);
    expect(fromMinorUnits(2970, 'USD').toString()).toBe('29.7');
    expect(fromMinorUnits(1234, 'JPY').toString()).toBe('1234');
    expect(fromMinorUnits(1235, 'KWD').toString()).toBe('1.235');
    expect(() => fromMinorUnits(1.5, 'USD')).toThrow();
    expect(toMoneyString('29.7', 'USD')).toBe('29.70');
    expect(toMoneyString('1234', 'JPY')).toBe('1234');
    expect(toMoneyString('1.2345', 'KWD')).toBe('1.235');
    expect(toMoneyString('7', 'OMR')).toBe('7.000');
  });
});
