import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import { DomainError, type ErrorKind } from '../core/errors.js';
import { errorCodesOf } from './error-codes.js';

// The only file that knows how domain errors become HTTP answers. Every failure — ours, the
// router's, the JSON parser's, the schema validator's — leaves as {title, message, errorCode, errorType}.
export interface ErrorBody {
  title: string;
  message: string;
  errorCode: string;
  errorType: string;
  errors?: readonly { index: number; errorCode: string; message: string }[];
}

const BY_KIND: Record<ErrorKind, { status: number; title: string; errorType: string }> = {
  validation: { status: 400, title: 'Bad Request', errorType: 'ValidationError' },
  unauthorized: { status: 401, title: 'Unauthorized', errorType: 'AuthenticationError' },
  forbidden: { status: 403, title: 'Forbidden', errorType: 'AuthorizationError' },
  not_found: { status: 404, title: 'Not Found', errorType: 'NotFoundError' },
  conflict: { status: 409, title: 'Conflict', errorType: 'ConflictError' },
  payment_failed: { status: 402, title: 'Payment Failed', errorType: 'PaymentError' },
  idempotency_mismatch: { status: 422, title: 'Unprocessable Entity', errorType: 'IdempotencyError' },
  rate_limited: { status: 429, title: 'Too Many Requests', errorType: 'RateLimitError' },
};

const TITLES: Record<number, string> = {
  400: 'Bad Request', 401: 'Unauthorized', 403: 'Forbidden', 404: 'Not Found', 405: 'Method Not Allowed',
  406: 'Not Acceptable', 409: 'Conflict', 413: 'Payload Too Large', 415: 'Unsupported Media Type',
  422: 'Unprocessable Entity', 429: 'Too Many Requests', 500: 'Internal Server Error', 503: 'Service Unavailable',
};

// fastify's own client errors, renamed for API users.
const FASTIFY_CODES: Record<string, string> = {
  FST_ERR_CTP_INVALID_JSON_BODY: 'MALFORMED_JSON',
  FST_ERR_CTP_EMPTY_JSON_BODY: 'MALFORMED_JSON',
  FST_ERR_CTP_INVALID_MEDIA_TYPE: 'UNSUPPORTED_MEDIA_TYPE',
  FST_ERR_CTP_INVALID_CONTENT_LENGTH: 'INVALID_CONTENT_LENGTH',
  FST_ERR_CTP_BODY_TOO_LARGE: 'BODY_TOO_LARGE',
  FST_ERR_VALIDATION: 'INVALID_FIELD',
  FST_ERR_BAD_URL: 'MALFORMED_URL',
};

export function toErrorReply(err: unknown): { status: number; body: ErrorBody } {
  if (err instanceof DomainError) {
    const k = BY_KIND[err.kind];
    return { status: k.status, body: { title: err.title ?? k.title, message: err.message, errorCode: err.code, errorType: k.errorType, ...(err.details && { errors: err.details }) } };
  }
  const fe = err as Partial<FastifyError> & { validation?: unknown; type?: string };
  if (fe && Array.isArray(fe.validation)) {
    return { status: 400, body: { title: 'Bad Request', message: fe.message ?? 'Invalid request', errorCode: 'INVALID_FIELD', errorType: 'ValidationError' } };
  }
  // A value the database refuses (SQLSTATE class 22: bad date, out of range) came from input.
  const sqlState = (err as { code?: unknown })?.code;
  if (typeof sqlState === 'string' && /^22[0-9A-Z]{3}$/.test(sqlState)) {
    return { status: 400, body: { title: 'Bad Request', message: `A value is out of range or malformed: ${(err as Error).message}`, errorCode: 'INVALID_VALUE', errorType: 'ValidationError' } };
  }
  const status = typeof fe?.statusCode === 'number' ? fe.statusCode : undefined;
  if (status !== undefined && status >= 400 && status < 500) {
    const code = (fe.code && FASTIFY_CODES[fe.code]) || (fe instanceof SyntaxError ? 'MALFORMED_JSON' : 'BAD_REQUEST');
    const message = code === 'MALFORMED_JSON' ? `The request body is not valid JSON: ${fe.message}` : fe.message ?? 'Bad request';
    return { status, body: { title: TITLES[status] ?? 'Bad Request', message, errorCode: code, errorType: status === 400 ? 'ValidationError' : 'ClientError' } };
  }
  return { status: 500, body: { title: 'Internal Server Error', message: 'An unexpected error occurred; it has been logged.', errorCode: 'INTERNAL_ERROR', errorType: 'ServerError' } };
}

/** Answers every failure in the error shape. With `check` (the test suite) a code its route does not
 * list (config.errorCodes, or the pipeline's) is a 500 naming it, so the document's per-route codes cannot fall behind;
 * and a 500 says what failed (an answer off its schema, say) instead of only that something did. */
export function errorHandlerOf(check: boolean) {
  if (!check) return errorHandler;
  return (err: FastifyError, req: FastifyRequest, reply: FastifyReply): FastifyReply => {
    const listed = err instanceof DomainError ? errorCodesOf(req.routeOptions.config) : undefined;
    const unlisted = listed && !listed.includes((err as DomainError).code)
      ? `${req.method} ${req.routeOptions.url}: errorCode ${(err as DomainError).code} is not in its config.errorCodes (${err.message})` : undefined;
    const { status } = toErrorReply(err);
    if (!unlisted && status < 500) return errorHandler(err, req, reply);
    req.log.error({ err }, 'request failed');
    return reply.status(500).type('application/json; charset=utf-8')
      .send({ title: 'Internal Server Error', message: unlisted ?? err.message, errorCode: unlisted ? 'UNLISTED_ERROR_CODE' : 'INTERNAL_ERROR', errorType: 'ServerError' } satisfies ErrorBody);
  };
}

function errorHandler(err: FastifyError, req: FastifyRequest, reply: FastifyReply): FastifyReply {
  const { status, body } = toErrorReply(err);
  if (status >= 500) req.log.error({ err }, 'request failed');
  else req.log.info({ errorCode: body.errorCode, status }, body.message);
  if (err instanceof DomainError && err.retryAfterSeconds !== undefined) void reply.header('retry-after', String(err.retryAfterSeconds));
  return reply.status(status).type('application/json; charset=utf-8').send(body);
}

export function notFoundHandler(req: FastifyRequest, reply: FastifyReply): FastifyReply {
  return reply.status(404).send({
    title: 'Not Found',
    message: `No route ${req.method} ${(req.originalUrl || req.url).split('?')[0]}`,
    errorCode: 'ROUTE_NOT_FOUND',
    errorType: 'NotFoundError',
  } satisfies ErrorBody);
}
