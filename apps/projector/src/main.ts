import 'reflect-metadata';
import { Logger } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { ConfigError, loadConfig, PlatformModule } from '@app/platform';
import { ProjectorModule } from './projector.module';

/** The projector alone, without HTTP: for running projections in a process of their own. */
async function main(): Promise<void> {
  const config = loadConfig();
  const app = await NestFactory.createApplicationContext({
    module: class ProjectorApp {},
    imports: [PlatformModule.forRoot(config), ProjectorModule],
  });
  app.enableShutdownHooks(['SIGTERM', 'SIGINT'], { useProcessExit: true });
  new Logger('Projector').log(`Projecting from ${config.dataDir}`);
}

main().catch((error: unknown) => {
  console.error(error instanceof ConfigError ? error.message : error);
  process.exit(1);
});
