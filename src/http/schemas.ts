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
