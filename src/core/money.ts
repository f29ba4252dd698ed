import { Decimal } from 'decimal.js';
import { invalid } from './errors.js';

// Money is decimal.js, never a binary float. Unit prices keep their precision; an amount is rounded
// once, to its currency's minor unit, half away from zero (a credit mirrors its charge), where it
// is stored. JSON numbers appear only in response mappers (toJsonNumber).
export const Dec = Decimal.clone({ precision: 40, rounding: Decimal.ROUND_HALF_UP });
export type Dec = Decimal;
export type DecimalInput = Decimal | string | number;

export const ZERO = new Dec(0);

// ISO 4217 minor units that are not 2. Every other listed code has 2.
const MINOR_UNITS_EXCEPTIONS: Record<string, number> = {
  BIF: 0, CLP: 0, DJF: 0, GNF: 0, ISK: 0, JPY: 0, KMF: 0, KRW: 0, PYG: 0, RWF: 0, UGX: 0, UYI: 0,
  VND: 0, VUV: 0, XAF: 0, XOF: 0, XPF: 0,
  BHD: 3, IQD: 3, JOD: 3, KWD: 3, LYD: 3, OMR: 3, TND: 3,
  CLF: 4, UYW: 4,
};
const TWO_DECIMAL = new Set((
  'AED AFN ALL AMD ANG AOA ARS AUD AWG AZN BAM BBD BDT BGN BMD BND BOB BRL BSD BTN BWP BYN BZD CAD CDF ' +
  'CHF CNY COP CRC CUP CVE CZK DKK DOP DZD EGP ERN ETB EUR FJD FKP GBP GEL GHS GIP GMD GTQ GYD HKD HNL ' +
  'HTG HUF IDR ILS INR IRR JMD KES KGS KHR KPW KYD KZT LAK LBP LKR LRD LSL MAD MDL MGA MKD MMK MNT MOP ' +
  'MRU MUR MVR MWK MXN MYR MZN NAD NGN NIO NOK NPR NZD PAB PEN PGK PHP PKR PLN QAR RON RSD RUB SAR SBD ' +
  'SCR SDG SEK SGD SHP SLE SOS SRD SSP STN SVC SYP SZL THB TJS TMT TOP TRY TTD TWD TZS UAH USD UYU UZS ' +
  'VES WST XCD YER ZAR ZMW ZWL').split(' '));

export function isCurrency(code: string): boolean {
  return TWO_DECIMAL.has(code) || Object.hasOwn(MINOR_UNITS_EXCEPTIONS, code);
}

export function minorUnits(currency: string): number {
  const exception = MINOR_UNITS_EXCEPTIONS[currency];
  if (exception !== undefined) return exception;
  if (TWO_DECIMAL.has(currency)) return 2;
  throw invalid('UNKNOWN_CURRENCY', `${currency} is not an ISO 4217 currency code`);
}

/** The currencies whose minor unit is not 2, with theirs (SQL that rounds per currency reads them). */
export const minorUnitExceptions = (): Readonly<Record<string, number>> => MINOR_UNITS_EXCEPTIONS;

export function dec(v: DecimalInput): Dec {
  return new Dec(v);
}

/** Rounds to the currency's minor unit, half away from zero: 2.675 → 2.68, -2.675 → -2.68. */
export function roundMoney(x: DecimalInput, currency: string): Dec {
  return new Dec(x).toDecimalPlaces(minorUnits(currency), Decimal.ROUND_HALF_UP);
}

const PLAIN_DECIMAL = /^-?\d+(\.\d+)?$/;

/** The significant digits of a plain or exponent decimal text ("-0.0120" → 3, "1.5e+21" → 2). */
function significantDigits(text: string): number {
  return text.replace(/^-/, '').replace(/e.*$/i, '').replace('.', '').replace(/^0+/, '').replace(/0+$/, '').length;
}

/** A JSON number keeps 15 significant digits exactly (binary64); more were rounded by the parser. */
export const JSON_NUMBER_DIGITS = 15;
/** A decimal string keeps up to 30 (Dec computes at 40: room for products and quotients). */
export const DECIMAL_STRING_DIGITS = 30;

