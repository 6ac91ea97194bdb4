export * from './event-store';
export * from './position';
export * from './event-id';
export * from './upcasting';
export { SqliteEventStore } from './embedded/sqlite-event-store';
export { EsdbEventStore } from './eventstoredb/esdb-event-store';
export { EventStoreModule, openEventStore } from './event-store.module';
export type { EventStoreAsyncOptions, EventStoreLocation, EventStoreOptions } from './event-store.module';
export { isEventStoreDbOutage } from './eventstoredb/esdb-failures';
