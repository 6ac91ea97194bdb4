import { LeaseStore } from './lease';

interface Startable {
  start(): void;
  stop(): Promise<void>;
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

  constructor(
    private readonly name: string,
    runnerFor: (mayCommit: () => Promise<boolean>) => Startable,
    private readonly leases: LeaseStore,
    private readonly owner: string,
    private readonly ttlMs: number,
    private readonly onError: (error: unknown) => void,
    private readonly onActiveChange: (active: boolean) => void = () => undefined,
  ) {
    this.runner = runnerFor(this.mayCommit);
  }

  get isActive(): boolean {
    return this.active;
  }

  /** The fence the runner asks before every commit: renewing fails once another owner holds the lease. */
  readonly mayCommit = (): Promise<boolean> => this.leases.acquire(this.name, this.owner, this.ttlMs).catch(() => false);

  start(): void {
    const tick = () => {
      this.ticking = this.ticking.then(() => this.tick());
    };
    tick();
    this.timer = setInterval(tick, Math.max(100, Math.floor(this.ttlMs / 3)));
  }

  async stop(): Promise<void> {
    this.stopping = true;
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    await this.ticking;
    if (this.active) await this.runner.stop();
    this.active = false;
    await this.leases.release(this.name, this.owner).catch(this.onError);
  }

  private async tick(): Promise<void> {
    if (this.stopping) return;
    const held = await this.mayCommit();
    if (held) {
      // Also when already active: a runner that stopped itself after a failed renewal at commit
      // time (a store blip) starts again once the lease is confirmed; start() is idempotent.
      this.runner.start();
      if (!this.active) this.onActiveChange(true);
      this.active = true;
    } else if (this.active) {
      this.active = false;
      await this.runner.stop();
      this.onActiveChange(false);
    }
  }
}
