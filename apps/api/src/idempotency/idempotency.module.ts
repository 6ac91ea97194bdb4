import { Inject, Injectable, Module, OnApplicationShutdown } from '@nestjs/common';
import { APP_CONFIG, AppConfig, boundedStore, Clock, CLOCK, MONGO_DB, readStoreFailure, StoreHealth } from '@app/platform';
import { Db } from 'mongodb';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { IDEMPOTENCY_STORE, IdempotencyStore, Retention } from './idempotency-store';
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

function embedded(config: AppConfig, retention: Retention): IdempotencyStore {
  mkdirSync(config.dataDir, { recursive: true });
  return new SqliteIdempotencyStore(join(config.dataDir, 'idempotency.sqlite'), retention, config.timeouts.sqliteBusyMs);
}

@Module({
  providers: [
    {
      provide: IDEMPOTENCY_STORE,
      inject: [APP_CONFIG, CLOCK, StoreHealth, { token: MONGO_DB, optional: true }],
      useFactory: async (config: AppConfig, clock: Clock, health: StoreHealth, db?: Db): Promise<IdempotencyStore> => {
        const retention = { clock, hours: config.idempotencyRetentionHours };
        const store = db ? await MongoIdempotencyStore.open(db, retention) : embedded(config, retention);
        // Bounded like every store call a request makes; an outage answers 503 naming this store.
        return boundedStore(store, {
          store: 'idempotency-store',
          timeoutMs: config.timeouts.storeCallMs,
          classify: readStoreFailure,
          health,
          writes: ['reserve', 'complete'],
        });
      },
    },
    IdempotencyStoreCloser,
    IdempotencyService,
  ],
  exports: [IdempotencyService],
})
export class IdempotencyModule {}
