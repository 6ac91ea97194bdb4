import { StorageFull, StoreName, StoreUnavailable } from './store-errors';
import { StoreFailure } from './store-failures';
import { StoreHealth } from './store-health';
import { within } from '../time/within';

export interface BoundedStoreOptions {
  readonly store: StoreName;
  /** Longest a call may take before the caller is told the store is unavailable. */
  readonly timeoutMs: number;
  /** Which of the store's errors mean "out of reach" or "disk full" (anything else passes through). */
  readonly classify: (error: unknown) => StoreFailure;
  readonly health: StoreHealth;
  /** Methods that write: only their success ends a disk-full episode. */
  readonly writes?: readonly string[];
  /**
   * Methods whose errors are translated but whose total time is not bounded, because they may
   * rightly take long (a large scan) and the adapter bounds each round trip itself.
   */
  readonly untimed?: readonly string[];
}

/**
 * Wraps a store port so that every asynchronous call answers within `timeoutMs`, and a store that
 * is out or full surfaces as `StoreUnavailable` or `StorageFull` instead of a driver error. Calls
 * that return no promise (a subscription, `close`) pass through untouched.
 *
 * The call itself is not cancelled by the timeout: a write may still land after the caller was
 * told 503, which is why writes are retried with their idempotency key or deterministic event ids.
 */
export function boundedStore<T extends object>(port: T, options: BoundedStoreOptions): T {
  const { store, timeoutMs, classify, health, writes = [], untimed = [] } = options;
  const translate = (error: unknown): unknown => {
    const failure = classify(error);
    if (!failure) return error;
    health.failed(store, failure, error instanceof Error ? error.message : String(error));
    return failure === 'full' ? new StorageFull(store) : new StoreUnavailable(store, 'unreachable');
  };
  return new Proxy(port, {
    get(target, key, receiver) {
      const value: unknown = Reflect.get(target, key, receiver);
      if (typeof value !== 'function' || key === 'close') return value;
      return (...args: unknown[]) => {
        let result: unknown;
        try {
          result = value.apply(target, args);
        } catch (error) {
          throw translate(error);
        }
        if (!(result instanceof Promise)) return result;
        return within(result, untimed.includes(String(key)) ? Number.POSITIVE_INFINITY : timeoutMs, () => {
          health.failed(store, 'unavailable', `no answer within ${timeoutMs} ms`);
          return new StoreUnavailable(store, 'timeout');
        }).then(
          (answer) => {
            health.succeeded(store, writes.includes(String(key)));
            return answer;
          },
          (error: unknown) => Promise.reject(translate(error)),
        );
      };
    },
  });
}
