import { Type } from 'typebox';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { AssetsService } from './service.js';
import { PatchSubscriptionBody } from './schemas.js';

const IdParams = Type.Object({ id: Type.String({ description: 'A subscription version\'s id' }) });

export const assetRoutes: FastifyPluginAsyncTypebox<{ assets: AssetsService }> = async (app, { assets }) => {
  app.get('/orders/subscriptions/:id', {
    config: { permission: 'orders:read', scope: 'organisation', errorCodes: ['SUBSCRIPTION_NOT_FOUND'] },
    schema: { tags: ['subscriptions'], params: IdParams, response: { 200: Type.Ref('Subscription') } },
  }, async (req) => assets.getSubscription(req.ctx, req.params.id));
  app.patch('/orders/subscriptions/:id', {
    config: { permission: 'orders:write', scope: 'organisation', errorCodes: ['SUBSCRIPTION_NOT_FOUND', 'READ_ONLY_FIELD'] },
    schema: {
      tags: ['subscriptions'], summary: 'Update descriptive fields (description, customFields); contract changes go through change orders',
      params: IdParams, body: PatchSubscriptionBody, response: { 200: Type.Ref('Subscription') },
    },
  }, async (req) => assets.patchSubscription(req.ctx, req.params.id, req.body));
};
