import { DynamicModule, Module } from '@nestjs/common';
import { TokenVerifier } from './auth/token-verifier';
import { AppConfig, StoresConfig } from './config/config';
import { Metrics } from './metrics/metrics';
import { MONGO_DB, MongoConnection } from './mongodb/mongo-connection';

export const APP_CONFIG = Symbol('AppConfig');

/** Configuration, token verification and metrics, shared by every module of one application. */
@Module({})
export class PlatformModule {
  /** The API passes its whole config; the projector only where the stores are (no token checks). */
  static forRoot(config: AppConfig | StoresConfig): DynamicModule {
    const { readStore } = config;
    const mongo =
      readStore.kind === 'mongodb'
        ? [
            { provide: MongoConnection, useFactory: () => MongoConnection.open(readStore.uri, readStore.database) },
            { provide: MONGO_DB, inject: [MongoConnection], useFactory: (connection: MongoConnection) => connection.db },
          ]
        : [];
    return {
      module: PlatformModule,
      global: true,
      providers: [
        { provide: APP_CONFIG, useValue: config },
        { provide: Metrics, useFactory: () => new Metrics() },
        ...('auth' in config ? [{ provide: TokenVerifier, useFactory: () => new TokenVerifier(config.auth) }] : []),
        ...mongo,
      ],
      exports: [APP_CONFIG, Metrics, ...('auth' in config ? [TokenVerifier] : []), ...(mongo.length ? [MONGO_DB] : [])],
    };
  }
}
