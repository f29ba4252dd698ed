import type { KeelRouteConfig } from './route-config.js';

// The errorCodes an operation may answer: the pipeline's, common to every route, and the ones the
// route lists itself (`config.errorCodes`). The document shows them per operation (openapi.ts); the
// test suite's check (KEEL_CHECK_RESPONSES) fails an error answer whose code its route does not list.

/** What any route may answer before (or around) its own work: parsing, schema validation,
 * credentials, permission and scope, idempotency, request limits. */
export const PIPELINE_ERROR_CODES = [
  'INVALID_FIELD', 'INVALID_VALUE', 'MALFORMED_JSON', 'MALFORMED_URL', 'UNSUPPORTED_MEDIA_TYPE', 'INVALID_CONTENT_LENGTH', 'BODY_TOO_LARGE', 'BAD_REQUEST',
  'MISSING_CREDENTIALS', 'INVALID_API_KEY', 'INVALID_API_ACCESS_KEY', 'INVALID_TOKEN', 'TOKEN_EXPIRED', 'SESSION_REVOKED', 'NOT_A_MEMBER',
  'PERMISSION_DENIED', 'TENANT_WIDE_ROUTE', 'OUTSIDE_ORGANISATION',
  'INVALID_IDEMPOTENCY_KEY', 'IDEMPOTENCY_KEY_REUSED', 'IDEMPOTENCY_REQUEST_IN_PROGRESS', 'TOO_MANY_REQUESTS',
] as const;
const ADMIN_ERROR_CODES = ['ADMIN_API_DISABLED', 'INVALID_ADMIN_TOKEN'] as const;

/** Every errorCode the route may answer: the pipeline's and its own. */
export function errorCodesOf(config: KeelRouteConfig | undefined): readonly string[] {
  const pipeline: readonly string[] = config?.auth === 'admin' ? [...PIPELINE_ERROR_CODES, ...ADMIN_ERROR_CODES] : PIPELINE_ERROR_CODES;
  return [...new Set([...pipeline, ...(config?.errorCodes ?? [])])];
}
