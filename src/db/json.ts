/**
 * A json/jsonb value as the driver returns it. Unlike kysely-codegen's default `Json` it does not
 * include null, so a nullable jsonb column reads `JsonDocument | null` and a NOT NULL one cannot be null.
 */
export type JsonDocument = { [key: string]: unknown } | unknown[] | string | number | boolean;
