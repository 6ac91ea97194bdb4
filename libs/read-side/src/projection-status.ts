import { Inject, Injectable } from '@nestjs/common';
import { comparePositions, EVENT_READER, EventReader, formatPosition, Position, positionKey } from '@app/event-store/core';
import { APP_CONFIG, Metrics, StoresConfig } from '@app/platform';
import { Gauge } from 'prom-client';
import { PARKED_EVENTS, ParkedEvents } from './parked-events';
import { PROJECTED_STREAMS } from './projected-event';
import { PROJECTIONS } from './projections/projections';
import { headOfLog } from './rebuild';
import { VIEW_WRITER, ViewWriter } from './view-writer';
import { ViewName } from './views';

// Counting further behind than this costs more than it tells an operator.
const LAG_COUNT_LIMIT = 10_000;

/** How far a checkpoint trails the log: events (up to the limit), and when the oldest of them was written. */
interface Lag {
  readonly events: number;
  readonly oldest: Date | null;
}

export interface ProjectionStatus {
  readonly name: ViewName;
  /** The generation serving reads (a rebuild adds one). */
  readonly generation: number;
  readonly checkpoint: string | null;
  readonly head: string | null;
  /** Events written but not yet projected, counted up to 10000 (then `lagEventsAtLeast`). */
  readonly lagEvents: number;
  readonly lagEventsAtLeast: boolean;
  /** How long the oldest unprojected event has been waiting; 0 when caught up. */
  readonly lagSeconds: number;
  /**
   * The checkpoint is past the last event in the store: the store was restored from an older
   * backup (or replaced). The view then holds events the store no longer has and would silently
   * wait for positions that may never mean the same events again; an operator must rebuild it.
   */
  readonly checkpointAheadOfStore: boolean;
  /** Events the active generation set aside instead of applying (see `npm run cli -- parked list`). */
  readonly parkedEvents: number;
}

/** How far each projection trails the log, for operators, Prometheus and readiness. */
@Injectable()
export class ProjectionStatusService {
  constructor(
    @Inject(EVENT_READER) private readonly events: EventReader,
    @Inject(VIEW_WRITER) private readonly views: ViewWriter,
    @Inject(PARKED_EVENTS) private readonly parked: ParkedEvents,
    @Inject(APP_CONFIG) private readonly config: StoresConfig,
    private readonly metrics: Metrics,
  ) {
    // Measured when Prometheus scrapes, not on a timer.
    const status = () => this.all();
    new Gauge({
      name: 'projection_lag_events',
      help: 'Events written but not yet projected (counted up to 10000).',
      labelNames: ['projection'] as const,
      registers: [metrics.registry],
      async collect() {
        for (const s of await status()) this.set({ projection: s.name }, s.lagEvents);
      },
    });
    new Gauge({
      name: 'projection_lag_seconds',
      help: 'Seconds the oldest unprojected event has waited; 0 when caught up.',
      labelNames: ['projection'] as const,
      registers: [metrics.registry],
      async collect() {
        for (const s of await status()) this.set({ projection: s.name }, s.lagSeconds);
      },
    });
  }

  private recent: { at: number; status: Promise<ProjectionStatus[]> } | null = null;

  /**
   * Measured at most once a second and shared: readiness probes and metrics scrapes need no token,
   * so their cost must not grow with how often they are called.
   */
  all(): Promise<ProjectionStatus[]> {
    if (!this.recent || Date.now() - this.recent.at > 1000) {
      const status = this.measure();
      this.recent = { at: Date.now(), status };
      status.catch(() => (this.recent = null));
    }
    return this.recent.status;
  }

  private async measure(): Promise<ProjectionStatus[]> {
    const head = await headOfLog(this.events);
    // The views usually stand at the same checkpoint: each checkpoint's lag is measured once.
    const lags = new Map<string, Promise<Lag>>();
    const lagOf = (checkpoint: Position | null): Promise<Lag> => {
      const key = checkpoint ? positionKey(checkpoint) : '';
      if (!lags.has(key)) lags.set(key, this.measureLag(checkpoint));
      return lags.get(key)!;
    };
    return Promise.all(
      Object.values(PROJECTIONS).map(async (view) => {
        const generation = await this.views.activeGeneration(view);
        const checkpoint = await this.views.checkpoint(view, generation);
        const { events: lagEvents, oldest } = await lagOf(checkpoint);
        const parkedEvents = await this.parked.countParked(view, generation);
        // Set with every measurement (a scrape measures too): any process reports the store's count,
        // whichever projector parked them and whichever CLI settled them.
        this.metrics.parkedEvents.set({ projection: view.name }, parkedEvents);
        return {
          name: view.name,
          generation,
          checkpoint: checkpoint ? formatPosition(checkpoint) : null,
          head: head ? formatPosition(head) : null,
          lagEvents,
          lagEventsAtLeast: lagEvents === LAG_COUNT_LIMIT,
          lagSeconds: oldest ? Math.max(0, (Date.now() - oldest.getTime()) / 1000) : 0,
          checkpointAheadOfStore: checkpoint !== null && (!head || comparePositions(checkpoint, head) > 0),
          parkedEvents,
        };
      }),
    );
  }

  /**
   * Counted, not read: a projector far behind must not make every probe and scrape read and decode
   * thousands of events on the API's event loop. Only the oldest unprojected event is read, for its age.
   */
  private async measureLag(checkpoint: Position | null): Promise<Lag> {
    const after = checkpoint ?? undefined;
    const events = await this.events.countAll({ after, filter: PROJECTED_STREAMS, limit: LAG_COUNT_LIMIT });
    const [oldest] = events ? await this.events.readAll({ after, filter: PROJECTED_STREAMS, maxCount: 1 }) : [];
    return { events, oldest: oldest?.created ?? null };
  }

  /** READY_MAX_LAG_SECONDS: readiness fails when a projection trails by more. */
  get maxLagSeconds(): number {
    return this.config.readyMaxLagSeconds;
  }
}
