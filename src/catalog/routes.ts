import { Type } from 'typebox';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { notFound } from '../core/errors.js';
import { verbPath } from '../http/paths.js';
import type { Publishing } from './publishing.js';
import { CompositeBody, CopyPriceBookBody, CreateObjectsBody, IdListBody, PatchObjectBody, PatchObjectsBody } from './schemas.js';
import type { CatalogService } from './service.js';

// The generic object API (seed 002 "Generic objects") and the self-service catalog. Object bodies
// are checked by the registry (src/metadata/validate.ts); their schemas here document and type them.
const write = { permission: 'catalog:write', scope: 'tenant' } as const;
const read = { permission: 'catalog:read', scope: 'public-catalog' } as const;
const ObjectParams = Type.Object({ objectName: Type.String({ description: 'An object of the registry (Product, PriceBook, PriceBookEntry, Uom, PriceDimension, …); …List for the batch form' }) });
const IdParams = Type.Object({ id: Type.String() });
const ObjectIdParams = Type.Object({ objectName: Type.String({ description: 'An object of the registry (Product, PriceBook, Uom, …)' }), id: Type.String() });
const one = Type.Ref('CatalogObject');
const many = Type.Array(Type.Ref('CatalogObject'));

// The errorCodes (beyond the pipeline's) the service may answer, by call path.
const FIELD_CODES = ['UNKNOWN_FIELD', 'READ_ONLY_FIELD', 'INVALID_AMOUNT'] as const;
/** runWrites: a missing target, cross-field and tier rules, the database's unique and foreign keys. */
const WRITE_CODES = ['OBJECT_NOT_FOUND', 'INVALID_TIERS', 'REFERENCE_NOT_FOUND', 'DUPLICATE_SKU', 'DUPLICATE_CODE', 'DUPLICATE_PRICE_BOOK_ENTRY'] as const;
const DELETE_CODES = ['OBJECT_NOT_FOUND', 'INVALID_TIERS', 'PRODUCT_HAS_ENTRIES', 'STILL_REFERENCED'] as const;
const errors = {
  create: ['UNKNOWN_OBJECT', ...FIELD_CODES, ...WRITE_CODES],
  patch: ['UNKNOWN_OBJECT', 'ROUTE_NOT_FOUND', ...FIELD_CODES, ...WRITE_CODES],
  delete: ['UNKNOWN_OBJECT', 'ROUTE_NOT_FOUND', ...DELETE_CODES],
  read: ['UNKNOWN_OBJECT', 'OBJECT_NOT_FOUND'],
  composite: ['UNKNOWN_OBJECT', 'UNKNOWN_REFERENCE_ID', 'REFERENCE_CYCLE', ...FIELD_CODES, ...new Set([...WRITE_CODES, ...DELETE_CODES])],
  found: ['OBJECT_NOT_FOUND'],
} as const;

/** `/objects/ProductList` arrives as objectName `ProductList`: the batch form of Product. */
const asList = (objectName: string) => (objectName.endsWith('List') ? { name: objectName.slice(0, -4), list: true } : { name: objectName, list: false });