/**
 * A request amount: a finite JSON number or a plain decimal string ("12.30", "-1"). A number with
 * more digits than a JSON number keeps is refused (never stored as the float it became), and so is a
 * string with more than `DECIMAL_STRING_DIGITS`.
 */
export function parseAmount(v: unknown, field: string): Dec {
  if (typeof v === 'number' && Number.isFinite(v)) {
    const text = String(v);
    if (significantDigits(text) > JSON_NUMBER_DIGITS || Math.abs(v) >= 1e21) {
      throw invalid('INVALID_AMOUNT', `${field} has more digits than a JSON number keeps exactly (${JSON_NUMBER_DIGITS} significant, below 1e21): send it as a decimal string such as "12.30"`);
    }
    return new Dec(text);
  }
  if (typeof v === 'string' && PLAIN_DECIMAL.test(v.trim())) {
    if (significantDigits(v.trim()) > DECIMAL_STRING_DIGITS) throw invalid('INVALID_AMOUNT', `${field} must have at most ${DECIMAL_STRING_DIGITS} significant digits`);
    return new Dec(v.trim());
  }
  throw invalid('INVALID_AMOUNT', `${field} must be a decimal number`);
}

/** For response mappers only: money is a number in JSON, as the seed shows. */
export function toJsonNumber(x: Dec): number {
  return Number(x.toString());
}

/** The amount as text with exactly the currency's minor digits (gateways, display): 29.7 USD → "29.70", 1234 JPY → "1234", 1.2345 KWD → "1.235". */
export function toMoneyString(x: DecimalInput, currency: string): string {
  return roundMoney(x, currency).toFixed(minorUnits(currency));
}

/** A gateway amount: the rounded amount as a whole number of minor units. 29.70 USD → 2970; 1234 JPY → 1234; 1.235 KWD → 1235. */
export function toMinorUnits(x: DecimalInput, currency: string): number {
  return roundMoney(x, currency).times(new Dec(10).pow(minorUnits(currency))).toNumber();
}

/** The inverse of toMinorUnits: 2970 USD → 29.7; 1235 KWD → 1.235. */
export function fromMinorUnits(units: number | string, currency: string): Dec {
  const n = new Dec(units);
  if (!n.isInteger()) throw invalid('INVALID_AMOUNT', `${String(units)} is not a whole number of minor units`);
  return n.dividedBy(new Dec(10).pow(minorUnits(currency)));
}

export function sumMoney(xs: Iterable<DecimalInput>): Dec {
  let total = ZERO;
  for (const x of xs) total = total.plus(x);
  return total;
}

/** `percent` is in percent units (30 = 30%, 8.625 = 8.625%); unrounded. */
export function percentOf(amount: DecimalInput, percent: DecimalInput): Dec {
  return new Dec(amount).times(percent).dividedBy(100);
}

/**
 * Splits round(total) into rounded parts proportional to `weights` that add up exactly to it
 * (largest remainder; ties go to the earlier part).
 */
export function allocate(total: DecimalInput, weights: readonly DecimalInput[], currency: string): Dec[] {
  if (weights.length === 0) return [];
  const scale = new Dec(10).pow(minorUnits(currency));
  const rounded = roundMoney(total, currency);
  const sign = rounded.isNegative() ? -1 : 1;
  const units = rounded.abs().times(scale);
  const ws = weights.map((w) => new Dec(w));
  if (ws.some((w) => w.isNegative())) throw invalid('INVALID_WEIGHTS', 'allocation weights must not be negative');
  const sumW = sumMoney(ws);
  if (sumW.isZero()) throw invalid('INVALID_WEIGHTS', 'allocation weights must not all be zero');
  const exact = ws.map((w) => units.times(w).dividedBy(sumW));
  const floors = exact.map((e) => e.floor());
  let left = units.minus(sumMoney(floors)).toNumber();
  const order = exact.map((e, i) => ({ i, r: e.minus(floors[i]!) })).sort((a, b) => b.r.comparedTo(a.r) || a.i - b.i);
  for (const { i } of order) {
    if (left <= 0) break;
    floors[i] = floors[i]!.plus(1);
    left--;
  }
  return floors.map((f) => f.dividedBy(scale).times(sign));
}
