import type { NextFunction, Request, RequestHandler, Response } from 'express';
import helmet from 'helmet';

// The API answers JSON only: no page may frame it or run anything from it.
const apiHeaders = helmet({
  contentSecurityPolicy: { useDefaults: false, directives: { defaultSrc: ["'none'"], frameAncestors: ["'none'"] } },
  frameguard: { action: 'deny' },
  // Cross-origin callers are services, not browsers loading our resources into their pages.
  crossOriginResourcePolicy: { policy: 'same-origin' },
});

// Swagger UI is a page: its own scripts and styles (its init script is a file, its styles partly inline).
const docsHeaders = helmet({
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
 * page's own on /docs), and `Cache-Control: no-store` on the API's answers, which carry billing
 * contacts and addresses that no shared or browser cache should keep.
 */
export function securityHeaders(docsPath: string): RequestHandler {
  return (req: Request, res: Response, next: NextFunction) => {
    if (req.path === `/${docsPath}` || req.path.startsWith(`/${docsPath}/`) || req.path.startsWith(`/${docsPath}-`)) {
      docsHeaders(req, res, next);
      return;
    }
    if (req.path.startsWith('/v1/')) res.setHeader('Cache-Control', 'no-store');
    apiHeaders(req, res, next);
  };
}
