import { Clock, DEFAULT_IDEMPOTENCY_RETENTION_HOURS, systemClock } from '@app/platform';

/** A recorded write: what was asked (as a hash) and, once it succeeded, what was answered. */
export interface IdempotencyRecord {
  readonly requestHash: string;
  readonly response?: unknown;
}

/** Idempotency keys, scoped per partner, kept across restarts. */
export interface IdempotencyStore {
  find(partnerId: string, key: string): Promise<IdempotencyRecord | null>;
  /** Claims the key for a request in flight; false if someone holds it already. */
  reserve(partnerId: string, key: string, requestHash: string): Promise<boolean>;
  /**
   * Records the answer, creating the record if a failed concurrent attempt released the claim
   * meanwhile; never over a record of another request (another hash).
   */
  complete(partnerId: string, key: string, requestHash: string, response: unknown): Promise<void>;
  /** Gives up an unfinished claim, so a failed write records nothing. */
  release(partnerId: string, key: string): Promise<void>;
  close(): Promise<void>;
}

export const IDEMPOTENCY_STORE = Symbol('IdempotencyStore');

/**
 * How long a record answers for its key, read on the application's clock. After that the key is
 * free: the same key is a new request, whether or not the record has been deleted yet.
 */
export interface Retention {
  readonly clock: Clock;
  readonly hours: number;
}

export const DEFAULT_RETENTION: Retention = { clock: systemClock, hours: DEFAULT_IDEMPOTENCY_RETENTION_HOURS };

/** Records created at or before this instant have expired. */
export function expiredBefore({ clock, hours }: Retention): Date {
  return new Date(clock.now().getTime() - hours * 3_600_000);
}
