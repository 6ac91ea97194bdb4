import { CancelledError, DeadlineExceededError, NotLeaderError, TimeoutError, UnavailableError, UnknownError } from '@eventstore/db-client';
import { EventStoreReadStalled } from './esdb-event-store';

/**
 * Whether an error from the EventStoreDB client means the server was out of reach or too slow (as
 * opposed to a rule of the store, such as a wrong expected revision). `UnknownError` is what the
 * client makes of a connection cut mid-call.
 */
export function isEventStoreDbOutage(error: unknown): boolean {
  return [UnavailableError, DeadlineExceededError, TimeoutError, CancelledError, NotLeaderError, UnknownError, EventStoreReadStalled].some(
    (type) => error instanceof type,
  );
}
