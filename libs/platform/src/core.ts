// The core door: time, SQLite, metrics and tracing spans, without Nest, HTTP, logging or the MongoDB
// driver. A process that only projects the embedded log (a rebuild's part) loads this in about a tenth
// of the time the whole lib takes. The main door exports all of it too.
export * from './time/clock';
export { Metrics } from './metrics/metrics';
export type { StoreLabel } from './metrics/metrics';
export { DEFAULT_SQLITE_BUSY_MS, openSqlite } from './sqlite';
export { within } from './time/within';
export { currentTraceContext, failed, flushTraces, observeStore, SpanKind, startSpan, storedTraceContext, traced } from './tracing/spans';
