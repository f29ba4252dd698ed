import { Type } from 'typebox';
import { DateTime, DecimalInput, StringEnum } from '../http/schemas.js';
import { MAX_ROWS } from './model.js';

// The usage routes' bodies and answers (shared/design/usage.md "Ingest", "Shapes").

const Str = Type.String();
/** The seed's RawUsage fields that are answered on reads and ignored on writes. */
const READ_ONLY = Object.fromEntries(['rawUsageNumber', 'usageId', 'status', 'sortKey', 'salesAccountId', 'customerName', 'productName']
  .map((f) => [f, Type.Optional(Type.Unknown({ description: 'Answered on reads; ignored on writes' }))]));

export const RawUsageInput = Type.Object({
  id: Type.Optional(Type.String({ minLength: 1, maxLength: 255, description: 'The client\'s event id: the row is counted once per usage subscription and id, forever' })),
  subscriptionNumber: Type.Optional(Type.String({ minLength: 1, description: 'The usage subscription (its asset number), or a bundle holding it (then productSKU picks the usage product)' })),
  subscriptionId: Type.Optional(Type.String({ minLength: 1, description: 'A version id of the usage subscription' })),
  customerId: Type.Optional(Type.String({ minLength: 1, description: 'With productSKU: the customer\'s usage subscription of that product in effect at timestamp' })),
  productSKU: Type.Optional(Type.String({ minLength: 1 })),
  timestamp: Type.String({ format: 'date-time', description: 'When it was measured, with its offset; within the subscription\'s service and at most 5 minutes ahead of now' }),
  quantity: DecimalInput('The measured quantity, at most 18 significant digits (negative: a correction)', 12),
  properties: Type.Optional(Type.Record(Type.String(), Type.Union([Type.String(), Type.Number()]), { description: 'Event properties (UniqueCount counts one of them)' })),
  ...READ_ONLY,
}, { additionalProperties: false, $id: 'RawUsageInput' });

export const IngestBody = Type.Object({
  transactionId: Type.Optional(Type.String({ minLength: 1, maxLength: 255, description: 'Required when a row has no id (rows are then keyed by it and their index); the same id and body answer as the first time, another body 422' })),
  mode: Type.Optional(StringEnum(['atomic', 'partial'], { description: 'atomic (default): one bad row refuses the request; partial: valid rows are stored, the rest listed in rejected' })),
  data: Type.Array(Type.Ref('RawUsageInput'), { minItems: 1, maxItems: MAX_ROWS, description: `At most ${MAX_ROWS} rows` }),
}, { additionalProperties: false });

const RowProblem = Type.Object({
  index: Type.Integer(), field: Type.String({ description: 'data/<index>/<field>' }), errorCode: Str, message: Str,
}, { additionalProperties: false });

export const IngestAnswer = Type.Object({
  transactionId: Str,
  accepted: Type.Integer({ description: 'Rows stored now' }),
  duplicates: Type.Integer({ description: 'Rows whose key was stored before (or earlier in this request): not counted again' }),
  conflicts: Type.Array(Type.Object({
    index: Type.Integer(), id: Str, subscriptionNumber: Str,
    stored: Type.Object({ timestamp: DateTime, quantity: Str }, { description: 'What the first row with this id said (it is the one that counts)' }),
  }, { additionalProperties: false }), { description: 'Repeated ids whose timestamp or quantity differ from the stored row' }),
  rejected: Type.Array(RowProblem, { description: 'partial mode: the rows not stored (kept 14 days as Rejected raw usage)' }),
}, { additionalProperties: false, $id: 'UsageIngestAnswer' });

export const usageSchemas = [RawUsageInput, IngestAnswer];
