import { Type } from 'typebox';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { AssetsService } from './service.js';

const IdParams = Type.Object({ id: Type.String() });

export const assetRoutes: FastifyPluginAsyncTypebox<{ assets: AssetsService }> = async (app, { assets }) => {
  app.get('/orders/subscriptions/:id', { config: { permission: 'orders:read', scope: 'organisation' }, schema: { tags: ['subscriptions'], params: IdParams } },
    async (req) => assets.getSubscription(req.ctx, req.params.id));
  app.patch('/orders/subscriptions/:id', {
    config: { permission: 'orders:write', scope: 'organisation' },
    schema: { tags: ['subscriptions'], summary: 'Update descriptive fields (description, customFields); contract changes go through change orders', params: IdParams, body: Type.Record(Type.String(), Type.Unknown()) },
  }, async (req) => assets.patchSubscription(req.ctx, req.params.id, req.body));
};
