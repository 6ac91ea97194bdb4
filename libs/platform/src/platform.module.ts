import { DynamicModule, Injectable, Module, OnApplicationShutdown } from '@nestjs/common';
import { LoggerModule } from 'nestjs-pino';
import type { DestinationStream } from 'pino';
import { TokenVerifier } from './auth/token-verifier';
import { AppConfig, StoresConfig } from './config/config';
import { createLogger } from './logging/logger';
import { Metrics } from './metrics/metrics';
import { MONGO_DB, MongoConnection } from './mongodb/mongo-connection';
import { StoreHealth } from './stores/store-health';
import { flushTraces } from './tracing/spans';
import { CLOCK, Clock, ID_SOURCE, IdSource, randomIds, systemClock } from './time/clock';

export const APP_CONFIG = Symbol('AppConfig');
/** DI token of the process's root pino logger (request logging derives from it). */
export const ROOT_LOGGER = Symbol('RootLogger');

/** Exports the spans still buffered before the process exits on SIGTERM. */
@Injectable()
class TraceFlusher implements OnApplicationShutdown {
  onApplicationShutdown(): Promise<void> {
    return flushTraces();
  }
}

/** What a test may pin; production uses the system clock and random UUIDs. */
export interface PlatformOptions {
  readonly clock?: Clock;
  readonly ids?: IdSource;
  /** Where log lines go instead of stdout: a test captures them here. */
  readonly logDestination?: DestinationStream;
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
    const logger = createLogger(config.log, options.logDestination);
    return {
      module: PlatformModule,
      global: true,
      // Nest's own lines (app.useLogger) and request-scoped ones go through the same pino logger;
      // `useExisting`: the request logger is mounted first in the app (see requestLogging), so
      // even requests refused by earlier middleware get their line.
      imports: [LoggerModule.forRoot({ useExisting: true, pinoHttp: { logger } })],
      providers: [
        { provide: APP_CONFIG, useValue: config },
        { provide: ROOT_LOGGER, useValue: logger },
        TraceFlusher,
        { provide: Metrics, useFactory: () => new Metrics() },
        { provide: StoreHealth, inject: [Metrics], useFactory: (metrics: Metrics) => new StoreHealth(metrics) },
        { provide: CLOCK, useValue: options.clock ?? systemClock },
        { provide: ID_SOURCE, useValue: options.ids ?? randomIds },
        ...('auth' in config ? [{ provide: TokenVerifier, useFactory: () => new TokenVerifier(config.auth) }] : []),
        ...mongo,
      ],
      exports: [APP_CONFIG, ROOT_LOGGER, Metrics, StoreHealth, CLOCK, ID_SOURCE, ...('auth' in config ? [TokenVerifier] : []), ...(mongo.length ? [MONGO_DB] : [])],
    };
  }
}
