import { Type } from 'typebox';
import { DateString, Nullable, StringEnum, Uuid } from '../http/schemas.js';

// The answers of billing's routes, as the OpenAPI document shows them (and the test suite checks
// every answer against: src/http/validation.ts `serializerCompiler`).

export const BillingJobSchema = Type.Object({
  id: Uuid,
  scheduleId: Nullable(Uuid),
  status: StringEnum(['Queued', 'Running', 'Completed', 'Failed', 'Interrupted'], { description: 'Interrupted: cut off by a crash, with what it wrote; resumedByJobId finishes it' }),
  targetDate: DateString,
  autoActivate: Type.Boolean(),
  invoiceIds: Type.Array(Uuid),
  creditMemoIds: Type.Array(Uuid),
  errors: Type.Array(Type.Object({ customerId: Type.String(), errorCode: Type.String(), message: Type.String() }, { additionalProperties: false })),
  resumedByJobId: Nullable(Uuid),
}, { $id: 'BillingJob', additionalProperties: false, description: 'A billing run: what it billed, and whom it could not' });

export const BillingScheduleSchema = Type.Object({
  id: Uuid,
  name: Nullable(Type.String()),
  scheduleType: StringEnum(['Recurring']),
  status: StringEnum(['Draft', 'Active', 'Canceled']),
  recurringSchedule: Type.String({ description: 'Quartz cron, e.g. "0 0 3 * * ? *"' }),
  scheduleStartDate: DateString,
  autoActivate: Type.Boolean(),
  targetDateIncrement: Type.String({ pattern: '^[0-9]+$' }),
  targetDateIncrementSign: StringEnum(['Plus', 'Minus']),
  targetDateIncrementTimeUnit: StringEnum(['Days']),
  customerIds: Nullable(Type.Array(Uuid)),
  customerFilter: Nullable(Type.String()),
  productFilter: Nullable(Type.String()),
  billCycleDayFilter: Nullable(Type.String()),
  lastRunDate: Nullable(DateString),
  recordType: StringEnum(['BillingSchedule']),
}, { $id: 'BillingSchedule', additionalProperties: false, description: 'A Recurring billing schedule' });

/** Every schema billing's answers refer to by $id (registered at the root: src/http/app.ts). */
export const billingSchemas = [BillingJobSchema, BillingScheduleSchema];
