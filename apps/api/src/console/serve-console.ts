import type { NestExpressApplication } from '@nestjs/platform-express';
import type { NextFunction, Request, Response } from 'express';
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';

export const CONSOLE_PATH = '/console';

/**
 * Serves the built console (`vite build console` writes `dist/console`) at /console: hashed
 * assets cached for good, and index.html for every client-side route (a path without a file
 * extension), so a reload or a shared link of /console/customers/<id> works.
 */
export function serveConsole(app: NestExpressApplication, dir = builtConsoleDir()): void {
  const index = join(dir, 'index.html');
  app.useStaticAssets(dir, {
    prefix: CONSOLE_PATH,
    index: false,
    redirect: false,
    setHeaders: (res, path) => {
      if (path.startsWith(join(dir, 'assets'))) res.setHeader('Cache-Control', 'public, max-age=31536000, immutable');
    },
  });
  app.use(CONSOLE_PATH, (request: Request, response: Response, next: NextFunction) => {
    const clientRoute = (request.method === 'GET' || request.method === 'HEAD') && !/\.[A-Za-z0-9]+$/.test(request.path);
    if (!clientRoute) return next();
    if (!existsSync(index)) {
      response
        .status(404)
        .type('application/problem+json')
        .send(JSON.stringify({ type: '/problems/not-found', title: 'Not found', status: 404, detail: 'The console is not built: run `npm run build`.', code: 'NOT_FOUND' }));
      return;
    }
    // index.html names the current hashed assets: always revalidate it.
    response.setHeader('Cache-Control', 'no-cache');
    response.sendFile(index);
  });
}

/** `dist/console` beside the project's package.json, from the sources (tests) or from dist. */
function builtConsoleDir(): string {
  let dir = __dirname;
  while (!existsSync(join(dir, 'package.json')) && dirname(dir) !== dir) dir = dirname(dir);
  return join(dir, 'dist', 'console');
}
