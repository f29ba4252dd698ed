import { randomUUID } from 'node:crypto';
import type { Ctx } from '../context.js';
import { invalid, notFound } from '../core/errors.js';
import type { Tx } from '../db/transaction.js';
import { planComposite, inRequestOrder, type PlannedWrite } from './composite-plan.js';
import type { ObjectTable } from '../metadata/fields.js';
import { fieldValues, toApiRecord, type ApiRecord } from '../metadata/records.js';
import { OBJECTS, isObjectName, type ObjectDef, type ObjectName } from './objects.js';
import { affectedSources } from './outdating.js';
import * as rows from '../metadata/store.js';
import * as store from './store.js';
import { tierProblem } from './tiers.js';
import { catalogTx, cachedCreditConversions, cachedProductIdsBySku, cachedProductTrees } from './live-cache.js';
import { loadProductTrees, loadTagTrees, type TreeFilter } from './tree.js';
import { isUuid } from '../core/ids.js';
import { validateObjectInput, type ObjectInput } from '../metadata/validate.js';
import { checkObjectRules, withCreateDefaults } from './rules.js';
import { translateWriteError } from './write-errors.js';

// Catalog use cases: the generic object API (create, patch, delete, composite), and the product,
// price book and price tag actions. Every call is one transaction: it writes, then checks what
// spans objects (tier ranges), then marks published sources Outdated.

export interface CreditConversion { id: string; creditTypeId: string; uomQuantity: string; creditQuantity: string; decimalScale: number; roundingMode: 'Up' | 'Down' }

export function objectDef(objectName: string): ObjectDef {
  if (!isObjectName(objectName)) throw notFound('UNKNOWN_OBJECT', `There is no catalog object named ${objectName}`);
  return OBJECTS[objectName];
}

interface Write { def: ObjectDef; operation: 'Create' | 'Patch' | 'Delete'; id: string; input?: ObjectInput; at: string }
// For composite writes `at` is where the object's fields are (contentAt), so messages name real paths.
export interface WriteResult { def: ObjectDef; operation: string; id: string; referenceId: string | null; record: ApiRecord | null }

const skipChildren = (def: ObjectDef) => new Set((def.children ?? []).map((c) => c.key));

/** Runs writes in order inside tx; returns the stored records (null for deletes). */
async function runWrites(tx: Tx, ctx: Ctx, writes: Write[]): Promise<(ApiRecord | null)[]> {
  const touched: { def: ObjectDef; before: Record<string, unknown> | null; after: Record<string, unknown> | null }[] = [];
  const out: (ApiRecord | null)[] = [];
  for (const w of writes) {
    try {
      if (w.operation === 'Create') {
        const input = w.input!;
        checkObjectRules(w.def, input.fields, w.at);
        const row = await rows.insertRow(tx, ctx.tenantId, w.def, input.fields, input.customFields, w.id);
        touched.push({ def: w.def, before: null, after: row });
        out.push(toApiRecord(w.def, row));
      } else if (w.operation === 'Patch') {
        const [before] = await rows.getRows(tx, ctx.tenantId, w.def, [w.id], { forUpdate: true });
        if (!before) throw notFound('OBJECT_NOT_FOUND', `${w.at}: ${w.def.name} ${w.id} does not exist`);
        const input = w.input!;
        checkObjectRules(w.def, { ...fieldValues(w.def, before), ...input.fields }, w.at);
        const row = await rows.updateRow(tx, ctx.tenantId, w.def, w.id, input.fields, input.customFields);
        touched.push({ def: w.def, before, after: row! });
        out.push(toApiRecord(w.def, row!));
      } else {
        const [before] = await rows.getRows(tx, ctx.tenantId, w.def, [w.id], { forUpdate: true });
        if (!before) throw notFound('OBJECT_NOT_FOUND', `${w.at}: ${w.def.name} ${w.id} does not exist`);
        await rows.deleteRows(tx, ctx.tenantId, w.def, [w.id]);
        touched.push({ def: w.def, before, after: null });
        out.push(null);
      }
    } catch (e) {
      throw translateWriteError(e, w.at, w.operation === 'Delete' ? 'delete' : 'write');
    }
  }
  await checkTiers(tx, ctx.tenantId, touched);
  const affected = await affectedSources(tx, ctx.tenantId, touched);
  await store.markOutdated(tx, ctx.tenantId, OBJECTS.Product, affected.products);
  await store.markOutdated(tx, ctx.tenantId, OBJECTS.PriceDimension, affected.tags);
  await store.markOutdated(tx, ctx.tenantId, OBJECTS.BundleSuite, affected.suites);
  return out;
}

