import './tracing';
import 'reflect-metadata';
import { Logger } from '@nestjs/common';
import { ConfigError, DEV_ISSUER, limitHeapGrowth, loadConfig } from '@app/platform';
import { createApp } from './bootstrap';

async function main(): Promise<void> {
  const config = loadConfig();
  limitHeapGrowth(config.heapGrowthPercent);
  const app = await createApp(config);
  // After createApp: from here on Nest's Logger writes through pino.
  const logger = new Logger('Main');
  const { key } = config.auth;
  if (key.kind === 'secret' && config.auth.issuer === DEV_ISSUER) {
    logger.warn('='.repeat(78));
    logger.warn(`DEVELOPMENT AUTH: tokens are checked against a generated secret in ${config.dataDir}.`);
    logger.warn('Mint one with `npm run token`. Never use this outside a developer machine.');
    logger.warn('='.repeat(78));
  }
  if (config.personalData.development) {
    logger.warn(
      `DEVELOPMENT PERSONAL-DATA MASTER KEY ${config.personalData.generatedAt ? 'generated' : 'read'} in ${config.dataDir}: ` +
        'set PII_MASTER_KEY outside a developer machine (losing it loses every billing contact).',
    );
  }
  if (config.host) await app.listen(config.port, config.host);
  else await app.listen(config.port);
  logger.log(`Customer accounts listening on ${await app.getUrl()} (data in ${config.dataDir})`);
}

main().catch((error: unknown) => {
  console.error(error instanceof ConfigError ? error.message : error);
  process.exit(1);
});
