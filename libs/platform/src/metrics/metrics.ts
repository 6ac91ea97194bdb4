import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';

/** Where a store operation went: the event store, the views (and checkpoints), the idempotency records. */
/** A store as the metrics label it (see store-errors' StoreName for how callers see it named). */
export type StoreLabel = 'event_store' | 'views' | 'idempotency';

/** The service's Prometheus registry; one per application so tests can run several apps. */
export class Metrics {
  readonly registry = new Registry();
  readonly httpRequests = new Counter({
    name: 'http_requests_total',
    help: 'HTTP requests by method, route and status.',
    labelNames: ['method', 'route', 'status'] as const,
    registers: [this.registry],
  });
  readonly httpDuration = new Histogram({
    name: 'http_request_duration_seconds',
    help: 'HTTP request duration by method and route.',
    labelNames: ['method', 'route'] as const,
    buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5],
    registers: [this.registry],
  });
  /** Requests refused with 429; counted by the HTTP metrics middleware from the status alone. */
  readonly httpRateLimited = new Counter({
    name: 'http_rate_limited_total',
    help: 'Requests refused with 429 Too Many Requests, by route.',
    labelNames: ['route'] as const,
    registers: [this.registry],
  });
  readonly commands = new Counter({
    name: 'commands_total',
    help: 'Commands handled, by command type and outcome (appended, unchanged, replayed, rejected, conflict, error).',
    labelNames: ['type', 'outcome'] as const,
    registers: [this.registry],
  });
  readonly storeDuration = new Histogram({
    name: 'store_operation_duration_seconds',
    help: 'Store operation latency by store, operation and outcome (ok, error).',
    labelNames: ['store', 'operation', 'outcome'] as const,
    buckets: [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5],
    registers: [this.registry],
  });
  readonly projectionPosition = new Gauge({
    name: 'projection_checkpoint_commit_position',
    help: 'Commit position of the last event each projection has durably applied.',
    labelNames: ['projection'] as const,
    registers: [this.registry],
  });
  readonly projectedEvents = new Counter({
    name: 'projection_events_total',
    help: 'Events each projection has committed (replays after a restart count again).',
    labelNames: ['projection'] as const,
    registers: [this.registry],
  });
  /** For the parking of events a projection cannot apply: set it to how many are parked now. */
  readonly parkedEvents = new Gauge({
    name: 'projection_parked_events',
    help: 'Events a projection has parked (set aside, not applied) and not yet resolved.',
    labelNames: ['projection'] as const,
    registers: [this.registry],
  });

  readonly storeFailures = new Counter({
    name: 'store_failures_total',
    help: 'Store calls that failed because the store was out of reach, too slow, or out of disk space.',
    labelNames: ['store', 'failure'] as const,
    registers: [this.registry],
  });

  constructor() {
    collectDefaultMetrics({ register: this.registry });
  }

  /** Runs one store operation and records its latency, also when it fails. */
  async timed<T>(store: StoreLabel, operation: string, run: () => Promise<T>): Promise<T> {
    const end = this.storeDuration.startTimer({ store, operation });
    try {
      const result = await run();
      end({ outcome: 'ok' });
      return result;
    } catch (error) {
      end({ outcome: 'error' });
      throw error;
    }
  }
}
