import { Type } from 'typebox';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { notFound } from '../core/errors.js';
import { verbPath } from '../http/paths.js';
import type { Publishing } from './publishing.js';
import type { CatalogService } from './service.js';

// The generic object API (seed 002 "Generic objects") and the self-service catalog. Validation of
// object bodies is registry-driven (validate.ts), so the schemas here only shape the envelope.
const write = { permission: 'catalog:write', scope: 'tenant' } as const;
const read = { permission: 'catalog:read', scope: 'public-catalog' } as const;
const AnyBody = Type.Unknown();
const ObjectParams = Type.Object({ objectName: Type.String() });
const IdParams = Type.Object({ id: Type.String() });
const ObjectIdParams = Type.Object({ objectName: Type.String(), id: Type.String() });
const IdList = Type.Object({ idList: Type.Array(Type.String(), { minItems: 1, maxItems: 200 }) });

/** `/objects/ProductList` arrives as objectName `ProductList`: the batch form of Product. */
const asList = (objectName: string) => (objectName.endsWith('List') ? { name: objectName.slice(0, -4), list: true } : { name: objectName, list: false });

export const catalogRoutes: FastifyPluginAsyncTypebox<{ catalog: CatalogService; publishing: Publishing }> = async (app, { catalog, publishing }) => {
  // --- generic objects -------------------------------------------------------------------------
  app.post('/objects/:objectName', {
    config: write, schema: { tags: ['objects'], summary: 'Create one object, or many with {objectName}List', params: ObjectParams, body: AnyBody },
  }, async (req) => {
    const { name, list } = asList(req.params.objectName);
    const records = await catalog.createObjects(req.ctx, name, req.body, !list);
    return list ? records : records[0];
  });

  app.patch('/objects/:objectName', {
    config: write, schema: { tags: ['objects'], summary: 'Patch many: PATCH /objects/{objectName}List with objects that carry their id', params: ObjectParams, body: AnyBody },
  }, async (req) => {
    const { name, list } = asList(req.params.objectName);
    if (!list) throw notFound('ROUTE_NOT_FOUND', `Patch one object at /objects/${name}/{id}, or many at /objects/${name}List`);
    return catalog.patchObjects(req.ctx, name, req.body);
  });

  app.delete('/objects/:objectName', {
    config: write, schema: { tags: ['objects'], summary: 'Delete many: DELETE /objects/{objectName}List with {idList}', params: ObjectParams, body: IdList },
  }, async (req) => {
    const { name, list } = asList(req.params.objectName);
    if (!list) throw notFound('ROUTE_NOT_FOUND', `Delete one object at /objects/${name}/{id}, or many at /objects/${name}List`);
    return { deleted: await catalog.deleteObjects(req.ctx, name, req.body) };
  });

  app.get('/objects/:objectName', {
    config: read,
    schema: {
      tags: ['objects'], summary: 'A page of objects (cursor paging)', params: ObjectParams,
      querystring: Type.Object({ cursor: Type.Optional(Type.String()), limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 500 })) }),
    },
  }, async (req) => catalog.listObjects(req.ctx, req.params.objectName, req.query));

  app.get('/objects/:objectName/:id', { config: read, schema: { tags: ['objects'], params: ObjectIdParams } },
    async (req) => catalog.getObject(req.ctx, req.params.objectName, req.params.id));
  app.patch('/objects/:objectName/:id', { config: write, schema: { tags: ['objects'], params: ObjectIdParams, body: AnyBody } },
    async (req) => (await catalog.patchObjects(req.ctx, req.params.objectName, req.body, req.params.id))[0]);
  app.delete('/objects/:objectName/:id', { config: write, schema: { tags: ['objects'], params: ObjectIdParams } },
    async (req) => ({ deleted: await catalog.deleteObjects(req.ctx, req.params.objectName, [req.params.id]) }));

  app.post('/objects/composite/:objectName', {
    config: write,
    schema: {
      tags: ['objects'], summary: 'Create, patch and delete a tree of objects atomically (a bundle with its features, options and entries)',
      params: ObjectParams,
      body: Type.Object({ persistentObjects: Type.Array(Type.Unknown(), { minItems: 1, maxItems: 500 }) }),
    },
  }, async (req) => catalog.composite(req.ctx, req.params.objectName, req.body));

  // --- product actions -------------------------------------------------------------------------
  app.post(verbPath('/objects/Product/:id', 'activate'), { config: write, schema: { tags: ['objects'], params: IdParams } },
    async (req) => (await catalog.setProductStatus(req.ctx, [req.params.id], 'Active'))[0]);
  app.post(verbPath('/objects/Product/:id', 'deactivate'), { config: write, schema: { tags: ['objects'], params: IdParams } },
    async (req) => (await catalog.setProductStatus(req.ctx, [req.params.id], 'Inactive'))[0]);
  app.post(verbPath('/objects/ProductList', 'activate'), { config: write, schema: { tags: ['objects'], body: IdList } },
    async (req) => catalog.setProductStatus(req.ctx, catalog.idListBody(req.body), 'Active'));
  app.post(verbPath('/objects/ProductList', 'deactivate'), { config: write, schema: { tags: ['objects'], body: IdList } },
    async (req) => catalog.setProductStatus(req.ctx, catalog.idListBody(req.body), 'Inactive'));
  app.post(verbPath('/objects/Product/:id', 'duplicate'), { config: write, schema: { tags: ['objects'], params: IdParams } },
    async (req, reply) => reply.status(201).send(await catalog.duplicateProduct(req.ctx, req.params.id)));
  app.post(verbPath('/objects/Product/:id', 'convertToBundle'), { config: write, schema: { tags: ['objects'], params: IdParams } },
    async (req) => catalog.convertToBundle(req.ctx, req.params.id));
  app.get('/objects/Product/:id/bundleDefinition', {
    config: read,
    schema: { tags: ['objects'], params: IdParams, querystring: Type.Object({ priceBookId: Type.Optional(Type.String()), uomId: Type.Optional(Type.String()) }) },
  }, async (req) => catalog.bundleDefinition(req.ctx, req.params.id, req.query));

  // --- price book and price tag actions ------------------------------------------------------------
  app.post(verbPath('/objects/PriceBook/:id', 'clone'), { config: write, schema: { tags: ['objects'], params: IdParams } },
    async (req, reply) => reply.status(201).send(await catalog.clonePriceBook(req.ctx, req.params.id)));
  app.post(verbPath('/objects/PriceBook/:id', 'copy'), {
    config: write, schema: { tags: ['objects'], params: IdParams, body: Type.Object({ fromPriceBookId: Type.String() }) },
  }, async (req, reply) => reply.status(202).send(await catalog.copyPriceBookEntries(req.ctx, req.params.id, req.body.fromPriceBookId)));
  app.post(verbPath('/objects/PriceDimension/:id', 'duplicate'), { config: write, schema: { tags: ['objects'], params: IdParams } },
    async (req, reply) => reply.status(201).send(await catalog.duplicatePriceTag(req.ctx, req.params.id)));

  // --- publishing ------------------------------------------------------------------------------
  const kinds = [['/catalog/products', 'Product'], ['/catalog/price-tags', 'PriceDimension'], ['/catalog/bundleSuites', 'BundleSuite']] as const;
  for (const [base, kind] of kinds) {
    app.post(verbPath(`${base}/:id`, 'publish'), { config: write, schema: { tags: ['catalog'], params: IdParams } },
      async (req) => publishing.publish(req.ctx, kind, req.params.id));
    app.post(verbPath(`${base}/:id`, 'unpublish'), { config: write, schema: { tags: ['catalog'], params: IdParams } },
      async (req, reply) => reply.status(202).send(await publishing.unpublish(req.ctx, kind, req.params.id)));
    app.post(verbPath(`${base}/:id`, 'outdatePublishStatus'), { config: write, schema: { tags: ['catalog'], params: IdParams } },
      async (req) => publishing.outdate(req.ctx, kind, req.params.id));
  }
  app.post(verbPath('/catalog/products', 'republish'), {
    config: write, schema: { tags: ['catalog'], querystring: Type.Object({ removeNonexistent: Type.Optional(Type.Boolean()) }) },
  }, async (req) => publishing.republishProducts(req.ctx, req.query.removeNonexistent ?? false));
  app.post(verbPath('/catalog/priceBooks/:id', 'enableSelfService'), { config: write, schema: { tags: ['catalog'], params: IdParams } },
    async (req) => publishing.setSelfService(req.ctx, req.params.id, true));
  app.post(verbPath('/catalog/priceBooks/:id', 'disableSelfService'), { config: write, schema: { tags: ['catalog'], params: IdParams } },
    async (req) => publishing.setSelfService(req.ctx, req.params.id, false));

  // --- self-service reads (published snapshots, from memory) -------------------------------------------
  app.get('/catalog/products', { config: read, schema: { tags: ['catalog'], querystring: Type.Object({ filter: Type.Optional(Type.String()) }) } },
    async (req) => publishing.products(req.ctx, req.query.filter));
  app.get('/catalog/products/:id', { config: read, schema: { tags: ['catalog'], params: IdParams } },
    async (req) => publishing.product(req.ctx, req.params.id));
  app.get('/catalog/price-tags', { config: read, schema: { tags: ['catalog'] } }, async (req) => publishing.priceTags(req.ctx));
  app.get('/catalog/price-tags/:tagCode', { config: read, schema: { tags: ['catalog'], params: Type.Object({ tagCode: Type.String() }) } },
    async (req) => publishing.priceTag(req.ctx, req.params.tagCode));
  app.get('/catalog/bundleSuites/:id', { config: read, schema: { tags: ['catalog'], params: IdParams } },
    async (req) => publishing.bundleSuite(req.ctx, req.params.id));
};
