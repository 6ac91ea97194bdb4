/**
 * An in-process EventStoreDB protocol double for tests: `startEsdbDouble()` gives a connection
 * string the real `@eventstore/db-client` accepts. Never a product store. See README.md.
 */
export { startEsdbDouble, type DropOptions, type EsdbDouble, type EsdbDoubleData, type EsdbDoubleOptions } from './server';
export type { LogPosition } from './position';
