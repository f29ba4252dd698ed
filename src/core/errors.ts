// Typed domain errors. Domain code throws these; only src/http/errors.ts maps them to HTTP.

export type ErrorKind =
  | 'validation'
  | 'unauthorized'
  | 'forbidden'
  | 'not_found'
  | 'conflict'
  | 'payment_failed'
  | 'idempotency_mismatch';

export class DomainError extends Error {
  readonly kind: ErrorKind;
  readonly code: string;
  readonly title: string | undefined;

  constructor(kind: ErrorKind, code: string, message: string, title?: string) {
    super(message);
    this.name = 'DomainError';
    this.kind = kind;
    this.code = code;
    this.title = title;
  }
}

export const invalid = (code: string, message: string) => new DomainError('validation', code, message);
export const notFound = (code: string, message: string) => new DomainError('not_found', code, message);
export const conflict = (code: string, message: string) => new DomainError('conflict', code, message);
export const forbidden = (code: string, message: string) => new DomainError('forbidden', code, message);
export const unauthorized = (code: string, message: string) => new DomainError('unauthorized', code, message);

export function isDomainError(e: unknown): e is DomainError {
  return e instanceof DomainError;
}
