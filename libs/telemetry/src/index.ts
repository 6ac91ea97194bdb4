// Only what must run before the rest of a process loads: it imports nothing of the service, so
// `tracing.ts` can require it first and the instrumented modules (http, mongodb) load after it.
export { startTracing } from './start-tracing';
export type { Tracing } from './start-tracing';
