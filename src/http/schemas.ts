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

// Answers: money is a JSON number in the currency's units (views convert the exact decimal once);
// instants are ISO 8601 with a time zone; custom fields are the tenant's own keys.
export const Money = Type.Number({ description: 'Money: a JSON number in the currency\'s units' });
export const Quantity = Type.Number({ description: 'A quantity (may be fractional)' });
export const DateTime = Type.String({ format: 'date-time', description: 'An instant, ISO 8601' });
export const CustomFields = Type.Record(Type.String(), Type.Unknown(), { description: 'The tenant\'s custom fields, by API name' });
/** An answer with nothing to say (`{}`). */
export const Empty = Type.Object({}, { additionalProperties: false });
