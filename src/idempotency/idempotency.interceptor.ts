import { CallHandler, ExecutionContext, HttpStatus, Injectable, NestInterceptor, UseInterceptors, applyDecorators } from '@nestjs/common';
import { HTTP_CODE_METADATA } from '@nestjs/common/constants';
import { ApiHeader } from '@nestjs/swagger';
import { createHash } from 'crypto';
import type { Request, Response } from 'express';
import { from, lastValueFrom, Observable, of } from 'rxjs';
import type { Caller } from '../auth/roles.decorator';
import { DomainError, ValidationFailed } from '../common/errors';
import { IdempotencyRepository } from './idempotency.repository';

const HEADER = 'Idempotency-Key';
const KEY = /^[\x21-\x7e]{1,200}$/;

/**
 * `Idempotency-Key` on a write: the first request with a key runs and its answer is kept (24 h,
 * per API key); a repeat with the same key, route and body gets that answer again, with no second
 * effect; the same key with another request is refused (422); a repeat while the first still runs
 * gets 409 and Retry-After. A request that fails frees its key: it changed nothing.
 */
@Injectable()
export class IdempotencyInterceptor implements NestInterceptor {
  constructor(private readonly keys: IdempotencyRepository) {}

  async intercept(context: ExecutionContext, next: CallHandler): Promise<Observable<unknown>> {
    const req = context.switchToHttp().getRequest<Request & { caller: Caller }>();
    const key = req.header(HEADER);
    if (key === undefined) return next.handle();
    if (!KEY.test(key)) throw new ValidationFailed([{ field: HEADER, message: 'must be 1 to 200 visible ASCII characters' }]);

    const fingerprint = createHash('sha256').update(JSON.stringify([req.method, req.path, req.body ?? null])).digest('base64url');
    const keyId = req.caller.keyId;
    const held = await this.keys.claim(keyId, key, fingerprint);
    if (held.state !== 'new' && held.fingerprint !== fingerprint) {
      throw new DomainError('IDEMPOTENCY_KEY_REUSED', `this ${HEADER} was used for another request; use a new key for a new request`, 422);
    }
    const res = context.switchToHttp().getResponse<Response>();
    if (held.state === 'running') {
      res.setHeader('Retry-After', '1');
      throw new DomainError('IDEMPOTENT_REQUEST_IN_PROGRESS', `a request with this ${HEADER} is still being processed; repeat it shortly`, 409);
    }
    if (held.state === 'done') {
      res.setHeader('Idempotent-Replayed', 'true');
      return of(held.body);
    }
    const status: number = Reflect.getMetadata(HTTP_CODE_METADATA, context.getHandler()) ?? (req.method === 'POST' ? HttpStatus.CREATED : HttpStatus.OK);
    return from(
      (async () => {
        try {
          const body = await lastValueFrom(next.handle());
          await this.keys.complete(keyId, key, status, body);
          return body;
        } catch (err) {
          await this.keys.release(keyId, key);
          throw err;
        }
      })(),
    );
  }
}

/** The route takes an Idempotency-Key (documented in OpenAPI). */
export const Idempotent = () =>
  applyDecorators(
    UseInterceptors(IdempotencyInterceptor),
    ApiHeader({ name: HEADER, required: false, description: 'repeat a request safely: the same key and body give the first answer again and no second effect (kept 24 h)' }),
  );
