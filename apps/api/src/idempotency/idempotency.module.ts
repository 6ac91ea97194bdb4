import { Inject, Injectable, Module, OnApplicationShutdown } from '@nestjs/common';
import { APP_CONFIG, boundedStore, MONGO_DB, readStoreFailure, StoreHealth, StoresConfig } from '@app/platform';
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

function embedded(config: StoresConfig): IdempotencyStore {
  mkdirSync(config.dataDir, { recursive: true });
  return new SqliteIdempotencyStore(join(config.dataDir, 'idempotency.sqlite'), config.timeouts.sqliteBusyMs);
}

@Module({
  providers: [
    {
      provide: IDEMPOTENCY_STORE,
      inject: [APP_CONFIG, StoreHealth, { token: MONGO_DB, optional: true }],
      useFactory: (config: StoresConfig, health: StoreHealth, db?: Db): IdempotencyStore => {
        const store = db ? new MongoIdempotencyStore(db) : embedded(config);
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
