import { Temporal } from 'temporal-polyfill';
import { invalid } from '../core/errors.js';
import type { ObjectDef } from './objects.js';
import type { ObjectInput } from '../metadata/validate.js';

// Catalog rules that span fields of one object (checked on the merged result of a create or
// patch), and defaults that depend on other fields.

/** What a line becomes when ordered (DESIGN "Provisioning"): services become entitlements,
 * anything else a subscription unless it says Physical Good. */
export function withCreateDefaults(def: ObjectDef, input: ObjectInput): ObjectInput {
  if (def.name !== 'Product' || (input.fields.productType !== undefined && input.fields.productType !== null)) return input;
  return { ...input, fields: { ...input.fields, productType: input.fields.recordType === 'Service' ? 'Service' : 'Subscription' } };
}

/** Rules across fields of one object, checked on the merged result of a create or patch. */
export function checkObjectRules(def: ObjectDef, record: Record<string, unknown>, at: string): void {
  const n = (k: string) => (record[k] === null || record[k] === undefined ? undefined : Number(record[k]));
  const before = (a: string, b: string, message: string) => {
    const x = record[a], y = record[b];
    if (typeof x === 'string' && typeof y === 'string' && x > y) throw invalid('INVALID_FIELD', `${at}/${b} ${message}`);
  };
  switch (def.name) {
    case 'ProductOption': {
      const [min, dflt, max] = [n('minQuantity'), n('defaultQuantity'), n('maxQuantity')];
      if (min !== undefined && dflt !== undefined && dflt < min) throw invalid('INVALID_FIELD', `${at}/defaultQuantity must be >= minQuantity (${min})`);
      if (max !== undefined && dflt !== undefined && dflt > max) throw invalid('INVALID_FIELD', `${at}/defaultQuantity must be <= maxQuantity (${max})`);
      if (max !== undefined && min !== undefined && min > max) throw invalid('INVALID_FIELD', `${at}/minQuantity must be <= maxQuantity (${max})`);
      break;
    }
    case 'ProductFeature': {
      const [min, max] = [n('minOptions'), n('maxOptions')];
      if (min !== undefined && max !== undefined && min > max) throw invalid('INVALID_FIELD', `${at}/minOptions must be <= maxOptions (${max})`);
      break;
    }
    case 'PriceTier': {
      const [start, end] = [n('startUnit'), n('endUnit')];
      if (start !== undefined && end !== undefined && end <= start) throw invalid('INVALID_FIELD', `${at}/endUnit must be greater than startUnit (${start})`);
      break;
    }
    case 'Product':
    case 'BundleSuite':
      before('startDate', 'endDate', 'must not be before startDate');
      break;
    case 'PriceDimension':
      if (typeof record.startTime === 'string' && typeof record.endTime === 'string'
        && Temporal.Instant.compare(record.startTime, record.endTime) > 0) throw invalid('INVALID_FIELD', `${at}/endTime must not be before startTime`);
      break;
    default:
      break;
  }
}
