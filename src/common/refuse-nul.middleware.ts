import { NextFunction, Request, Response } from 'express';
import { ValidationFailed } from './errors';
import { findUnstorable } from './storable-text';

const MESSAGE = 'must not contain the NUL character (U+0000)';

/**
 * A NUL anywhere in a JSON body, the query string or the path is refused with a 422 naming where
 * it is, before any route runs: PostgreSQL cannot store it, and the insert's failure was a 500
 * (after other writes of the request may have been tried). Refused, not stripped, so nothing is
 * stored other than what the caller sent.
 */
export function refuseNul(req: Request, _res: Response, next: NextFunction): void {
  let path: string;
  try {
    path = decodeURIComponent(req.path);
  } catch {
    path = req.path; // malformed escapes are the router's to refuse
  }
  const field = path.includes('\u0000') ? 'path' : findUnstorable(req.query ?? {}) ?? (req.body === undefined ? undefined : findUnstorable(req.body));
  next(field ? new ValidationFailed([{ field, message: MESSAGE }]) : undefined);
}
