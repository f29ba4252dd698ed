import { DomainError, conflict, invalid } from '../core/errors.js';
import { OBJECTS, OBJECT_NAMES, type ObjectDef, type ObjectName } from './objects.js';

// Turns the database's refusals (foreign and unique keys) into errors that name the field.
const UNIQUE: Record<string, { code: string; what: string }> = {
  catalog_products_sku: { code: 'DUPLICATE_SKU', what: 'a product with this sku already exists' },
  catalog_price_dimensions_code: { code: 'DUPLICATE_CODE', what: 'a price tag with this code already exists' },
  catalog_price_book_entries_key: {
    code: 'DUPLICATE_PRICE_BOOK_ENTRY',
    what: 'the price book already has an entry for this product, UOM, currency and pricing attributes',
  },
};

function foreignKey(constraint: string): { def: ObjectDef; field: string; target: ObjectDef } | undefined {
  for (const name of OBJECT_NAMES) {
    const def = OBJECTS[name];
    for (const f of def.fields) {
      if (f.type === 'ref' && constraint === `${def.table}_${f.column}_fkey`) return { def, field: f.name, target: OBJECTS[f.ref as ObjectName] };
    }
  }
  return undefined;
}

export function translateWriteError(e: unknown, at: string, action: 'write' | 'delete'): unknown {
  if (e instanceof DomainError) return e;
  const { code, constraint } = (e ?? {}) as { code?: string; constraint?: string };
  if (code === '23505' && constraint && UNIQUE[constraint]) {
    const u = UNIQUE[constraint];
    return conflict(u.code, `${at}: ${u.what}`);
  }
  if (code === '23503' && constraint) {
    const fk = foreignKey(constraint);
    if (!fk) return e;
    if (action === 'delete') {
      if (fk.def.name === 'PriceBookEntry' && fk.field === 'productId') {
        return conflict('PRODUCT_HAS_ENTRIES', `${at}: the product has price book entries; deactivate it instead, or delete its entries first`);
      }
      return conflict('STILL_REFERENCED', `${at}: still referenced by a ${fk.def.name} (${fk.field}); remove that first`);
    }
    return invalid('REFERENCE_NOT_FOUND', `${at}/${fk.field} does not name a ${fk.target.name} of this tenant`);
  }
  return e;
}
