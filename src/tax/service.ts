import type { Static } from 'typebox';
import type { Ctx } from '../context.js';
import type { TaxRateSchema } from './schemas.js';
import { conflict, invalid, notFound } from '../core/errors.js';
import { Dec, parseAmount } from '../core/money.js';
import type { Db } from '../db/connect.js';
import type { Tx } from '../db/transaction.js';
import { isUuid } from '../core/ids.js';
import { pickRate, type TaxAddress, type TaxRate } from './tax.js';
import { deleteRate, insertRate, listRates } from './store.js';

// Tenant tax rate tables and the rate that applies to a line. A TaxProvider interface leaves room
// for an external engine; the built-in one reads the tables.
export interface TaxProvider {
  /** The percent that applies, or 0 when no rate matches. */
  rateFor(ctx: Ctx, q: Db | Tx, line: { address: TaxAddress; taxCode: string | null }): Promise<Dec>;
}

const toView = (r: TaxRate): Static<typeof TaxRateSchema> => ({ id: r.id, name: r.name, country: r.country, state: r.state, taxCode: r.taxCode, taxPercentage: r.rate.toNumber() });

export const builtInTaxProvider: TaxProvider = {
  async rateFor(ctx, q, line) {
    return pickRate(await listRates(q, ctx.tenantId), line.address, line.taxCode)?.rate ?? new Dec(0);
  },
};

/** The tax service (wired once in src/runtime.ts). */
export function createTaxService() {
  return {
    /** The tenant's rate table (orders read it once, before their transaction). */
    rates: (ctx: Ctx) => listRates(ctx.db, ctx.tenantId),
    /** The same, inside the caller's transaction (change orders write their tax status in theirs). */
    ratesIn: (q: Db | Tx, ctx: Ctx) => listRates(q, ctx.tenantId),

    async list(ctx: Ctx) {
      return (await listRates(ctx.db, ctx.tenantId)).map(toView);
    },
    async create(ctx: Ctx, body: { name?: string | undefined; country: string; state?: string | undefined; taxCode?: string | undefined; taxPercentage: unknown }) {
      const rate = parseAmount(body.taxPercentage, 'body/taxPercentage');
      if (rate.lt(0) || rate.gt(100)) throw invalid('INVALID_FIELD', 'body/taxPercentage must be between 0 and 100');
      try {
        return toView(await insertRate(ctx.db, ctx.tenantId, { name: body.name ?? null, country: body.country, state: body.state ?? null, taxCode: body.taxCode ?? null, rate }));
      } catch (e) {
        if ((e as { code?: string }).code === '23505') throw conflict('DUPLICATE_TAX_RATE', 'A rate for this country, state and tax code exists; delete it first');
        throw e;
      }
    },
    async remove(ctx: Ctx, id: string) {
      const deleted = isUuid(id) ? await deleteRate(ctx.db, ctx.tenantId, id) : 0;
      if (deleted === 0) throw notFound('TAX_RATE_NOT_FOUND', `Tax rate ${id} does not exist`);
    },
};
}

export type TaxService = ReturnType<typeof createTaxService>;
