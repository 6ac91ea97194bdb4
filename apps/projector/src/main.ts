import './tracing';
import 'reflect-metadata';
import { Logger, Module } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { Logger as PinoNestLogger } from 'nestjs-pino';
import { ConfigError, correlation, limitHeapGrowth, loadStoresConfig, PlatformModule, requestLogging, ROOT_LOGGER } from '@app/platform';
import { customerEventStoreModule, HealthController, ProjectorModule } from '@app/runtime';

/**
 * The projector in a process of its own (production): any number may run; each projection is
 * projected by whichever instance holds its lease. HTTP only for health and metrics.
 */
async function main(): Promise<void> {
  const config = loadStoresConfig();
  limitHeapGrowth(config.heapGrowthPercent);
  const port = Number(process.env.PORT || 3001);
  @Module({ imports: [PlatformModule.forRoot(config), customerEventStoreModule(), ProjectorModule], controllers: [HealthController] })
  class ProjectorApp {}
  const app = await NestFactory.create(ProjectorApp, { bufferLogs: true });
  app.useLogger(app.get(PinoNestLogger));
  app.use(correlation);
  if (config.log.level !== 'silent') app.use(requestLogging(app.get(ROOT_LOGGER)));
  app.enableShutdownHooks(['SIGTERM', 'SIGINT'], { useProcessExit: true });
  await app.listen(port);
  new Logger('Projector').log(`Projector health on port ${port}`);
}

main().catch((error: unknown) => {
  console.error(error instanceof ConfigError ? error.message : error);
  process.exit(1);
});
