import { CallHandler, ExecutionContext, HttpException, HttpStatus, Injectable, NestInterceptor, SetMetadata } from '@nestjs/common';
import { HTTP_CODE_METADATA } from '@nestjs/common/constants';
import { Reflector } from '@nestjs/core';
import type { Request } from 'express';
import { from, lastValueFrom, Observable } from 'rxjs';
import type { Caller } from '../auth/roles.decorator';
import { DomainError } from '../common/errors';
import { PendingAudit, runWithPendingAudit } from './audit-context';
import { AuditRepository, AuditRow } from './audit.repository';

export interface Touched {
  incidentIds?: unknown[];
  subscriberIds?: unknown[];
}

/**
 * Picks the ids a request touched from its answer (undefined when it failed), body and query; the
 * path's :id is taken without asking.
 */
export type TouchedIds = (r: { result: any; body: any; query: Record<string, unknown> }) => Touched;

const AUDIT_KEY = 'audit';

/**
 * The route reads customers' data: every call is audited, with the ids `touched` names. Writes
 * (POST, PATCH, PUT, DELETE) are audited without it; `touched` adds ids their path lacks.
 */
export const Audited = (touched: TouchedIds = () => ({})) => SetMetadata(AUDIT_KEY, touched);

/** The path's :id is an incident's or a subscriber's, by the route it is in. */
const PATH_IDS: Array<[RegExp, keyof Touched]> = [
  [/^\/v1\/incidents\/:id(\/|$)/, 'incidentIds'],
  [/^\/v1\/subscribers\/:id(\/|$)/, 'subscriberIds'],
];

// Only numbers and numeric strings: Number() throws on an object whose toString is not a function (a hostile body).
const ids = (values: unknown[] | undefined): number[] =>
  [...new Set((values ?? []).map((v) => (typeof v === 'number' || typeof v === 'string' ? Number(v) : NaN)).filter((n) => Number.isInteger(n) && n > 0 && n <= 2_147_483_647))].sort((a, b) => a - b);

/**
 * One audit row per request that read customers' data or changed anything, written before the
 * answer leaves (a read that cannot be recorded is not answered). A change's row is written inside
 * the change's own transaction, just before its COMMIT (AuditTransactionSubscriber, and the
 * imports' own connection), so no change commits without its row; what only the answer knows (a
 * new incident's id, a status other than success) is added after. Refusals after authentication
 * (another manager's incident, a bad body) are recorded with their status; requests without a
 * valid key or role never reach here (the guard answers them).
 */
@Injectable()
export class AuditInterceptor implements NestInterceptor {
  constructor(
    private readonly reflector: Reflector,
    private readonly log: AuditRepository,
  ) {}

  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    const req = context.switchToHttp().getRequest<Request & { caller?: Caller }>();
    const touched = this.reflector.get<TouchedIds | undefined>(AUDIT_KEY, context.getHandler());
    const caller = req.caller;
    const isRead = req.method === 'GET' || req.method === 'HEAD';
    if (!caller || (isRead && !touched)) return next.handle();

    const route: string = req.route?.path ?? req.path;
    const rowOf = (status: number, result?: unknown): AuditRow => {
      const found: Touched = touched?.({ result, body: req.body, query: req.query }) ?? {};
      const fromPath = PATH_IDS.find(([pattern]) => pattern.test(route))?.[1];
      if (fromPath) found[fromPath] = [...(found[fromPath] ?? []), req.params.id];
      return {
        keyId: caller.keyId, role: caller.role, method: req.method, route, status,
        incidentIds: ids(found.incidentIds), subscriberIds: ids(found.subscriberIds),
      };
    };
    const okStatus: number = Reflect.getMetadata(HTTP_CODE_METADATA, context.getHandler()) ?? (req.method === 'POST' ? HttpStatus.CREATED : HttpStatus.OK);
    // A change's row as far as the request tells before it runs, for its transaction to write.
    const change: PendingAudit | undefined = isRead ? undefined : { row: rowOf(okStatus) };
    const write = async (row: AuditRow) => {
      if (change?.id && (sameRow(row, change.row) || (await this.log.complete(change.id, row)))) return;
      await this.log.write(row);
    };
    const handle = () => lastValueFrom(next.handle(), { defaultValue: undefined });
    return from(
      (async () => {
        let result: unknown;
        try {
          result = await (change ? runWithPendingAudit(change, handle) : handle());
        } catch (err) {
          await write(rowOf(statusOf(err)));
          throw err;
        }
        await write(rowOf(okStatus, result));
        return result;
      })(),
    );
  }
}

const sameRow = (a: AuditRow, b: AuditRow) =>
  a.status === b.status && a.incidentIds.join() === b.incidentIds.join() && a.subscriberIds.join() === b.subscriberIds.join();

function statusOf(err: unknown): number {
  if (err instanceof DomainError) return err.status;
  if (err instanceof HttpException) return err.getStatus();
  return 500;
}