/** Tier ranges are a property of the whole tag: checked once all of the call's writes are done. */
async function checkTiers(tx: Tx, tenantId: string, touched: { def: ObjectDef; before: Record<string, unknown> | null; after: Record<string, unknown> | null }[]) {
  const tagIds = new Set<string>();
  for (const t of touched) {
    if (t.def.name === 'PriceTier') for (const r of [t.before, t.after]) if (r) tagIds.add(r.price_dimension_id as string);
    if (t.def.name === 'PriceDimension' && t.after) tagIds.add(t.after.id as string);
  }
  if (tagIds.size === 0) return;
  const tags = await loadTagTrees(tx, tenantId, [...tagIds]);
  for (const tag of tags) {
    const problem = tierProblem((tag.priceTiers as ApiRecord[]).map((t) => ({
      id: t.id, startUnit: String(t.startUnit), endUnit: t.endUnit === null ? null : String(t.endUnit),
      amount: t.amount === null ? null : String(t.amount), discountPercentage: t.discountPercentage === null ? null : String(t.discountPercentage),
    })), tag.recordType === 'DiscountDimension');
    if (problem) throw invalid('INVALID_TIERS', `Price tag ${tag.code}: ${problem}`);
  }
}

function listBody(body: unknown, at = 'body'): { items: unknown[]; at: (i: number) => string } {
  const items = Array.isArray(body) ? body
    : typeof body === 'object' && body !== null && Array.isArray((body as { objectCollection?: unknown }).objectCollection) ? (body as { objectCollection: unknown[] }).objectCollection
      : typeof body === 'object' && body !== null && Array.isArray((body as { records?: unknown }).records) ? (body as { records: unknown[] }).records
        : undefined;
  if (!items) throw invalid('INVALID_FIELD', `${at} must be an array of objects (or {"objectCollection": [...]})`);
  if (items.length === 0 || items.length > 200) throw invalid('INVALID_FIELD', `${at} must hold 1 to 200 objects`);
  const prefix = Array.isArray(body) ? at : `${at}/${'objectCollection' in (body as object) ? 'objectCollection' : 'records'}`;
  return { items, at: (i) => `${prefix}/${i}` };
}

function idListBody(body: unknown): string[] {
  const list = (body as { idList?: unknown } | null)?.idList;
  if (!Array.isArray(list) || list.length === 0 || list.length > 200) throw invalid('INVALID_FIELD', 'body/idList must be an array of 1 to 200 ids');
  list.forEach((id, i) => { if (!isUuid(id)) throw invalid('INVALID_FIELD', `body/idList/${i} must be an id`); });
  return [...new Set((list as string[]).map((x) => x.toLowerCase()))];
}

function requireId(def: ObjectDef, id: string): string {
  if (!isUuid(id)) throw notFound('OBJECT_NOT_FOUND', `${def.name} ${id} does not exist`);
  return id.toLowerCase();
}

async function getOrThrow<T extends ObjectTable>(q: Tx | Ctx['db'], ctx: Ctx, def: ObjectDef<T>, id: string): Promise<rows.ObjectRow<T>> {
  const [row] = await rows.getRows(q, ctx.tenantId, def, [requireId(def, id)]);
  if (!row) throw notFound('OBJECT_NOT_FOUND', `${def.name} ${id} does not exist`);
  return row;
}

