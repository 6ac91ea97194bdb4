import { StoreUnavailable, within } from '@app/platform';
import { LeaseStore } from './lease';

interface Startable {
  start(): void;
  stop(): Promise<void>;
}

export interface LeasedProjectionOptions {
  /** The lease's name: the projection's. */
  readonly name: string;
  /** Builds the runner, given the fence it must ask before every commit. */
  readonly runner: (mayCommit: () => Promise<boolean>) => Startable;
  readonly leases: LeaseStore;
  /** Who this process is, as the lease records it. */
  readonly owner: string;
  readonly ttlMs: number;
  readonly onError: (error: unknown) => void;
  readonly onActiveChange?: (active: boolean) => void;
}

/**
 * Runs a projection only while this process holds its lease: it tries to take the lease every
 * third of its lifetime, starts the runner when it gets it and stops it when it is lost. Another
 * process takes over within one lifetime of the holder's death.
 */
export class LeasedProjection {
  private timer: NodeJS.Timeout | null = null;
  private active = false;
  private stopping = false;
  private readonly runner: Startable;
  private ticking: Promise<void> = Promise.resolve();

  constructor(private readonly options: LeasedProjectionOptions) {
    this.runner = options.runner(this.mayCommit);
  }

  get isActive(): boolean {
    return this.active;
  }

  /**
   * The fence the runner asks before every commit: renewing fails once another owner holds the
   * lease. A renewal not answered within a third of the lease's lifetime counts as not held: by the
   * time a late answer arrives the lease may have run out and another process taken over. A
   * failure is reported (a lease store out shows in the log) and counts as not held.
   */
  readonly mayCommit = (): Promise<boolean> => {
    const { leases, name, owner, ttlMs, onError } = this.options;
    return this.bounded(leases.acquire(name, owner, ttlMs)).catch((error: unknown) => {
      onError(error);
      return false;
    });
  };

  /** A lease call, answered within a third of the lease's lifetime or failed as the store's timeout. */
  private bounded<T>(call: Promise<T>): Promise<T> {
    return within(call, Math.floor(this.options.ttlMs / 3), () => new StoreUnavailable('view-store', 'timeout'));
  }

  start(): void {
    const tick = () => {
      this.ticking = this.ticking.then(() => this.tick());
    };
    tick();
    this.timer = setInterval(tick, Math.max(100, Math.floor(this.options.ttlMs / 3)));
  }

  async stop(): Promise<void> {
    this.stopping = true;
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    await this.ticking;
    if (this.active) await this.runner.stop();
    this.active = false;
    // A lease store that does not answer must not hold up the shutdown: the lease then runs out by itself.
    await this.bounded(this.options.leases.release(this.options.name, this.options.owner)).catch(this.options.onError);
  }

  private async tick(): Promise<void> {
    if (this.stopping) return;
    const held = await this.mayCommit();
    if (held) {
      // Also when already active: a runner that stopped itself after a failed renewal at commit
      // time (a store blip) starts again once the lease is confirmed; start() is idempotent.
      this.runner.start();
      if (!this.active) this.options.onActiveChange?.(true);
      this.active = true;
    } else if (this.active) {
      this.active = false;
      await this.runner.stop();
      this.options.onActiveChange?.(false);
    }
  }
}
