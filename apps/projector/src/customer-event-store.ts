import { DynamicModule } from '@nestjs/common';
import { CUSTOMER_UPCASTERS } from '@app/domain';
import { EventStoreModule, EventStoreOptions } from '@app/event-store';
import { APP_CONFIG, StoresConfig } from '@app/platform';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';

/** The configured EventStoreDB, or on the embedded default a SQLite file in DATA_DIR; customer events upcast on read. */
export function customerEventStoreOptions(config: StoresConfig): EventStoreOptions {
  if (config.eventStore.kind === 'eventstoredb') return { store: config.eventStore, upcasters: CUSTOMER_UPCASTERS };
  mkdirSync(config.dataDir, { recursive: true });
  return { store: { kind: 'embedded', file: join(config.dataDir, 'events.sqlite') }, upcasters: CUSTOMER_UPCASTERS };
}

/**
 * The event store of every process of this service (API, projector, CLI), configured when the
 * application starts rather than when the module tree is declared, so nothing touches the disk sooner.
 * The root module must also import PlatformModule, which provides the config.
 */
export function customerEventStoreModule(): DynamicModule {
  return EventStoreModule.forRootAsync({ inject: [APP_CONFIG], useFactory: customerEventStoreOptions });
}
