import { Inject, Injectable, Module, OnApplicationShutdown } from '@nestjs/common';
import { APP_CONFIG, StoresConfig, MONGO_DB } from '@app/platform';
import { Db } from 'mongodb';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { SqliteLeaseStore } from './embedded/sqlite-lease-store';
import { SqliteViewStore } from './embedded/sqlite-view-store';
import { LEASE_STORE, LeaseStore } from './lease';
import { MongoLeaseStore } from './mongodb/mongo-lease-store';
import { MongoViewStore } from './mongodb/mongo-view-store';
import { VIEW_STORE, ViewStore } from './view-store';
import { ProjectionStatusService } from './projection-status';

@Injectable()
class ReadSideCloser implements OnApplicationShutdown {
  constructor(
    @Inject(VIEW_STORE) private readonly views: ViewStore,
    @Inject(LEASE_STORE) private readonly leases: LeaseStore,
  ) {}

  async onApplicationShutdown(): Promise<void> {
    await Promise.all([this.views.close(), this.leases.close()]);
  }
}

const MONGO = { token: MONGO_DB, optional: true };

function embeddedFile(config: StoresConfig): string {
  mkdirSync(config.dataDir, { recursive: true });
  return join(config.dataDir, 'views.sqlite');
}

@Module({
  providers: [
    {
      provide: VIEW_STORE,
      inject: [APP_CONFIG, MONGO],
      useFactory: async (config: StoresConfig, db?: Db): Promise<ViewStore> => {
        if (!db) return new SqliteViewStore(embeddedFile(config));
        const store = new MongoViewStore(db);
        await store.ensureIndexes();
        return store;
      },
    },
    {
      provide: LEASE_STORE,
      inject: [APP_CONFIG, MONGO],
      useFactory: (config: StoresConfig, db?: Db): LeaseStore => (db ? new MongoLeaseStore(db) : new SqliteLeaseStore(embeddedFile(config))),
    },
    ReadSideCloser,
    ProjectionStatusService,
  ],
  exports: [VIEW_STORE, LEASE_STORE, ProjectionStatusService],
})
export class ReadSideModule {}
