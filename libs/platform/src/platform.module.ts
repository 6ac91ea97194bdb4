import { DynamicModule, Module } from '@nestjs/common';
import { TokenVerifier } from './auth/token-verifier';
import { AppConfig } from './config/config';
import { Metrics } from './metrics/metrics';

export const APP_CONFIG = Symbol('AppConfig');

/** Configuration, token verification and metrics, shared by every module of one application. */
@Module({})
export class PlatformModule {
  static forRoot(config: AppConfig): DynamicModule {
    return {
      module: PlatformModule,
      global: true,
      providers: [
        { provide: APP_CONFIG, useValue: config },
        { provide: Metrics, useFactory: () => new Metrics() },
        { provide: TokenVerifier, useFactory: () => new TokenVerifier(config.auth) },
      ],
      exports: [APP_CONFIG, Metrics, TokenVerifier],
    };
  }
}
