import { ArgumentsHost, Catch, ExceptionFilter, HttpException, HttpStatus, Logger } from '@nestjs/common';
import { Response } from 'express';
import { QueryFailedError } from 'typeorm';
import { DomainError, RateLimited } from './errors';

const HTTP_CODES: Record<number, string> = {
  400: 'BAD_REQUEST',
  401: 'UNAUTHENTICATED',
  403: 'FORBIDDEN',
  404: 'NOT_FOUND',
  405: 'METHOD_NOT_ALLOWED',
  413: 'PAYLOAD_TOO_LARGE',
  415: 'UNSUPPORTED_MEDIA_TYPE',
  429: 'TOO_MANY_REQUESTS',
  503: 'UNAVAILABLE',
};

/**
 * Constraint violations that reach here lost a race with a concurrent request (the services
 * check first, so a single request gets its own clearer error): the caller's mistake, not ours.
 * The message never quotes the database's detail, which carries the row's values.
 */
const UNIQUE_CODES: Record<string, string> = {
  areas_code_key: 'AREA_EXISTS',
  network_elements_code_key: 'NETWORK_ELEMENT_EXISTS',
  subscribers_external_id_key: 'SUBSCRIBER_EXISTS',
};

function constraintViolation(e: QueryFailedError): { status: number; body: { code: string; message: string; details: unknown[] } } | undefined {
  const { code, constraint } = e.driverError as { code?: string; constraint?: string };
  if (code === '23505') {
    return { status: 409, body: { code: UNIQUE_CODES[constraint ?? ''] ?? 'ALREADY_EXISTS', message: 'a record with this key already exists', details: [] } };
  }
  if (code === '23503') {
    return { status: 422, body: { code: 'UNKNOWN_REFERENCE', message: 'a referenced record does not exist (any more)', details: [] } };
  }
  if (code === '23514' && constraint?.endsWith('_no_cycle')) {
    return { status: 409, body: { code: 'HIERARCHY_CYCLE', message: 'the new parent is this node or one of its descendants', details: [] } };
  }
  return undefined;
}

/** Refused connections: the server is down, starting up or shutting down (57P03), or unreachable. */
const CANNOT_CONNECT = new Set(['ECONNREFUSED', 'EHOSTUNREACH', 'ENETUNREACH', 'ENOTFOUND', 'EAI_AGAIN', '57P03', '08001', '08004']);
/** Connections lost mid-request: terminated by a shutdown (57P01, 57P02) or broken (class 08). */
const CONNECTION_LOST = new Set(['ECONNRESET', 'EPIPE', '57P01', '57P02', '08000', '08003', '08006']);

/**
 * The database's own limits (see AppConfig.databaseTimeouts): the request was cut off rather than
 * left hanging; its transaction was rolled back, so retrying is safe.
 */
function databaseTimeout(exception: unknown): { status: number; body: { code: string; message: string; details: unknown[] } } | undefined {
  const code = exception instanceof QueryFailedError ? (exception.driverError as { code?: string }).code : undefined;
  const message = exception instanceof Error ? exception.message : '';
  const unavailable = (what: string, errorCode: string) => ({
    status: 503,
    body: { code: errorCode, message: `${what}; nothing was changed, retry`, details: [] },
  });
  if (code === '57014') return unavailable('the database did not finish in time', 'DATABASE_TIMEOUT');
  if (code === '55P03') return unavailable('the record is locked by another change that did not finish in time', 'DATABASE_BUSY');
  // node-postgres's pool and client when a connection cannot be made within the connect timeout
  if (/timeout exceeded when trying to connect|connection timeout/i.test(message)) return unavailable('the database could not be reached in time', 'DATABASE_UNAVAILABLE');
  // The server is down, starting or stopping (a restart, a failover): nothing reached it.
  const errno = (exception as { code?: unknown } | undefined)?.code;
  if (CANNOT_CONNECT.has(String(code ?? errno))) return unavailable('the database cannot be reached', 'DATABASE_UNAVAILABLE');
  // The connection went away during the request: whether a commit in flight took is unknown.
  if (CONNECTION_LOST.has(String(code ?? errno)) || /Connection terminated unexpectedly/i.test(message)) {
    return {
      status: 503,
      body: { code: 'DATABASE_UNAVAILABLE', message: 'the connection to the database was lost; retry (a write retried with the same Idempotency-Key has no second effect)', details: [] },
    };
  }
  return undefined;
}

/** Maps every failure to the contract's `{error: {code, message, details}}` body. */
@Catch()
export class HttpExceptionFilter implements ExceptionFilter {
  private readonly logger = new Logger('Http');

  catch(exception: unknown, host: ArgumentsHost): void {
    const res = host.switchToHttp().getResponse<Response>();
    const { status, body } = this.toBody(exception);
    if (status >= 500) this.logger.error(exception instanceof Error ? exception : String(exception));
    if (res.headersSent) {
      res.end();
      return;
    }
    if (exception instanceof RateLimited) {
      res.setHeader('Retry-After', String(exception.retryAfterSeconds));
      res.setHeader('Cache-Control', 'no-store');
    }
    res.status(status).json({ error: body });
  }

  private toBody(exception: unknown): { status: number; body: { code: string; message: string; details: unknown[] } } {
    if (exception instanceof DomainError) {
      return { status: exception.status, body: { code: exception.code, message: exception.message, details: exception.details } };
    }
    if (exception instanceof QueryFailedError) {
      const mapped = constraintViolation(exception);
      if (mapped) return mapped;
    }
    const timedOut = databaseTimeout(exception);
    if (timedOut) return timedOut;
    if (exception instanceof HttpException) {
      const status = exception.getStatus();
      const response = exception.getResponse();
      if ((exception.cause as { type?: string } | undefined)?.type === 'entity.parse.failed' || exception.message.includes('JSON')) {
        return { status: 400, body: { code: 'MALFORMED_JSON', message: 'the request body is not valid JSON', details: [] } };
      }
      const message =
        typeof response === 'string' ? response : String((response as { message?: unknown }).message ?? exception.message);
      return { status, body: { code: HTTP_CODES[status] ?? `HTTP_${status}`, message, details: [] } };
    }
    // body-parser errors carry their own status (400 malformed JSON, 413 too large, 415 charset).
    const e = exception as { status?: number; type?: string; message?: string };
    if (typeof e?.status === 'number' && e.status >= 400 && e.status < 500) {
      const code = e.type === 'entity.parse.failed' ? 'MALFORMED_JSON' : HTTP_CODES[e.status] ?? `HTTP_${e.status}`;
      const message = e.type === 'entity.parse.failed' ? 'the request body is not valid JSON' : e.message ?? 'bad request';
      return { status: e.status, body: { code, message, details: [] } };
    }
    return {
      status: HttpStatus.INTERNAL_SERVER_ERROR,
      body: { code: 'INTERNAL', message: 'internal error; it has been logged', details: [] },
    };
  }
}
