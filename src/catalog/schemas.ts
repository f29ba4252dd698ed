import type { TSchema } from 'typebox';

// The answers of catalog's routes, as the OpenAPI document shows them (and the test suite checks
// every answer against: src/http/validation.ts `serializerCompiler`).

/** Every schema these answers refer to by $id (registered at the root: src/http/app.ts). */
export const catalogSchemas: TSchema[] = [];
