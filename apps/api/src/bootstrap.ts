import { INestApplication, LogLevel } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { NestExpressApplication } from '@nestjs/platform-express';
import { SwaggerModule } from '@nestjs/swagger';
import { AppConfig, checkJsonShape, correlation, httpMetrics, ID_SOURCE, IdSource, Metrics, PlatformOptions, requireJsonBody } from '@app/platform';
import { AppModule } from './app.module';
import { serveConsole } from './console/serve-console';
import { openApiDocument } from './openapi/document';

/** Deeper than any body of this API (billing profile: 2 levels), far below what overflows a stack. */
const MAX_BODY_DEPTH = 16;

export interface AppOptions extends PlatformOptions {
  readonly logger?: LogLevel[] | false;
}

/** Builds the whole API (and, on the embedded default, the projector) without listening yet. */
export async function createApp(config: AppConfig, options: AppOptions = {}): Promise<INestApplication> {
  const { logger = ['log', 'warn', 'error'], ...platform } = options;
  const app = await NestFactory.create<NestExpressApplication>(AppModule.forRoot(config, platform), { logger, bodyParser: false });
  app.use(correlation(app.get<IdSource>(ID_SOURCE)));
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
