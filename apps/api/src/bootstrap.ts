import { INestApplication } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { NestExpressApplication } from '@nestjs/platform-express';
import { SwaggerModule } from '@nestjs/swagger';
import { Logger } from 'nestjs-pino';
import { AppConfig, checkJsonShape, correlation, httpMetrics, Metrics, PlatformOptions, requestLogging, requireJsonBody, ROOT_LOGGER, securityHeaders } from '@app/platform';
import { AppModule } from './app.module';
import { serveConsole } from './console/serve-console';
import { openApiDocument } from './openapi/document';

/** Deeper than any body of this API (billing profile: 2 levels), far below what overflows a stack. */
const MAX_BODY_DEPTH = 16;

export type AppOptions = PlatformOptions;

/** Builds the whole API (and, on the embedded default, the projector) without listening yet. */
export async function createApp(config: AppConfig, options: AppOptions = {}): Promise<INestApplication> {
  const app = await NestFactory.create<NestExpressApplication>(AppModule.forRoot(config, options), { bufferLogs: true, bodyParser: false });
  app.useLogger(app.get(Logger));
  // Before anything that can refuse a request, so every answer echoes the correlation id and
  // every request, refused or not, gets its log line and its metrics.
  app.use(correlation);
  // LOG_LEVEL=silent: no request lines, so no request logger to pay for either.
  if (config.log.level !== 'silent') app.use(requestLogging(app.get(ROOT_LOGGER)));
  app.use(securityHeaders(['docs', 'console']));
  app.use(httpMetrics(app.get(Metrics)));
  app.use(requireJsonBody);
  app.useBodyParser('json', { limit: '64kb', type: ['application/json', 'application/*+json'] });
  app.use(checkJsonShape(MAX_BODY_DEPTH));
  app.disable('x-powered-by');
  // Only the revision ETags this API sets itself; Express's body hashes would be mistaken for them.
  app.set('etag', false);
  app.set('query parser', 'simple');
  serveConsole(app);
  SwaggerModule.setup('docs', app, () => openApiDocument(app), { jsonDocumentUrl: 'docs-json' });
  // Drain, close the stores, then exit 0: a clean stop, not death by the signal.
  app.enableShutdownHooks(['SIGTERM', 'SIGINT'], { useProcessExit: true });
  return app;
}
