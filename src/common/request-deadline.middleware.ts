import { NextFunction, Request, RequestHandler, Response } from 'express';

/**
 * Answers 408 (and closes the connection) when a request's body has not fully arrived within
 * `ms` of its headers: Node's server-wide requestTimeout, but one that routes may be exempt from
 * (imports, which keep their own deadline). 0: no deadline.
 */
export function requestDeadline(ms: number, exempt: (req: Request) => boolean): RequestHandler {
  return (req: Request, res: Response, next: NextFunction) => {
    if (ms > 0 && !exempt(req)) {
      const timer = setTimeout(() => {
        if (req.complete || res.headersSent) return;
        res.status(408).set('connection', 'close').json({
          error: { code: 'REQUEST_TIMEOUT', message: `the request did not arrive within ${ms / 1000} s (REQUEST_TIMEOUT_SECONDS)`, details: [] },
        });
      }, ms);
      timer.unref();
      res.once('close', () => clearTimeout(timer));
    }
    next();
  };
}
