import { DynamicModule, Module } from '@nestjs/common';
import { TokenVerifier } from './auth/token-verifier';
import { AppConfig } from './config/config';
import { Metrics } from './metrics/metrics';
import { MONGO_DB, MongoConnection } from './mongodb/mongo-connection';

export const APP_CONFIG = Symbol('AppConfig');

/** Configuration, token verification and metrics, shared by every module of one application. */
@Module({})
export class PlatformModule {
  static forRoot(config: AppConfig): DynamicModule {
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
        { provide: TokenVerifier, useFactory: () => new TokenVerifier(config.auth) },
        ...mongo,
      ],
      exports: [APP_CONFIG, Metrics, TokenVerifier, ...(mongo.length ? [MONGO_DB] : [])],
    };
  }
}
