import { setFlagsFromString } from 'node:v8';

/**
 * How far V8 may grow the heap past what survived its last full collection, set once at start.
 * Under a burst of commands, requests in flight live long enough to be promoted, so the old space
 * fills with garbage; V8's own rule let it grow to about twice the live heap first, and the
 * service's RSS past 300 MB. A smaller factor collects sooner, at the cost of more frequent full
 * collections (README, Performance, has the figures). V8 reads the factor at every full
 * collection, so setting it at run time takes effect from the next one.
 */
export function limitHeapGrowth(percent: number): void {
  if (percent > 0) setFlagsFromString(`--heap-growing-percent=${percent}`);
}
