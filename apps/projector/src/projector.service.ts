import { BeforeApplicationShutdown, Inject, Injectable, Logger, OnApplicationBootstrap } from '@nestjs/common';
import { EVENT_STORE, EventStore } from '@app/event-store';
import { Metrics } from '@app/platform';
import {
  accountDetailProjection,
  customerListProjection,
  Projection,
  ProjectionRunner,
  VIEW_STORE,
  ViewDocument,
  ViewStore,
} from '@app/read-side';

/** Runs every projection from the event store into the view store, each from its own checkpoint. */
@Injectable()
export class ProjectorService implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger('Projector');
  private readonly runners: { start(): void; stop(): Promise<void> }[];
  private running = false;

  constructor(
    @Inject(EVENT_STORE) events: EventStore,
    @Inject(VIEW_STORE) views: ViewStore,
    metrics: Metrics,
  ) {
    const runner = <V extends ViewDocument>(projection: Projection<V>) =>
      new ProjectionRunner(projection, events, views, {
        onCommitted: (checkpoint) => metrics.projectionPosition.set({ projection: projection.name }, Number(checkpoint.commit)),
        onError: (error) =>
          this.logger.error(`${projection.name} failed; restarting from its checkpoint`, error instanceof Error ? error.stack : String(error)),
      });
    this.runners = [runner(customerListProjection), runner(accountDetailProjection)];
  }

  get isRunning(): boolean {
    return this.running;
  }

  onApplicationBootstrap(): void {
    for (const runner of this.runners) runner.start();
    this.running = true;
  }

  // Before the stores close: a batch in flight finishes and its checkpoint is written.
  async beforeApplicationShutdown(): Promise<void> {
    this.running = false;
    await Promise.all(this.runners.map((r) => r.stop()));
  }
}
