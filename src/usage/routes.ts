import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import type { IngestBody as IngestRequest, UsageService } from './service.js';
import { IngestBody } from './schemas.js';

// The usage routes (seed 002 part C §2.8; shared/design/usage.md "Endpoints").
const INGEST_CODES = ['TRANSACTION_ID_REQUIRED', 'TRANSACTION_REUSED', 'INVALID_QUANTITY', 'INVALID_TIMESTAMP', 'USAGE_SUBSCRIPTION_REQUIRED',
  'USAGE_SUBSCRIPTION_NOT_FOUND', 'TIMESTAMP_IN_FUTURE', 'TIMESTAMP_OUTSIDE_SERVICE', 'MISSING_AGGREGATION_PROPERTY'] as const;

export const usageRoutes: FastifyPluginAsyncTypebox<{ usage: UsageService }> = async (app, { usage }) => {
  app.post('/usage/raw-usage', {
    // the dedupe keys are this route's idempotency: a retry counts nothing twice without the generic store
    config: { permission: 'usage:write', scope: 'organisation', idempotent: false, errorCodes: INGEST_CODES },
    schema: {
      tags: ['usage'], summary: 'Ingest up to 10,000 raw usage rows, each counted once forever (atomic by default, or partial)', body: IngestBody,
      response: { 201: Type.Ref('UsageIngestAnswer') },
    },
  // the rows are a shared schema (a $ref, which the type provider reads as unknown); the validator checked them
  }, async (req, reply) => reply.status(201).send(await usage.ingest(req.ctx, req.body as IngestRequest)));
};
