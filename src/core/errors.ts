// Typed domain errors. Domain code throws these; only src/http/errors.ts maps them to HTTP.

export type ErrorKind =
  | 'validation'
  | 'unauthorized'
  | 'forbidden'
  | 'not_found'
  | 'conflict'
  | 'payment_failed'
  | 'idempotency_mismatch'
  | 'rate_limited';

export class DomainError extends Error {
  readonly kind: ErrorKind;
  readonly code: string;
  readonly title: string | undefined;
  /** Per-item problems of a batch call, answered as `errors` beside the usual four fields. */
  readonly details: readonly { index: number; errorCode: string; message: string }[] | undefined;
  /** rate_limited: when to ask again (the answer's Retry-After). */
  retryAfterSeconds: number | undefined;

  constructor(kind: ErrorKind, code: string, message: string, title?: string, details?: DomainError['details']) {
    super(message);
    this.name = 'DomainError';
    this.kind = kind;
    this.code = code;
    this.title = title;
    this.details = details;
  }
}

/** Validates every item of a batch; throws one 400 listing each failing item, or returns the results. */
export function validateEach<T, R>(items: readonly T[], check: (item: T, index: number) => R): R[] {
  const out: R[] = [];
  const problems: { index: number; errorCode: string; message: string }[] = [];
  items.forEach((item, index) => {
    try {
      out.push(check(item, index));
    } catch (e) {
      if (!(e instanceof DomainError) || e.kind !== 'validation') throw e;
      problems.push({ index, errorCode: e.code, message: e.message });
    }
  });
  if (problems.length > 0) {
    const first = problems[0]!;
    const more = problems.length > 1 ? ` (and ${problems.length - 1} more: see errors)` : '';
    throw new DomainError('validation', first.errorCode, `${first.message}${more}`, undefined, problems);
  }
  return out;
}

export const invalid = (code: string, message: string) => new DomainError('validation', code, message);
export const notFound = (code: string, message: string) => new DomainError('not_found', code, message);
export const conflict = (code: string, message: string) => new DomainError('conflict', code, message);
export const forbidden = (code: string, message: string) => new DomainError('forbidden', code, message);
export const unauthorized = (code: string, message: string) => new DomainError('unauthorized', code, message);
export const tooManyRequests = (code: string, message: string, retryAfterSeconds: number) =>
  Object.assign(new DomainError('rate_limited', code, message), { retryAfterSeconds });

export function isDomainError(e: unknown): e is DomainError {
  return e instanceof DomainError;
}
