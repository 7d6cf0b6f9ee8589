import { NextFunction, Request, RequestHandler, Response } from 'express';
import helmet from 'helmet';

/**
 * The Content-Security-Policy of every page we serve (status page, unsubscribe, the console):
 * scripts, styles and everything else only from our own origin as files (nothing inline, so an
 * injected <script> or style attribute does not run), never framed, forms posting only to us.
 * Pages that need a script or a stylesheet serve it as a file beside them (see status-page).
 */
export const CONTENT_SECURITY_POLICY: Readonly<Record<string, readonly string[]>> = {
  'default-src': ["'self'"],
  'script-src': ["'self'"],
  'style-src': ["'self'"],
  'img-src': ["'self'", 'data:'],
  'font-src': ["'self'"],
  'connect-src': ["'self'"],
  'object-src': ["'none'"],
  'base-uri': ["'none'"],
  'form-action': ["'self'"],
  'frame-ancestors': ["'none'"],
};

/**
 * The console (/console): Mantine writes its theme's CSS variables into a <style> element at run
 * time, so styles may be inline there; scripts stay our own files only. (A per-response nonce
 * handed to Mantine's getStyleNonce would remove this exception.)
 */
export const CONSOLE_CONTENT_SECURITY_POLICY: Readonly<Record<string, readonly string[]>> = {
  ...CONTENT_SECURITY_POLICY,
  'style-src': ["'self'", "'unsafe-inline'"],
};

/**
 * The queue board (/admin/queues, Bull Board): as the console (style attributes and a <style>
 * element), and its page sets <base href> to find its files, so base-uri is our own origin.
 */
const QUEUE_BOARD_POLICY = { ...CONSOLE_CONTENT_SECURITY_POLICY, 'base-uri': ["'self'"] };

/** Swagger UI (/docs) puts styles inline; it shows no personal data. Everything else stays as strict. */
const DOCS_POLICY = { ...CONTENT_SECURITY_POLICY, 'style-src': ["'self'", "'unsafe-inline'"] };

/** The policy as a header value, e.g. for a test or a page served outside Express. */
export function cspHeader(policy: Readonly<Record<string, readonly string[]>> = CONTENT_SECURITY_POLICY): string {
  return Object.entries(policy)
    .map(([name, values]) => `${name} ${values.join(' ')}`)
    .join('; ');
}

function helmetWith(policy: Readonly<Record<string, readonly string[]>>): RequestHandler {
  return helmet({
    contentSecurityPolicy: { useDefaults: false, directives: policy as Record<string, string[]> },
    referrerPolicy: { policy: 'no-referrer' },
    xFrameOptions: { action: 'deny' },
    strictTransportSecurity: false, // only over HTTPS: see below
  }) as RequestHandler;
}

/**
 * Security headers on every response: the policy above (the console's and the docs' own under
 * /console and /docs), nosniff,
 * Referrer-Policy no-referrer, X-Frame-Options DENY, and HSTS only when the request came over
 * HTTPS (req.secure: behind a proxy, that needs TRUST_PROXY so X-Forwarded-Proto is believed).
 */
export function securityHeaders(opts: { hstsMaxAgeSeconds: number; /** Where Swagger UI is served, if it is. */ docsPath?: string }): RequestHandler {
  const pages = helmetWith(CONTENT_SECURITY_POLICY);
  const docs = helmetWith(DOCS_POLICY);
  const consolePages = helmetWith(CONSOLE_CONTENT_SECURITY_POLICY);
  const queueBoard = helmetWith(QUEUE_BOARD_POLICY);
  const { docsPath } = opts;
  return (req: Request, res: Response, next: NextFunction) => {
    if (req.secure && opts.hstsMaxAgeSeconds > 0) res.setHeader('Strict-Transport-Security', `max-age=${opts.hstsMaxAgeSeconds}`);
    const inDocs = !!docsPath && (req.path === docsPath || req.path.startsWith(`${docsPath}/`) || req.path.startsWith(`${docsPath}-`));
    const under = (p: string) => req.path === p || req.path.startsWith(`${p}/`);
    (inDocs ? docs : under('/console') ? consolePages : under('/admin/queues') ? queueBoard : pages)(req, res, next);
  };
}