export const catalogRoutes: FastifyPluginAsyncTypebox<{ catalog: CatalogService; publishing: Publishing }> = async (app, { catalog, publishing }) => {
  // --- generic objects -------------------------------------------------------------------------
  app.post('/objects/:objectName', {
    config: { ...write, errorCodes: errors.create },
    schema: {
      tags: ['objects'], summary: 'Create one object, or many with {objectName}List', params: ObjectParams, body: CreateObjectsBody,
      response: { 200: Type.Union([one, many], { description: 'The stored object; for …List the stored objects, in request order' }) },
    },
  }, async (req) => {
    const { name, list } = asList(req.params.objectName);
    const records = await catalog.createObjects(req.ctx, name, req.body, !list);
    return list ? records : records[0];
  });

  app.patch('/objects/:objectName', {
    config: { ...write, errorCodes: errors.patch },
    schema: {
      tags: ['objects'], summary: 'Patch many: PATCH /objects/{objectName}List with objects that carry their id', params: ObjectParams, body: PatchObjectsBody,
      response: { 200: many },
    },
  }, async (req) => {
    const { name, list } = asList(req.params.objectName);
    if (!list) throw notFound('ROUTE_NOT_FOUND', `Patch one object at /objects/${name}/{id}, or many at /objects/${name}List`);
    return catalog.patchObjects(req.ctx, name, req.body);
  });

  app.delete('/objects/:objectName', {
    config: { ...write, errorCodes: errors.delete },
    schema: {
      tags: ['objects'], summary: 'Delete many: DELETE /objects/{objectName}List with {idList}', params: ObjectParams, body: IdListBody,
      response: { 200: Type.Ref('ObjectsDeleted') },
    },
  }, async (req) => {
    const { name, list } = asList(req.params.objectName);
    if (!list) throw notFound('ROUTE_NOT_FOUND', `Delete one object at /objects/${name}/{id}, or many at /objects/${name}List`);
    return { deleted: await catalog.deleteObjects(req.ctx, name, req.body) };
  });

  app.get('/objects/:objectName', {
    config: { ...read, errorCodes: ['UNKNOWN_OBJECT'] },
    schema: {
      tags: ['objects'], summary: 'A page of objects (cursor paging)', params: ObjectParams,
      querystring: Type.Object({
        cursor: Type.Optional(Type.String({ description: 'nextCursor of the previous page' })),
        limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 500, description: 'Objects per page (100 unless given)' })),
      }),
      response: { 200: Type.Ref('CatalogObjectPage') },
    },
  }, async (req) => catalog.listObjects(req.ctx, req.params.objectName, req.query));

  app.get('/objects/:objectName/:id', {
    config: { ...read, errorCodes: errors.read },
    schema: { tags: ['objects'], summary: 'One object', params: ObjectIdParams, response: { 200: one } },
  }, async (req) => catalog.getObject(req.ctx, req.params.objectName, req.params.id));
  app.patch('/objects/:objectName/:id', {
    config: { ...write, errorCodes: errors.create },
    schema: { tags: ['objects'], summary: 'Patch one object', params: ObjectIdParams, body: PatchObjectBody, response: { 200: one } },
  }, async (req) => (await catalog.patchObjects(req.ctx, req.params.objectName, req.body, req.params.id))[0]);
  app.delete('/objects/:objectName/:id', {
    config: { ...write, errorCodes: ['UNKNOWN_OBJECT', ...DELETE_CODES] },
    schema: { tags: ['objects'], summary: 'Delete one object', params: ObjectIdParams, response: { 200: Type.Ref('ObjectsDeleted') } },
  }, async (req) => ({ deleted: await catalog.deleteObjects(req.ctx, req.params.objectName, [req.params.id]) }));

  app.post('/objects/composite/:objectName', {
    config: { ...write, errorCodes: errors.composite },
    schema: {
      tags: ['objects'], summary: 'Create, patch and delete a tree of objects atomically (a bundle with its features, options and entries)',
      params: ObjectParams, body: CompositeBody,
      response: { 200: Type.Array(Type.Ref('CompositePersistentObjectResponse')) },
    },
  }, async (req) => catalog.composite(req.ctx, req.params.objectName, req.body));

  // --- product actions -------------------------------------------------------------------------
  const product = Type.Ref('Product');
  const status = { config: { ...write, errorCodes: errors.found }, schema: { tags: ['objects'], params: IdParams, response: { 200: product } } };
  const statusList = { config: { ...write, errorCodes: errors.found }, schema: { tags: ['objects'], body: IdListBody, response: { 200: Type.Array(product) } } };
  app.post(verbPath('/objects/Product/:id', 'activate'), status,
    async (req) => (await catalog.setProductStatus(req.ctx, [req.params.id], 'Active'))[0]);
  app.post(verbPath('/objects/Product/:id', 'deactivate'), status,
    async (req) => (await catalog.setProductStatus(req.ctx, [req.params.id], 'Inactive'))[0]);
  app.post(verbPath('/objects/ProductList', 'activate'), statusList,
    async (req) => catalog.setProductStatus(req.ctx, catalog.idListBody(req.body), 'Active'));
  app.post(verbPath('/objects/ProductList', 'deactivate'), statusList,
    async (req) => catalog.setProductStatus(req.ctx, catalog.idListBody(req.body), 'Inactive'));
  app.post(verbPath('/objects/Product/:id', 'duplicate'), {
    // a concurrent duplicate may take the free "-copy" sku first
    config: { ...write, errorCodes: ['OBJECT_NOT_FOUND', 'DUPLICATE_SKU'] },
    schema: { tags: ['objects'], summary: 'A deep copy (entries, features, options, tag links) under a new sku, as Draft', params: IdParams, response: { 201: Type.Ref('ProductTree') } },
  }, async (req, reply) => reply.status(201).send(await catalog.duplicateProduct(req.ctx, req.params.id)));
  app.post(verbPath('/objects/Product/:id', 'convertToBundle'), {
    config: { ...write, errorCodes: errors.found }, schema: { tags: ['objects'], params: IdParams, response: { 200: product } },
  }, async (req) => catalog.convertToBundle(req.ctx, req.params.id));
  app.get('/objects/Product/:id/bundleDefinition', {
    config: { ...read, errorCodes: errors.found },
    schema: {
      tags: ['objects'], params: IdParams,
      querystring: Type.Object({
        priceBookId: Type.Optional(Type.String({ description: 'Only the entries of this price book' })),
        uomId: Type.Optional(Type.String({ description: 'Only the entries of this UOM' })),
      }),
      response: { 200: Type.Ref('BundleProduct') },
    },
  }, async (req) => catalog.bundleDefinition(req.ctx, req.params.id, req.query));

  // --- price book and price tag actions ------------------------------------------------------------
  app.post(verbPath('/objects/PriceBook/:id', 'clone'), {
    config: { ...write, errorCodes: errors.found },
    schema: { tags: ['objects'], summary: 'A new price book with the same settings and no entries', params: IdParams, response: { 201: Type.Ref('PriceBook') } },
  }, async (req, reply) => reply.status(201).send(await catalog.clonePriceBook(req.ctx, req.params.id)));
  app.post(verbPath('/objects/PriceBook/:id', 'copy'), {
    // a concurrent write may add an entry of the same key meanwhile
    config: { ...write, errorCodes: ['OBJECT_NOT_FOUND', 'DUPLICATE_PRICE_BOOK_ENTRY'] },
    schema: { tags: ['objects'], summary: 'Copy the entries of fromPriceBookId into this price book, keeping those it has', params: IdParams, body: CopyPriceBookBody, response: { 202: Type.Ref('PriceBookCopy') } },
  }, async (req, reply) => reply.status(202).send(await catalog.copyPriceBookEntries(req.ctx, req.params.id, req.body.fromPriceBookId)));
  app.post(verbPath('/objects/PriceDimension/:id', 'duplicate'), {
    config: { ...write, errorCodes: ['OBJECT_NOT_FOUND', 'DUPLICATE_CODE'] },
    schema: { tags: ['objects'], summary: 'A copy of a price tag and its tiers under a new code', params: IdParams, response: { 201: Type.Ref('PriceTag') } },
  }, async (req, reply) => reply.status(201).send(await catalog.duplicatePriceTag(req.ctx, req.params.id)));

  // --- publishing ------------------------------------------------------------------------------
  const kinds = [['/catalog/products', 'Product', 'ProductTree'], ['/catalog/price-tags', 'PriceDimension', 'PriceTag'], ['/catalog/bundleSuites', 'BundleSuite', 'BundleSuiteTree']] as const;
  for (const [base, kind, snapshot] of kinds) {
    app.post(verbPath(`${base}/:id`, 'publish'), {
      config: { ...write, errorCodes: ['OBJECT_NOT_FOUND', 'NOT_ACTIVE'] },
      schema: { tags: ['catalog'], summary: 'Publish to self-service: answers the snapshot written', params: IdParams, response: { 200: Type.Ref(snapshot) } },
    }, async (req) => publishing.publish(req.ctx, kind, req.params.id));
    app.post(verbPath(`${base}/:id`, 'unpublish'), {
      config: { ...write, errorCodes: errors.found },
      schema: { tags: ['catalog'], params: IdParams, response: { 202: Type.Ref('PublishStatusChange') } },
    }, async (req, reply) => reply.status(202).send(await publishing.unpublish(req.ctx, kind, req.params.id)));
    app.post(verbPath(`${base}/:id`, 'outdatePublishStatus'), {
      config: { ...write, errorCodes: ['OBJECT_NOT_FOUND', 'NOT_PUBLISHED'] },
      schema: { tags: ['catalog'], summary: 'Mark the published source Outdated; self-service keeps its snapshot', params: IdParams, response: { 200: Type.Ref('PublishStatusChange') } },
    }, async (req) => publishing.outdate(req.ctx, kind, req.params.id));
  }
  app.post(verbPath('/catalog/products', 'republish'), {
    config: { ...write, errorCodes: [] },
    schema: {
      tags: ['catalog'], summary: 'Republish every published product; unpublish those no longer Active',
      querystring: Type.Object({ removeNonexistent: Type.Optional(Type.Boolean({ description: 'Also drop snapshots whose product was deleted' })) }),
      response: { 200: Type.Ref('ProductsRepublished') },
    },
  }, async (req) => publishing.republishProducts(req.ctx, req.query.removeNonexistent ?? false));
  const selfService = { config: { ...write, errorCodes: errors.found }, schema: { tags: ['catalog'], params: IdParams, response: { 200: Type.Ref('PriceBook') } } };
  app.post(verbPath('/catalog/priceBooks/:id', 'enableSelfService'), selfService,
    async (req) => publishing.setSelfService(req.ctx, req.params.id, true));
  app.post(verbPath('/catalog/priceBooks/:id', 'disableSelfService'), selfService,
    async (req) => publishing.setSelfService(req.ctx, req.params.id, false));

  // --- self-service reads (published snapshots, from memory) -------------------------------------------
  app.get('/catalog/products', {
    config: { ...read, errorCodes: [] },
    schema: {
      tags: ['catalog'], summary: 'The published products, by name',
      querystring: Type.Object({ filter: Type.Optional(Type.String({ description: 'A JSON object of field values the products must equal', example: '{"priceModel":"Recurring"}' })) }),
      response: { 200: Type.Array(Type.Ref('ProductTree')) },
    },
  }, async (req) => publishing.products(req.ctx, req.query.filter));
  app.get('/catalog/products/:id', {
    config: { ...read, errorCodes: ['PRODUCT_NOT_PUBLISHED'] },
    schema: { tags: ['catalog'], params: IdParams, response: { 200: Type.Ref('ProductTree') } },
  }, async (req) => publishing.product(req.ctx, req.params.id));
  app.get('/catalog/price-tags', {
    config: { ...read, errorCodes: [] },
    schema: { tags: ['catalog'], summary: 'The published price tags, by code', response: { 200: Type.Array(Type.Ref('PriceTag')) } },
  }, async (req) => publishing.priceTags(req.ctx));
  app.get('/catalog/price-tags/:tagCode', {
    config: { ...read, errorCodes: ['PRICE_TAG_NOT_PUBLISHED'] },
    schema: { tags: ['catalog'], summary: 'A published price tag, by its code', params: Type.Object({ tagCode: Type.String() }), response: { 200: Type.Ref('PriceTag') } },
  }, async (req) => publishing.priceTag(req.ctx, req.params.tagCode));
  app.get('/catalog/bundleSuites/:id', {
    config: { ...read, errorCodes: ['BUNDLE_SUITE_NOT_PUBLISHED'] },
    schema: { tags: ['catalog'], params: IdParams, response: { 200: Type.Ref('BundleSuiteTree') } },
  }, async (req) => publishing.bundleSuite(req.ctx, req.params.id));
};
