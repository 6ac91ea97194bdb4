import { Inject, Injectable, Module, OnApplicationShutdown } from '@nestjs/common';
import { APP_CONFIG, AppConfig, Clock, CLOCK, MONGO_DB } from '@app/platform';
import { Db } from 'mongodb';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { IDEMPOTENCY_STORE, IdempotencyStore } from './idempotency-store';
import { IdempotencyService } from './idempotency.service';
import { MongoIdempotencyStore } from './mongo-idempotency-store';
import { SqliteIdempotencyStore } from './sqlite-idempotency-store';

@Injectable()
class IdempotencyStoreCloser implements OnApplicationShutdown {
  constructor(@Inject(IDEMPOTENCY_STORE) private readonly store: IdempotencyStore) {}

  onApplicationShutdown(): Promise<void> {
    return this.store.close();
  }
}

@Module({
  providers: [
    {
      provide: IDEMPOTENCY_STORE,
      inject: [APP_CONFIG, CLOCK, { token: MONGO_DB, optional: true }],
      useFactory: async (config: AppConfig, clock: Clock, db?: Db): Promise<IdempotencyStore> => {
        const retention = { clock, hours: config.idempotencyRetentionHours };
        if (db) return MongoIdempotencyStore.open(db, retention);
        mkdirSync(config.dataDir, { recursive: true });
        return new SqliteIdempotencyStore(join(config.dataDir, 'idempotency.sqlite'), retention);
      },
    },
    IdempotencyStoreCloser,
    IdempotencyService,
  ],
  exports: [IdempotencyService],
})
export class IdempotencyModule {}
