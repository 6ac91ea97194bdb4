export * from './core';
export { EsdbEventStore } from './eventstoredb/esdb-event-store';
export { EventStoreModule, openEventStore } from './event-store.module';
export type { EventStoreAsyncOptions, EventStoreLocation, EventStoreOptions } from './event-store.module';
export { isEventStoreDbOutage } from './eventstoredb/esdb-failures';
