import { Type, type TEnum, type TSchema } from 'typebox';

// Shared TypeBox building blocks. Enums are plain JSON-Schema `enum`s so a bad value is reported
// with the allowed ones (see validation.ts's error formatter), not as a failed anyOf.
export function StringEnum<const T extends string[]>(values: readonly [...T], opts: { description?: string } = {}): TEnum<T> {
  return Type.Enum(values, opts);
}

export const DateString = Type.String({ format: 'date', description: 'A calendar date, YYYY-MM-DD' });
export const CurrencyCode = Type.String({ pattern: '^[A-Z]{3}$', description: 'ISO 4217 currency code' });
export const Uuid = Type.String({ format: 'uuid' });

export const ErrorBody = Type.Object({
  title: Type.String(),
  message: Type.String(),
  errorCode: Type.String(),
  errorType: Type.String(),
});

export const Nullable = <T extends TSchema>(t: T) => Type.Union([t, Type.Null()]);

// Requests. A decimal arrives as a JSON number or a decimal string ("12.30"); the domain's reader
// checks it and converts it exactly (never through a float it keeps). Readers take null as absent.
/** A decimal field of a request (its description says what it is; this says how it is written). */
export const DecimalInput = (description: string, example?: number | string) =>
  Type.Union([Type.Number(), Type.String()], { description: `${description}: a JSON number or a decimal string such as "12.30"`, ...(example !== undefined && { example }) });
/** An optional request field that null leaves out as well. */
export const OptionalNullable = (t: TSchema | TSchema[], description?: string) =>
  Type.Optional(Type.Union([...[t].flat(), Type.Null()], description ? { description } : {}));
/** An optional decimal field (a number or a decimal string) that null leaves out as well. */
export const OptionalDecimal = (description: string) => OptionalNullable([Type.Number(), Type.String()], description);

// Answers: money is a JSON number in the currency's units (views convert the exact decimal once);
// instants are ISO 8601 with a time zone; custom fields are the tenant's own keys.
export const Money = Type.Number({ description: 'Money: a JSON number in the currency\'s units' });
export const Quantity = Type.Number({ description: 'A quantity (may be fractional)' });
export const DateTime = Type.String({ format: 'date-time', description: 'An instant, ISO 8601' });
export const CustomFields = Type.Record(Type.String(), Type.Unknown(), { description: 'The tenant\'s custom fields, by API name' });
/** An answer with nothing to say (`{}`). */
export const Empty = Type.Object({}, { additionalProperties: false });
