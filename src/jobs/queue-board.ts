import { createBullBoard } from '@bull-board/api';
import { BullMQAdapter } from '@bull-board/api/bullMQAdapter';
import { ExpressAdapter } from '@bull-board/express';
import { NextFunction, Request, RequestHandler, Response } from 'express';
import { Caller } from '../auth/roles.decorator';
import { RateLimited } from '../common/errors';
import { JobQueue } from './job-queue';
import { QUEUES, QueueName } from './queues';

export const QUEUE_BOARD_PATH = '/admin/queues';

/**
 * Who may open the board: an admin key, as the password of HTTP Basic authentication (a browser
 * cannot add the console's Authorization: Bearer header to a page it navigates to, and the board's
 * own requests carry the credentials the browser asked for once), or as a Bearer key (scripts).
 */
function adminOnly(authenticate: BoardAuthentication): RequestHandler {
  return (req: Request, res: Response, next: NextFunction) => {
    const header = req.headers.authorization ?? '';
    const bearer = /^Bearer\s+(\S+)$/i.exec(header)?.[1];
    const basic = /^Basic\s+([A-Za-z0-9+/=]+)$/i.exec(header)?.[1];
    const key = bearer ?? (basic ? Buffer.from(basic, 'base64').toString('utf8').split(':').slice(1).join(':') : undefined);
    const refuse = (status: number, message: string) => {
      if (status === 401) res.setHeader('WWW-Authenticate', 'Basic realm="Outage Notifier queues", charset="UTF-8"');
      res.status(status).json({ error: { code: status === 401 ? 'UNAUTHENTICATED' : 'FORBIDDEN', message } });
    };
    if (!key) return refuse(401, 'an admin API key is required (as the password of Basic authentication, or as a Bearer key)');
    authenticate(key, req).then(
      (caller) => {
        if (!caller) return refuse(401, 'the API key is not valid');
        if (caller.role !== 'admin') return refuse(403, 'this needs the role admin');
        next();
      },
      (err) => {
        if (!(err instanceof RateLimited)) return next(err);
        res.setHeader('Retry-After', String(err.retryAfterSeconds));
        res.setHeader('Cache-Control', 'no-store');
        res.status(429).json({ error: { code: err.code, message: err.message, details: err.details } });
      },
    );
  };
}

/**
 * Looking only: the board's actions (retry, clean, add, pause) answer 405. Delivery jobs carry no
 * data, so nothing is gained by retrying one by hand (the dispatcher re-derives what is due), and
 * credentials a browser keeps for Basic authentication are sent by any page's form post too.
 */
const readOnly: RequestHandler = (req, res, next) => {
  if (req.method === 'GET' || req.method === 'HEAD') return next();
  res.setHeader('Allow', 'GET, HEAD');
  res.status(405).json({ error: { code: 'METHOD_NOT_ALLOWED', message: 'the queue board is read-only' } });
};

/** Checks a key for the board; may throw RateLimited (wrong keys count per client address, as on /v1). */
export type BoardAuthentication = (key: string, req: Request) => Promise<Caller | null>;

/** Bull Board over every queue, read-only, for admins: mount the handlers at QUEUE_BOARD_PATH. */
export function queueBoard(jobs: JobQueue, authenticate: BoardAuthentication): RequestHandler[] {
  const adapter = new ExpressAdapter();
  adapter.setBasePath(QUEUE_BOARD_PATH);
  createBullBoard({
    queues: (Object.values(QUEUES) as QueueName[]).map((q) => new BullMQAdapter(jobs.queue(q), { readOnlyMode: true })),
    serverAdapter: adapter,
    options: { uiConfig: { boardTitle: 'Outage Notifier' } },
  });
  return [adminOnly(authenticate), readOnly, adapter.getRouter() as RequestHandler];
}
