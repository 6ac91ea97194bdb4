import { ApplicationError } from '../errors/application-errors';

/** The stores a request may need, as callers and operators see them named. */
export type StoreName = 'event-store' | 'view-store' | 'idempotency-store' | 'key-store';

/** How soon a caller should try again while a store is out: a guess, short enough to notice recovery. */
export const STORE_RETRY_AFTER_SECONDS = 2;

/**
 * A store did not answer in time or could not be reached. The request's outcome is unknown only
 * for a write whose store call timed out: retried with the same Idempotency-Key (or the same
 * command), it is applied at most once.
 */
export class StoreUnavailable extends ApplicationError {
  readonly retryAfterSeconds = STORE_RETRY_AFTER_SECONDS;

  constructor(
    readonly store: StoreName,
    readonly reason: 'timeout' | 'unreachable',
  ) {
    super(
      reason === 'timeout'
        ? `The ${store} did not answer in time; retry shortly.`
        : `The ${store} cannot be reached; retry shortly.`,
    );
  }
}

/** The disk under an embedded store is full: nothing was written; writes work again once space is freed. */
export class StorageFull extends ApplicationError {
  readonly retryAfterSeconds = 30;

  constructor(readonly store: StoreName) {
    super(`The ${store} has no space left on its disk; nothing was written. Retry once an operator has freed space.`);
  }
}
