import { DynamicModule, Module } from '@nestjs/common';
import { TokenVerifier } from './auth/token-verifier';
import { AppConfig, StoresConfig } from './config/config';
import { Metrics } from './metrics/metrics';
import { MONGO_DB, MongoConnection } from './mongodb/mongo-connection';
import { StoreHealth } from './stores/store-health';
import { CLOCK, Clock, ID_SOURCE, IdSource, randomIds, systemClock } from './time/clock';

export const APP_CONFIG = Symbol('AppConfig');

/** What a test may pin; production uses the system clock and random UUIDs. */
export interface PlatformOptions {
  readonly clock?: Clock;
  readonly ids?: IdSource;
}

/** Configuration, token verification, metrics, the clock and ids, shared by every module of one application. */
@Module({})
export class PlatformModule {
  /** The API passes its whole config; the projector only where the stores are (no token checks). */
  static forRoot(config: AppConfig | StoresConfig, options: PlatformOptions = {}): DynamicModule {
    const { readStore } = config;
    const mongo =
      readStore.kind === 'mongodb'
        ? [
            { provide: MongoConnection, useFactory: () => MongoConnection.open(readStore, config.timeouts) },
            { provide: MONGO_DB, inject: [MongoConnection], useFactory: (connection: MongoConnection) => connection.db },
          ]
        : [];
    return {
      module: PlatformModule,
      global: true,
      providers: [
        { provide: APP_CONFIG, useValue: config },
        { provide: Metrics, useFactory: () => new Metrics() },
        { provide: StoreHealth, inject: [Metrics], useFactory: (metrics: Metrics) => new StoreHealth(metrics) },
        { provide: CLOCK, useValue: options.clock ?? systemClock },
        { provide: ID_SOURCE, useValue: options.ids ?? randomIds },
        ...('auth' in config ? [{ provide: TokenVerifier, useFactory: () => new TokenVerifier(config.auth) }] : []),
        ...mongo,
      ],
      exports: [APP_CONFIG, Metrics, StoreHealth, CLOCK, ID_SOURCE, ...('auth' in config ? [TokenVerifier] : []), ...(mongo.length ? [MONGO_DB] : [])],
    };
  }
}
