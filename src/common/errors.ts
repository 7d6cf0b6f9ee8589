import { FieldError } from './validation';

/**
 * A failure the caller can act on. Carries a stable code and the HTTP status it maps to; thrown
 * from services shared with workers, so it never depends on Nest's HttpException.
 */
export class DomainError extends Error {
  constructor(
    readonly code: string,
    message: string,
    readonly status = 400,
    readonly details: unknown[] = [],
  ) {
    super(message);
  }
}

export class ValidationFailed extends DomainError {
  constructor(errors: FieldError[], message?: string) {
    super(
      'VALIDATION_FAILED',
      message ?? errors.map((e) => `${e.field} ${e.message}`).slice(0, 5).join('; '),
      422,
      errors,
    );
  }
}

export class NotFound extends DomainError {
  constructor(what: string, key: string | number) {
    super(`${what.toUpperCase().replace(/ /g, '_')}_NOT_FOUND`, `${what} ${key} does not exist`, 404);
  }
}

export class UnknownReferences extends DomainError {
  constructor(errors: FieldError[]) {
    super('UNKNOWN_REFERENCE', errors.map((e) => `${e.field} ${e.message}`).join('; '), 422, errors);
  }
}

export class Conflict extends DomainError {
  constructor(code: string, message: string, details: unknown[] = []) {
    super(code, message, 409, details);
  }
}

/** 429: the caller is throttled; the exception filter sends Retry-After. */
export class RateLimited extends DomainError {
  constructor(message: string, readonly retryAfterSeconds: number, details: unknown[] = []) {
    super('RATE_LIMITED', message, 429, details);
  }
}
