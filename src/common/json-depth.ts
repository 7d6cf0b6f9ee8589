import { NextFunction, Request, Response } from 'express';
import { ValidationFailed } from './errors';

/** No request body of ours nests deeper than a few levels; 32 leaves room for any of them. */
export const MAX_JSON_DEPTH = 32;

/** Whether `value` nests objects or arrays more than `max` deep (walks no further than that). */
export function nestedDeeperThan(value: unknown, max: number): boolean {
  if (value === null || typeof value !== 'object') return false;
  if (max === 0) return true;
  return Object.values(value).some((v) => nestedDeeperThan(v, max - 1));
}

/**
 * A JSON body nested deeper than MAX_JSON_DEPTH is a 422 before any route runs: JSON.parse takes
 * thousands of levels, but anything that walks the value recursively afterwards (JSON.stringify in
 * the idempotency fingerprint, validation, logging) overflows the stack, which was a 500.
 */
export function refuseDeepJson(req: Request, _res: Response, next: NextFunction): void {
  const deep = req.body !== undefined && nestedDeeperThan(req.body, MAX_JSON_DEPTH);
  next(deep ? new ValidationFailed([{ field: 'body', message: `must not nest objects or arrays more than ${MAX_JSON_DEPTH} levels deep` }]) : undefined);
}
