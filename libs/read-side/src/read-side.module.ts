import { Inject, Injectable, Module, OnApplicationShutdown } from '@nestjs/common';
import { APP_CONFIG, boundedStore, MONGO_DB, readStoreFailure, StoreHealth, StoresConfig } from '@app/platform';
import { Db } from 'mongodb';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { SqliteLeaseStore } from './embedded/sqlite-lease-store';
import { embeddedViews } from './embedded/embedded-views';
import { LEASE_STORE, LeaseStore } from './lease';
import { MongoLeaseStore } from './mongodb/mongo-lease-store';
import { mongoViews } from './mongodb/mongo-views';
import { VIEW_PORTS, ViewPorts } from './view-ports';
import { ACCOUNT_DETAIL_READER } from './projections/account-detail/account-detail.reader';
import { CUSTOMER_LIST_READER } from './projections/customer-list/customer-list.reader';
import { VIEW_GENERATIONS } from './view-generations';
import { PARKED_EVENTS } from './parked-events';
import { VIEW_WRITER } from './view-writer';
import { ProjectionStatusService } from './projection-status';

@Injectable()
class ReadSideCloser implements OnApplicationShutdown {
  constructor(
    @Inject(VIEW_PORTS) private readonly views: ViewPorts,
    @Inject(LEASE_STORE) private readonly leases: LeaseStore,
  ) {}

  async onApplicationShutdown(): Promise<void> {
    await Promise.all([this.views.close(), this.leases.close()]);
  }
}

const MONGO = { token: MONGO_DB, optional: true };
// Each port's token hands out its part of the configured store's views.
const part = (token: symbol, pick: (views: ViewPorts) => unknown) => ({ provide: token, inject: [VIEW_PORTS], useFactory: pick });
// The readers serve requests: each call answers within the bound or as StoreUnavailable. The
// writer is not bounded: a projector's large batch may take long, and it retries on its own.
const reader = (token: symbol, pick: (views: ViewPorts) => object) => ({
  provide: token,
  inject: [VIEW_PORTS, APP_CONFIG, StoreHealth],
  useFactory: (views: ViewPorts, config: StoresConfig, health: StoreHealth) =>
    boundedStore(pick(views), { store: 'view-store', timeoutMs: config.timeouts.storeCallMs, classify: readStoreFailure, health }),
});

function embeddedFile(config: StoresConfig): string {
  mkdirSync(config.dataDir, { recursive: true });
  return join(config.dataDir, 'views.sqlite');
}

@Module({
  providers: [
    {
      provide: VIEW_PORTS,
      inject: [APP_CONFIG, MONGO],
      useFactory: (config: StoresConfig, db?: Db): ViewPorts | Promise<ViewPorts> => db && config.readStore.kind === 'mongodb'
          ? mongoViews(db, { maxWritesPerCommand: config.readStore.maxWritesPerCommand })
          : embeddedViews(embeddedFile(config), config.timeouts.sqliteBusyMs),
    },
    part(VIEW_WRITER, (views) => views.writer),
    part(VIEW_GENERATIONS, (views) => views.generations),
    part(PARKED_EVENTS, (views) => views.parked),
    reader(CUSTOMER_LIST_READER, (views) => views.customerList),
    reader(ACCOUNT_DETAIL_READER, (views) => views.accountDetail),
    {
      provide: LEASE_STORE,
      inject: [APP_CONFIG, MONGO],
      useFactory: (config: StoresConfig, db?: Db): LeaseStore => (db ? new MongoLeaseStore(db) : new SqliteLeaseStore(embeddedFile(config), config.timeouts.sqliteBusyMs)),
    },
    ReadSideCloser,
    ProjectionStatusService,
  ],
  exports: [VIEW_WRITER, VIEW_GENERATIONS, PARKED_EVENTS, CUSTOMER_LIST_READER, ACCOUNT_DETAIL_READER, LEASE_STORE, ProjectionStatusService],
})
export class ReadSideModule {}
