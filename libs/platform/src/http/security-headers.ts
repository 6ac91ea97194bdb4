import type { NextFunction, Request, RequestHandler, Response } from 'express';
import helmet from 'helmet';

// The API answers JSON only: no page may frame it or run anything from it.
const apiHeaders = helmet({
  contentSecurityPolicy: { useDefaults: false, directives: { defaultSrc: ["'none'"], frameAncestors: ["'none'"] } },
  frameguard: { action: 'deny' },
  // Cross-origin callers are services, not browsers loading our resources into their pages.
  crossOriginResourcePolicy: { policy: 'same-origin' },
});

// The pages (Swagger UI, the console): their own scripts and styles (scripts are files, styles
// partly inline), and calls back to this origin only.
const pageHeaders = helmet({
  contentSecurityPolicy: {
    useDefaults: false,
    directives: {
      defaultSrc: ["'self'"],
      scriptSrc: ["'self'"],
      styleSrc: ["'self'", "'unsafe-inline'"],
      imgSrc: ["'self'", 'data:'],
      connectSrc: ["'self'"],
      objectSrc: ["'none'"],
      baseUri: ["'self'"],
      frameAncestors: ["'none'"],
    },
  },
  frameguard: { action: 'deny' },
});

/**
 * Security headers on every answer (helmet): nosniff, no framing, a content-security policy (a
 * page's own on /docs and /console), and `Cache-Control: no-store` on the API's answers, which carry billing
 * contacts and addresses that no shared or browser cache should keep.
 */
export function securityHeaders(pagePaths: readonly string[]): RequestHandler {
  const isPage = (path: string) => pagePaths.some((page) => path === `/${page}` || path.startsWith(`/${page}/`) || path.startsWith(`/${page}-`));
  return (req: Request, res: Response, next: NextFunction) => {
    if (isPage(req.path)) {
      pageHeaders(req, res, next);
      return;
    }
    if (req.path.startsWith('/v1/')) res.setHeader('Cache-Control', 'no-store');
    apiHeaders(req, res, next);
  };
}
