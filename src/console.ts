import { INestApplication, Logger } from '@nestjs/common';
import express, { Request, Response } from 'express';
import { existsSync } from 'fs';
import { join, resolve } from 'path';

/** Where `npm run build` puts the console: web/dist beside src/ (ts-node) or beside dist/ (built). */
export function consoleDir(): string | undefined {
  return [resolve(__dirname, '..', 'web', 'dist'), resolve(__dirname, '..', '..', 'web', 'dist')].find((d) =>
    existsSync(join(d, 'index.html')),
  );
}

/**
 * The web console at /console, same origin as the API: hashed assets cached for good, any other
 * path under /console answered with index.html (the console routes in the browser). Nothing here
 * needs a key; the console asks for one and sends it to /v1 itself.
 */
export function serveConsole(app: INestApplication): void {
  const dir = consoleDir();
  if (!dir) {
    new Logger('Console').warn({ msg: 'console not built (npm run build): /console answers 404' });
    return;
  }
  app.use('/console/assets', express.static(join(dir, 'assets'), { immutable: true, maxAge: '365d', index: false, fallthrough: false }));
  // The console's icon (web/public), which the status page shows too.
  app.use('/console/favicon.svg', (_req: Request, res: Response) => res.sendFile(join(dir, 'favicon.svg'), { maxAge: '1d' }));
  app.use('/console', (req: Request, res: Response, next: () => void) => {
    if (req.method !== 'GET' && req.method !== 'HEAD') return next();
    res.setHeader('Cache-Control', 'no-cache');
    res.sendFile(join(dir, 'index.html'));
  });
}