/** A value not yet taken in a unique column: `X-copy`, `X-copy-2`, ... */
async function freeCopyName(tx: Tx, ctx: Ctx, def: ObjectDef, field: 'sku' | 'code', base: string): Promise<string> {
  for (let n = 1; ; n++) {
    const candidate = n === 1 ? `${base}-copy` : `${base}-copy-${n}`;
    if (!(await rows.valueTaken(tx, ctx.tenantId, def, field, candidate))) return candidate;
  }
}

const copyable = (def: ObjectDef, row: Record<string, unknown>, omit: string[] = []) =>
  Object.fromEntries(def.fields.filter((f) => !f.readOnly && !omit.includes(f.name)).map((f) => [f.name, row[f.column] ?? null])
    .filter(([, v]) => v !== null));

/** The catalog service (wired once in src/runtime.ts). */
export function createCatalogService() {
  return {
    async createObjects(ctx: Ctx, objectName: string, body: unknown, single: boolean): Promise<ApiRecord[]> {
      const def = objectDef(objectName);
      const { items, at } = single ? { items: [body], at: () => 'body' } : listBody(body);
      const writes: Write[] = items.map((item, i) => ({ def, operation: 'Create', id: randomUUID(), input: withCreateDefaults(def, validateObjectInput(def, item, 'create', at(i))), at: at(i) }));
      const out = await catalogTx(ctx, (tx) => runWrites(tx, ctx, writes));
      return out as ApiRecord[];
    },

    async patchObjects(ctx: Ctx, objectName: string, body: unknown, id?: string): Promise<ApiRecord[]> {
      const def = objectDef(objectName);
      const { items, at } = id !== undefined ? { items: [body], at: () => 'body' } : listBody(body);
      const writes: Write[] = items.map((item, i) => {
        const itemId = id ?? (item as { id?: unknown } | null)?.id;
        if (id === undefined && !isUuid(itemId)) throw invalid('INVALID_FIELD', `${at(i)}/id is required and must be an id`);
        return { def, operation: 'Patch', id: requireId(def, itemId as string), input: validateObjectInput(def, item, 'patch', at(i)), at: at(i) };
      });
      return (await catalogTx(ctx, (tx) => runWrites(tx, ctx, writes))) as ApiRecord[];
    },

    async deleteObjects(ctx: Ctx, objectName: string, ids: string[] | unknown): Promise<string[]> {
      const def = objectDef(objectName);
      const list = Array.isArray(ids) ? ids as string[] : idListBody(ids);
      const writes: Write[] = list.map((id, i) => ({ def, operation: 'Delete', id: requireId(def, id), at: Array.isArray(ids) ? `${def.name} ${id}` : `body/idList/${i}` }));
      await catalogTx(ctx, (tx) => runWrites(tx, ctx, writes));
      return writes.map((w) => w.id);
    },

    async getObject(ctx: Ctx, objectName: string, id: string): Promise<ApiRecord> {
      const def = objectDef(objectName);
      return toApiRecord(def, await getOrThrow(ctx.db, ctx, def, id));
    },

    async listObjects(ctx: Ctx, objectName: string, page: { cursor?: string | undefined; limit?: number | undefined }) {
      const def = objectDef(objectName);
      if (page.cursor !== undefined && !isUuid(page.cursor)) throw invalid('INVALID_FIELD', 'querystring/cursor must be a cursor from a previous page');
      const limit = page.limit ?? 100;
      const page1 = await rows.listRows(ctx.db, ctx.tenantId, def, { after: page.cursor, limit: limit + 1 });
      const records = page1.slice(0, limit).map((r) => toApiRecord(def, r));
      return { records, nextCursor: page1.length > limit ? records.at(-1)!.id : null };
    },

    async composite(ctx: Ctx, objectName: string, body: unknown): Promise<{ id: string; referenceId: string | null; _action: string }[]> {
      if (!objectName.endsWith('List')) throw notFound('UNKNOWN_OBJECT', `Composite calls name a list: /objects/composite/${objectName}List`);
      const root = objectDef(objectName.slice(0, -4));
      const planned = planComposite(root.name as ObjectName, (body as { persistentObjects?: unknown } | null)?.persistentObjects);
      const writes: Write[] = planned.filter((p) => p.operation !== 'None').map((p: PlannedWrite) => ({
        def: p.def, operation: p.operation === 'Update' ? 'Patch' : p.operation as Write['operation'], id: p.id, at: p.contentAt,
        ...(p.operation !== 'Delete' && { input: p.operation === 'Create'
          ? withCreateDefaults(p.def, validateObjectInput(p.def, p.content, 'create', p.contentAt, skipChildren(p.def)))
          : validateObjectInput(p.def, p.content, 'patch', p.contentAt, skipChildren(p.def)) }),
      }));
      await catalogTx(ctx, (tx) => runWrites(tx, ctx, writes));
      return inRequestOrder(planned).map((p) => ({ id: p.id, referenceId: p.referenceId, _action: p.operation }));
    },

    /** Live product trees for pricing (internal callers), active entries only: from memory while current (live-cache.ts). */
    productTrees: (ctx: Ctx, ids: readonly string[]): Promise<Map<string, ApiRecord>> => cachedProductTrees(ctx, ids),

    /** Live product ids by sku (order lines may name a product by its sku): skus without a product are left out. */
    productIdsBySku: (ctx: Ctx, skus: readonly string[]): Promise<Map<string, string>> => cachedProductIdsBySku(ctx, skus),

    /** Credit conversions of products (inside the caller's transaction: orders grant credits as they activate). */
    /** Products' credit conversions, from this process's live catalog copy (`q` reads on a miss). */
    creditConversions: (q: Tx | Ctx['db'], ctx: Ctx, productIds: readonly string[]): Promise<Map<string, CreditConversion>> => cachedCreditConversions(q, ctx, productIds, async (ids) => {
      const rows = await store.creditConversionsOf(q, ctx.tenantId, ids);
      return new Map(rows.map((r) => [r.product_id, {
        id: r.id, creditTypeId: r.credit_type_id, uomQuantity: r.uom_quantity, creditQuantity: r.credit_quantity,
        decimalScale: Number(r.decimal_scale), roundingMode: r.rounding_mode === 'Down' ? 'Down' as const : 'Up' as const,
      }]));
    }),

    // --- products ------------------------------------------------------------------------------

    async setProductStatus(ctx: Ctx, ids: string[], status: 'Active' | 'Inactive'): Promise<ApiRecord[]> {
      const def = OBJECTS.Product;
      const writes: Write[] = ids.map((id) => ({ def, operation: 'Patch', id: requireId(def, id), input: { fields: { status }, customFields: undefined }, at: `Product ${id}` }));
      return (await catalogTx(ctx, (tx) => runWrites(tx, ctx, writes))) as ApiRecord[];
    },

    idListBody,

    async convertToBundle(ctx: Ctx, id: string): Promise<ApiRecord> {
      const def = OBJECTS.Product;
      const [r] = await catalogTx(ctx, (tx) => runWrites(tx, ctx, [{ def, operation: 'Patch', id: requireId(def, id), input: { fields: { recordType: 'Bundle', configurable: true }, customFields: undefined }, at: `Product ${id}` }]));
      return r!;
    },

    /** A deep copy of a product or bundle: features, options, entries and tag links; a new sku; Draft. */
    async duplicateProduct(ctx: Ctx, id: string): Promise<ApiRecord> {
      return catalogTx(ctx, async (tx) => {
        const P = OBJECTS.Product;
        const source = await getOrThrow(tx, ctx, P, id);
        const srcId = source.id as string;
        const [features, options, entries, links] = await Promise.all([
          rows.rowsWhere(tx, ctx.tenantId, OBJECTS.ProductFeature, 'configured_product_id', [srcId]),
          rows.rowsWhere(tx, ctx.tenantId, OBJECTS.ProductOption, 'configured_product_id', [srcId]),
          rows.rowsWhere(tx, ctx.tenantId, OBJECTS.PriceBookEntry, 'product_id', [srcId]),
          rows.rowsWhere(tx, ctx.tenantId, OBJECTS.ProductPriceDimension, 'product_id', [srcId]),
        ]);
        const optionLinks = await rows.rowsWhere(tx, ctx.tenantId, OBJECTS.ProductOptionPriceDimension, 'product_option_id', options.map((o) => o.id));
        const newId = randomUUID();
        const featureIds = new Map(features.map((f) => [f.id, randomUUID()]));
        const optionIds = new Map(options.map((o) => [o.id, randomUUID()]));
        const entryIds = new Map(entries.map((e) => [e.id, randomUUID()]));
        const sku = await freeCopyName(tx, ctx, P, 'sku', source.sku as string);
        const w = (def: ObjectDef, id2: string, fields: Record<string, unknown>): Write => ({ def, operation: 'Create', id: id2, input: { fields, customFields: undefined }, at: `${def.name} copy` });
        const productFields = { ...copyable(P, source), sku, name: `${source.name as string} (Copy)`, status: 'Draft' };
        const writes: Write[] = [
          { def: P, operation: 'Create', id: newId, input: { fields: productFields, customFields: source.custom_fields as Record<string, unknown> }, at: 'Product copy' },
          ...entries.map((e) => w(OBJECTS.PriceBookEntry, entryIds.get(e.id)!, { ...copyable(OBJECTS.PriceBookEntry, e), productId: newId })),
          ...features.map((f) => w(OBJECTS.ProductFeature, featureIds.get(f.id)!, { ...copyable(OBJECTS.ProductFeature, f), configuredProductId: newId })),
          ...options.map((o) => w(OBJECTS.ProductOption, optionIds.get(o.id)!, {
            ...copyable(OBJECTS.ProductOption, o), configuredProductId: newId,
            ...(o.product_feature_id ? { productFeatureId: featureIds.get(o.product_feature_id as string) } : {}),
            ...(o.price_book_entry_id && entryIds.has(o.price_book_entry_id as string) ? { priceBookEntryId: entryIds.get(o.price_book_entry_id as string) } : {}),
          })),
          ...links.map((l) => w(OBJECTS.ProductPriceDimension, randomUUID(), {
            ...copyable(OBJECTS.ProductPriceDimension, l), productId: newId,
            ...(l.price_book_entry_id && entryIds.has(l.price_book_entry_id as string) ? { priceBookEntryId: entryIds.get(l.price_book_entry_id as string) } : {}),
          })),
          ...optionLinks.map((l) => w(OBJECTS.ProductOptionPriceDimension, randomUUID(), { ...copyable(OBJECTS.ProductOptionPriceDimension, l), productOptionId: optionIds.get(l.product_option_id as string) })),
        ];
        await runWrites(tx, ctx, writes);
        const [tree] = await loadProductTrees(tx, ctx.tenantId, [newId]);
        return tree!;
      });
    },

    async bundleDefinition(ctx: Ctx, id: string, filter: TreeFilter): Promise<ApiRecord> {
      for (const [k, v] of Object.entries(filter)) if (v !== undefined && !isUuid(v)) throw invalid('INVALID_FIELD', `querystring/${k} must be an id`);
      // ids are stored lower case: an upper-case id in the query still selects its entries
      filter = { priceBookId: filter.priceBookId?.toLowerCase(), uomId: filter.uomId?.toLowerCase() };
      const [tree] = await loadProductTrees(ctx.db, ctx.tenantId, [requireId(OBJECTS.Product, id)], filter);
      if (!tree) throw notFound('OBJECT_NOT_FOUND', `Product ${id} does not exist`);
      return { ...tree, defaultUomId: tree.uomId, referenceProductId: tree.referenceProductId, priceBookId: filter.priceBookId ?? tree.priceBookId };
    },

    // --- price books and tags ----------------------------------------------------------------------

    /** A new price book with the same settings and no entries. */
    async clonePriceBook(ctx: Ctx, id: string): Promise<ApiRecord> {
      const def = OBJECTS.PriceBook;
      return catalogTx(ctx, async (tx) => {
        const source = await getOrThrow(tx, ctx, def, id);
        const fields = { ...copyable(def, source), name: `${source.name as string} (Clone)`, standard: false, selfServiceEnabled: false };
        const [r] = await runWrites(tx, ctx, [{ def, operation: 'Create', id: randomUUID(), input: { fields, customFields: undefined }, at: 'PriceBook clone' }]);
        return r!;
      });
    },

    /** Copies the entries of `fromPriceBookId` into price book `id`; entries it already has are kept. */
    async copyPriceBookEntries(ctx: Ctx, id: string, fromPriceBookId: string): Promise<{ priceBookId: string; fromPriceBookId: string; copied: number; skipped: number }> {
      const PB = OBJECTS.PriceBook, E = OBJECTS.PriceBookEntry;
      if (!isUuid(fromPriceBookId)) throw invalid('INVALID_FIELD', 'body/fromPriceBookId must be an id');
      return catalogTx(ctx, async (tx) => {
        const target = await getOrThrow(tx, ctx, PB, id);
        const source = await getOrThrow(tx, ctx, PB, fromPriceBookId);
        if (target.id === source.id) throw invalid('INVALID_FIELD', 'body/fromPriceBookId must be another price book');
        const [from, existing] = await Promise.all([
          rows.rowsWhere(tx, ctx.tenantId, E, 'price_book_id', [source.id as string]),
          rows.rowsWhere(tx, ctx.tenantId, E, 'price_book_id', [target.id as string]),
        ]);
        const keyOf = (r: Record<string, unknown>) => JSON.stringify([r.product_id, r.uom_id, r.currency_iso_code, ...Array.from({ length: 10 }, (_, i) => r[`pricing_attribute_${i + 1}`] ?? null)]);
        const have = new Set(existing.map(keyOf));
        const copies = from.filter((r) => !have.has(keyOf(r)));
        await runWrites(tx, ctx, copies.map((r) => ({ def: E, operation: 'Create', id: randomUUID(), input: { fields: { ...copyable(E, r), priceBookId: target.id }, customFields: undefined }, at: 'PriceBook copy' })));
        return { priceBookId: target.id as string, fromPriceBookId: source.id as string, copied: copies.length, skipped: from.length - copies.length };
      });
    },

    /** A copy of a price tag and its tiers under a new code. */
    async duplicatePriceTag(ctx: Ctx, id: string): Promise<ApiRecord> {
      const D = OBJECTS.PriceDimension, T = OBJECTS.PriceTier;
      return catalogTx(ctx, async (tx) => {
        const source = await getOrThrow(tx, ctx, D, id);
        const tiers = await rows.rowsWhere(tx, ctx.tenantId, T, 'price_dimension_id', [source.id as string]);
        const newId = randomUUID();
        const code = await freeCopyName(tx, ctx, D, 'code', source.code as string);
        await runWrites(tx, ctx, [
          { def: D, operation: 'Create', id: newId, input: { fields: { ...copyable(D, source), code, name: `${source.name as string} (Copy)` }, customFields: undefined }, at: 'PriceDimension copy' },
          ...tiers.map((t): Write => ({ def: T, operation: 'Create', id: randomUUID(), input: { fields: { ...copyable(T, t), priceDimensionId: newId }, customFields: undefined }, at: 'PriceTier copy' })),
        ]);
        const [tree] = await loadTagTrees(tx, ctx.tenantId, [newId]);
        return tree!;
      });
    },
  };
}

export type CatalogService = ReturnType<typeof createCatalogService>;
export { isObjectName, type ObjectName };
