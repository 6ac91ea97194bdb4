import { Inject, Injectable, Module, OnApplicationShutdown } from '@nestjs/common';
import { APP_CONFIG, StoresConfig } from '@app/platform';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { SqliteEventStore } from './embedded/sqlite-event-store';
import { EsdbEventStore } from './eventstoredb/esdb-event-store';
import { EVENT_STORE, EventStore } from './event-store';
import { Upcasters, UpcastingEventStore } from './upcasting';
import { CUSTOMER_UPCASTERS } from '@app/domain';

/** Closes the store after the HTTP server has drained, so no acknowledged write is cut off. */
@Injectable()
class EventStoreCloser implements OnApplicationShutdown {
  constructor(@Inject(EVENT_STORE) private readonly store: EventStore) {}

  onApplicationShutdown(): Promise<void> {
    return this.store.close();
  }
}

function adapter(config: StoresConfig): EventStore {
  if (config.eventStore.kind === 'eventstoredb') return EsdbEventStore.connect(config.eventStore.connectionString);
  mkdirSync(config.dataDir, { recursive: true });
  return new SqliteEventStore(join(config.dataDir, 'events.sqlite'));
}

@Module({
  providers: [
    {
      provide: EVENT_STORE,
      inject: [APP_CONFIG],
      // Every read path gets events in their current shape, whichever adapter stores them.
      useFactory: (config: StoresConfig): EventStore => new UpcastingEventStore(adapter(config), new Upcasters(CUSTOMER_UPCASTERS)),
    },
    EventStoreCloser,
  ],
  exports: [EVENT_STORE],
})
export class EventStoreModule {}
