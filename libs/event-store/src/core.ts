// The core door: the event store's ports, positions, event ids, upcasting and the embedded store,
// without the Nest module or the EventStoreDB client. A process that only reads the embedded log (a
// rebuild's part) loads this in about a twentieth of the time the whole lib takes. The main door
// exports all of it too.
export * from './event-store';
export * from './position';
export * from './event-id';
export * from './upcasting';
export { SqliteEventStore } from './embedded/sqlite-event-store';
export type { SqliteEventStoreOptions } from './embedded/sqlite-event-store';
export { checkpointInBackground, withoutInlineCheckpoint } from './embedded/background-checkpoints';
