import type { Ctx } from '../context.js';

/**
 * The ids of an entity's rows that a filter in the where dialect matches (a string such as
 * `{id: {_in: [...]}}` or an object), scoped to the caller; a bad filter is a 400 `INVALID_FILTER`.
 * `entity` is a read-model entity name (`Customer`, `Product`). The read model implements it
 * (`src/graphql/service.ts`, over its entity registry) and `src/runtime.ts` hands it to the write
 * side that needs it (billing runs and schedules), so no domain imports the read model.
 */
export type IdsMatching = (ctx: Ctx, entity: string, filter: unknown, at: string) => Promise<string[]>;
