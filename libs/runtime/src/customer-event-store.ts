import { DynamicModule } from '@nestjs/common';
import { CUSTOMER_UPCASTERS } from '@app/domain';
import { EventStoreModule, EventStoreOptions } from '@app/event-store';
import { APP_CONFIG, StoresConfig } from '@app/platform';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';

// The lib knows neither the domain nor the config: this is where the service tells it both.
export function customerEventStoreOptions(config: StoresConfig): EventStoreOptions {
  if (config.eventStore.kind === 'eventstoredb') return { store: config.eventStore, upcasters: CUSTOMER_UPCASTERS };
  mkdirSync(config.dataDir, { recursive: true });
  return { store: { kind: 'embedded', file: join(config.dataDir, 'events.sqlite') }, upcasters: CUSTOMER_UPCASTERS };
}

// For the root module of every process (API, projector, CLI), beside PlatformModule, which provides
// the config. Options are made when the application starts, not when the module tree is declared,
// so the data directory is not created any sooner than before.
export function customerEventStoreModule(): DynamicModule {
  return EventStoreModule.forRootAsync({ inject: [APP_CONFIG], useFactory: customerEventStoreOptions });
}
