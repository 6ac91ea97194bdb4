/**
 * A time-bound claim that one process holds on one projection, so a single instance projects it
 * and another takes over when the holder stops renewing.
 */
export interface LeaseStore {
  /** Takes or renews the lease for `ttlMs`; false while another live owner holds it. */
  acquire(name: string, owner: string, ttlMs: number): Promise<boolean>;
  /** Gives the lease up at once if `owner` holds it, so a successor need not wait for expiry. */
  release(name: string, owner: string): Promise<void>;
  close(): Promise<void>;
}

export const LEASE_STORE = Symbol('LeaseStore');
