import { BeforeApplicationShutdown, Inject, Injectable, Logger, OnApplicationBootstrap } from '@nestjs/common';
import { EVENT_READER, EventReader, isEventStoreDbOutage } from '@app/event-store';
import { APP_CONFIG, CLOCK, Clock, Metrics, readStoreFailure, StoreFailure, StoreHealth, StoresConfig, StoreUnavailable } from '@app/platform';
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
    stores: StoreHealth,
    @Inject(CLOCK) clock: Clock,
  ) {
    const leased = <V extends ViewDocument>(projection: Projection<V>) => {
      const onError = (error: unknown, retryInMs?: number) => {
        const retry = retryInMs === undefined ? '' : ` in ${(retryInMs / 1000).toFixed(1)} s`;
        const failure = storeFailureOf(error);
        if (failure) {
          // A store out or full: one line, no stack; the store's episode is reported by StoreHealth.
          if (failure.store === 'view-store') stores.failed('view-store', failure.kind, (error as Error).message);
          this.logger.warn(`${projection.name}: the ${failure.store} is ${failure.kind === 'full' ? 'full' : 'unavailable'}; retrying from its checkpoint${retry}`);
        } else {
          this.logger.error(`${projection.name} failed; retrying from its checkpoint${retry}`, error instanceof Error ? error.stack : String(error));
        }
      };
      return new LeasedProjection({
        name: projection.name,
        runner: (mayCommit) =>
          new ProjectionRunner({
            projection,
            events,
            views,
            metrics,
            clock,
            hooks: {
              mayCommit,
              onCommitted: (checkpoint, events) => {
                metrics.projectionPosition.set({ projection: projection.name }, Number(checkpoint.commit));
                metrics.projectedEvents.inc({ projection: projection.name }, events);
                stores.succeeded('view-store', true);
              },
              onError,
              // One line per parked event, without its data; `npm run cli -- parked list` has the rest.
              onParked: (parked) => {
                for (const p of parked) {
                  this.logger.warn(`${projection.name}: parked ${p.type} at ${p.stream}@${p.revision} (generation ${p.generation}), which it could not apply: ${p.error}`);
                }
              },
              onGenerationSwitch: (from, to) => this.logger.log(`${projection.name}: a rebuild made generation ${to} active; following it (was ${from})`),
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

/** Which store an error of a projection run came from, if it is a store being out or full. */
function storeFailureOf(error: unknown): { store: 'event-store' | 'view-store'; kind: Exclude<StoreFailure, null> } | null {
  // The projector's other stores (the views, the leases beside them) are the view store's.
  if (error instanceof StoreUnavailable) return { store: error.store === 'event-store' ? 'event-store' : 'view-store', kind: 'unavailable' };
  if (isEventStoreDbOutage(error)) return { store: 'event-store', kind: 'unavailable' };
  const kind = readStoreFailure(error);
  return kind ? { store: 'view-store', kind } : null;
}
