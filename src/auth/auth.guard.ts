import { CanActivate, ExecutionContext, Injectable } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { Request } from 'express';
import { DomainError } from '../common/errors';
import { RateLimits } from '../rate-limits/rate-limits.service';
import { Role } from './api-key.entity';
import { ApiKeysService } from './api-keys.service';
import { Caller, PUBLIC_KEY, ROLES_KEY } from './roles.decorator';

/**
 * Bearer API keys on everything not marked @Public(); 401 without a valid key, 403 without the role.
 * Wrong keys are counted per client address and, past RATE_LIMIT_AUTH_FAILURES, answered 429; a
 * valid key is still served from that address (keys are 256-bit random, so guessing gains nothing,
 * while refusing it would let anyone behind the same NAT lock the NOC out). Every valid request
 * counts against its key's RATE_LIMIT_API_REQUESTS.
 */
@Injectable()
export class AuthGuard implements CanActivate {
  constructor(private readonly reflector: Reflector, private readonly keys: ApiKeysService, private readonly limits: RateLimits) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const targets = [context.getHandler(), context.getClass()];
    if (this.reflector.getAllAndOverride<boolean>(PUBLIC_KEY, targets)) return true;

    const req = context.switchToHttp().getRequest<Request & { caller?: Caller }>();
    const match = /^Bearer\s+(\S+)$/i.exec(req.headers.authorization ?? '');
    if (!match) throw new DomainError('UNAUTHENTICATED', 'an API key is required: Authorization: Bearer <key>', 401);
    const caller = await this.keys.authenticate(match[1]);
    if (!caller) {
      await this.limits.consume('authFailures', req.ip ?? 'unknown');
      throw new DomainError('UNAUTHENTICATED', 'the API key is not valid', 401);
    }
    await this.limits.consume('apiRequests', caller.keyId);
    req.caller = caller;

    const roles = this.reflector.getAllAndOverride<Role[]>(ROLES_KEY, targets) ?? [];
    if (caller.role === 'admin' || roles.includes(caller.role)) return true;
    throw new DomainError('FORBIDDEN', `this needs one of the roles: ${[...new Set(['admin', ...roles])].join(', ')}`, 403);
  }
}
