import { DynamicModule } from '@nestjs/common';
import { CUSTOMER_UPCASTERS } from '@app/domain';
import { EventStoreModule, EventStoreOptions, isEventStoreDbOutage } from '@app/event-store';
import { APP_CONFIG, boundedStore, sqliteFailure, StoreFailure, StoreHealth, StoresConfig } from '@app/platform';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';

function eventStoreFailure(error: unknown): StoreFailure {
  return isEventStoreDbOutage(error) ? 'unavailable' : sqliteFailure(error);
}

// The lib knows neither the domain nor the config: this is where the service tells it both.
export function customerEventStoreOptions(config: StoresConfig, health?: StoreHealth): EventStoreOptions {
  const { timeouts } = config;
  // Every call answers within the bound, and an outage is a StoreUnavailable naming the event store.
  const wrap = health
    ? <T extends object>(port: T, calls: { writes: readonly string[]; long: readonly string[] }): T =>
        boundedStore(port, {
          store: 'event-store',
          timeoutMs: timeouts.storeCallMs,
          classify: eventStoreFailure,
          health,
          writes: calls.writes,
          untimed: calls.long,
        })
    : undefined;
  const upcasters = CUSTOMER_UPCASTERS;
  if (config.eventStore.kind === 'eventstoredb') {
    return { store: { ...config.eventStore, deadlineMs: timeouts.eventStoreDeadlineMs }, upcasters, wrap };
  }
  mkdirSync(config.dataDir, { recursive: true });
  return { store: { kind: 'embedded', file: join(config.dataDir, 'events.sqlite'), busyTimeoutMs: timeouts.sqliteBusyMs }, upcasters, wrap };
}

// For the root module of every process (API, projector, CLI), beside PlatformModule, which provides
// the config. Options are made when the application starts, not when the module tree is declared,
// so the data directory is not created any sooner than before.
export function customerEventStoreModule(): DynamicModule {
  return EventStoreModule.forRootAsync({ inject: [APP_CONFIG, StoreHealth], useFactory: customerEventStoreOptions });
}
