import { BeforeApplicationShutdown, Inject, Injectable, Logger, OnApplicationBootstrap } from '@nestjs/common';
import { EVENT_READER, EventReader } from '@app/event-store';
import { APP_CONFIG, StoresConfig, Metrics } from '@app/platform';
import {
  accountDetailProjection,
  customerListProjection,
  LEASE_STORE,
  LeasedProjection,
  LeaseStore,
  Projection,
  ProjectionRunner,
  VIEW_WRITER,
  ViewDocument,
  ViewWriter,
} from '@app/read-side';
import { randomUUID } from 'node:crypto';
import { hostname } from 'node:os';

/**
 * Runs every projection from the event store into the view store, each from its own checkpoint and
 * each only while this process holds its lease, so any number of projector processes may run.
 */
@Injectable()
export class ProjectorService implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger('Projector');
  private readonly projections: LeasedProjection[];
  private running = false;
  readonly owner = `${hostname()}:${process.pid}:${randomUUID().slice(0, 8)}`;

  constructor(
    @Inject(EVENT_READER) events: EventReader,
    @Inject(VIEW_WRITER) views: ViewWriter,
    @Inject(LEASE_STORE) leases: LeaseStore,
    @Inject(APP_CONFIG) config: StoresConfig,
    metrics: Metrics,
  ) {
    const leased = <V extends ViewDocument>(projection: Projection<V>) => {
      const onError = (error: unknown) =>
        this.logger.error(`${projection.name} failed; restarting from its checkpoint`, error instanceof Error ? error.stack : String(error));
      return new LeasedProjection({
        name: projection.name,
        runner: (mayCommit) =>
          new ProjectionRunner({
            projection,
            events,
            views,
            metrics,
            hooks: {
              mayCommit,
              onCommitted: (checkpoint, events) => {
                metrics.projectionPosition.set({ projection: projection.name }, Number(checkpoint.commit));
                metrics.projectedEvents.inc({ projection: projection.name }, events);
              },
              onError,
            },
          }),
        leases,
        owner: this.owner,
        ttlMs: config.projectorLeaseMs,
        onError,
        onActiveChange: (active) => this.logger.log(`${active ? 'Projecting' : 'Lost the lease of'} ${projection.name} (${this.owner})`),
      });
    };
    this.projections = [leased(customerListProjection), leased(accountDetailProjection)];
  }

  get isRunning(): boolean {
    return this.running;
  }

  /** The projections this process is projecting now (holds the lease of). */
  get activeProjections(): number {
    return this.projections.filter((p) => p.isActive).length;
  }

  onApplicationBootstrap(): void {
    for (const projection of this.projections) projection.start();
    this.running = true;
  }

  // Before the stores close: a batch in flight finishes, its checkpoint is written, the lease freed.
  async beforeApplicationShutdown(): Promise<void> {
    this.running = false;
    await Promise.all(this.projections.map((p) => p.stop()));
  }
}
