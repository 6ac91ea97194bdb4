import { DynamicModule, Module } from '@nestjs/common';
import { AppConfig, isDevelopmentAuth } from '@app/platform';
import { DevTokenController } from './dev-token.controller';

/**
 * The console's server side. Its pages are static files (see serveConsole); the only route is the
 * development sign-in, which exists only with the generated development secret.
 */
@Module({})
export class ConsoleModule {
  static forRoot(config: AppConfig): DynamicModule {
    return { module: ConsoleModule, controllers: isDevelopmentAuth(config.auth) ? [DevTokenController] : [] };
  }
}
