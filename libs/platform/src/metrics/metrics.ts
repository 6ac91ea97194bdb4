import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';

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
  readonly commands = new Counter({
    name: 'commands_total',
    help: 'Commands handled, by command type and outcome.',
    labelNames: ['command', 'outcome'] as const,
    registers: [this.registry],
  });
  readonly projectionPosition = new Gauge({
    name: 'projection_checkpoint_commit_position',
    help: 'Commit position of the last event each projection has durably applied.',
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
}
