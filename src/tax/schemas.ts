import { Type, type TSchema } from 'typebox';
import { Nullable, Uuid } from '../http/schemas.js';

// The answers of tax's routes (registered with tenancy's: src/tenancy/schemas.ts tenancySchemas).

export const TaxRateSchema = Type.Object({
  id: Uuid,
  name: Nullable(Type.String()),
  country: Type.String({ description: 'Matched to an address\'s country, ignoring case' }),
  state: Nullable(Type.String({ description: 'null: the whole country' })),
  taxCode: Nullable(Type.String({ description: 'null: every tax code' })),
  taxPercentage: Type.Number({ description: 'Percent, e.g. 8.625' }),
}, { $id: 'TaxRate', additionalProperties: false, description: 'A tax rate: the most specific one matching a line\'s address and tax code applies' });

export const taxSchemas: TSchema[] = [TaxRateSchema];
