import 'reflect-metadata';
import { Logger, Module } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { ConfigError, loadStoresConfig, PlatformModule } from '@app/platform';
import { customerEventStoreModule, HealthController, ProjectorModule } from '@app/runtime';

/**
 * The projector in a process of its own (production): any number may run; each projection is
 * projected by whichever instance holds its lease. HTTP only for health and metrics.
 */
async function main(): Promise<void> {
  const config = loadStoresConfig();
  const port = Number(process.env.PORT || 3001);
  @Module({ imports: [PlatformModule.forRoot(config), customerEventStoreModule(), ProjectorModule], controllers: [HealthController] })
  class ProjectorApp {}
  const app = await NestFactory.create(ProjectorApp, { logger: ['log', 'warn', 'error'] });
  app.enableShutdownHooks(['SIGTERM', 'SIGINT'], { useProcessExit: true });
  await app.listen(port);
  new Logger('Projector').log(`Projector health on port ${port}`);
}

main().catch((error: unknown) => {
  console.error(error instanceof ConfigError ? error.message : error);
  process.exit(1);
});
