import { Inject, Injectable, Module, OnApplicationShutdown } from '@nestjs/common';
import { APP_CONFIG, StoresConfig } from '@app/platform';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { SqliteEventStore } from './embedded/sqlite-event-store';
import { EsdbEventStore } from './eventstoredb/esdb-event-store';
import { EVENT_STORE, EventStore } from './event-store';

/** Closes the store after the HTTP server has drained, so no acknowledged write is cut off. */
@Injectable()
class EventStoreCloser implements OnApplicationShutdown {
  constructor(@Inject(EVENT_STORE) private readonly store: EventStore) {}

  onApplicationShutdown(): Promise<void> {
    return this.store.close();
  }
}

@Module({
  providers: [
    {
      provide: EVENT_STORE,
      inject: [APP_CONFIG],
      useFactory: (config: StoresConfig): EventStore => {
        if (config.eventStore.kind === 'eventstoredb') return EsdbEventStore.connect(config.eventStore.connectionString);
        mkdirSync(config.dataDir, { recursive: true });
        return new SqliteEventStore(join(config.dataDir, 'events.sqlite'));
      },
    },
    EventStoreCloser,
  ],
  exports: [EVENT_STORE],
})
export class EventStoreModule {}
