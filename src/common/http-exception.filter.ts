import { ArgumentsHost, Catch, ExceptionFilter, HttpException, HttpStatus, Logger } from '@nestjs/common';
import { Response } from 'express';
import { DomainError } from './errors';

const HTTP_CODES: Record<number, string> = {
  400: 'BAD_REQUEST',
  401: 'UNAUTHENTICATED',
  403: 'FORBIDDEN',
  404: 'NOT_FOUND',
  405: 'METHOD_NOT_ALLOWED',
  413: 'PAYLOAD_TOO_LARGE',
  415: 'UNSUPPORTED_MEDIA_TYPE',
  429: 'TOO_MANY_REQUESTS',
};

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
    res.status(status).json({ error: body });
  }

  private toBody(exception: unknown): { status: number; body: { code: string; message: string; details: unknown[] } } {
    if (exception instanceof DomainError) {
      return { status: exception.status, body: { code: exception.code, message: exception.message, details: exception.details } };
    }
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
