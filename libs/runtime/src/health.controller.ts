import { Controller, Get, Inject, Optional, Res } from '@nestjs/common';
import { ApiOperation, ApiProduces, ApiResponse, ApiTags } from '@nestjs/swagger';
import { EVENT_READER, EventReader } from '@app/event-store';
import { Metrics, StoreHealth, StoreName, within } from '@app/platform';
import { customerListProjection, ProjectionStatusService, VIEW_WRITER, ViewWriter } from '@app/read-side';
import type { Response } from 'express';
import { ProjectorService } from './projector.service';

const CORRELATION = { 'X-Correlation-Id': { description: 'The correlation id of the request.', required: true, schema: { type: 'string' } } };

// Every route refuses a malformed X-Correlation-Id (the correlation middleware), probes included.
const BAD_HEADER = {
  status: 400,
  description: 'A malformed X-Correlation-Id.',
  headers: CORRELATION,
  content: { 'application/problem+json': { schema: { type: 'object', required: ['type', 'title', 'status', 'code'], properties: { type: { type: 'string' }, title: { type: 'string' }, status: { type: 'integer' }, detail: { type: 'string' }, code: { type: 'string' }, errors: { type: 'array', items: { type: 'object' } } } } } },
};

const READINESS = {
  type: 'object',
  required: ['status', 'checks'],
  properties: {
    status: { type: 'string', enum: ['ok', 'unavailable'] },
    checks: {
      type: 'object',
      additionalProperties: { type: 'string' },
      description:
        'Each part: eventStore, viewStore (`up`, `down`, `full`: its disk), idempotencyStore and keyStore (`full` only), projectionLag (`up`, `down`, `unknown`), ' +
        'projector (`up`, `down`), and projectionCheckpoint only when a view is ahead of the event store (`ahead of the event store: <projections>`).',
    },
    activeProjections: { type: 'integer', minimum: 0, description: 'Projections this process holds the lease of (where it projects).' },
  },
};

/**
 * Liveness, readiness and Prometheus metrics, outside /v1 and without a token: for the API and the
 * standalone projector alike. Ready means both stores answer, no projection trails by more than
 * READY_MAX_LAG_SECONDS and, where this process projects, the lease loops run (a standby is ready too).
 * It answers within a second whatever the stores do: a check that has not answered by then is down.
 */
@ApiTags('operations')
@Controller()
export class HealthController {
  constructor(
    @Inject(EVENT_READER) private readonly events: EventReader,
    @Inject(VIEW_WRITER) private readonly views: ViewWriter,
    private readonly metrics: Metrics,
    private readonly status: ProjectionStatusService,
    private readonly stores: StoreHealth,
    @Optional() private readonly projector?: ProjectorService,
  ) {}

  @Get('health/live')
  @ApiOperation({ operationId: 'getLiveness', summary: 'Liveness', description: 'The process answers: 200 as long as it runs. No token needed.' })
  @ApiResponse(BAD_HEADER)
  @ApiResponse({ status: 200, description: 'Alive.', headers: CORRELATION, schema: { type: 'object', required: ['status'], properties: { status: { type: 'string', enum: ['ok'] } } } })
  live(): { status: string } {
    return { status: 'ok' };
  }

  @Get('health/ready')
  @ApiOperation({
    operationId: 'getReadiness',
    summary: 'Readiness',
    description: 'Whether this process should get traffic: the stores answer, no projection trails too far, and the projector runs where this process projects. No token needed.',
  })
  @ApiResponse(BAD_HEADER)
  @ApiResponse({ status: 200, description: 'Ready.', headers: CORRELATION, schema: READINESS })
  @ApiResponse({ status: 503, description: 'Not ready; `checks` says which part is down.', headers: CORRELATION, schema: READINESS })
  async ready(
    @Res({ passthrough: true }) res: Response,
  ): Promise<{ status: string; checks: Record<string, string>; activeProjections?: number }> {
    const [eventStore, viewStore, projections] = await Promise.all([
      probe(() => this.events.readAll({ direction: 'backwards', maxCount: 1 })),
      probe(() => this.views.checkpoint(customerListProjection)),
      probe(() => this.status.all()),
    ]);
    const checks: Record<string, string> = { eventStore: eventStore.state, viewStore: viewStore.state };
    checks.projectionLag = projections.value
      ? projections.value.every((s) => s.lagSeconds <= this.status.maxLagSeconds) ? 'up' : 'down'
      : 'unknown';
    const ahead = projections.value?.filter((s) => s.checkpointAheadOfStore).map((s) => s.name) ?? [];
    if (ahead.length) checks.projectionCheckpoint = `ahead of the event store: ${ahead.join(', ')} (restored from an older backup?)`;
    // A full disk answers reads fine; only writes show it, so it is remembered from them.
    for (const store of this.stores.full()) checks[CHECK_NAMES[store]] = 'full';
    if (this.projector) checks.projector = this.projector.isRunning ? 'up' : 'down';
    const up = Object.values(checks).every((c) => c === 'up');
    res.status(up ? 200 : 503);
    const status = up ? 'ok' : 'unavailable';
    return this.projector ? { status, checks, activeProjections: this.projector.activeProjections } : { status, checks };
  }

  @Get('metrics')
  @ApiOperation({ operationId: 'getMetrics', summary: 'Prometheus metrics', description: 'The metrics in the Prometheus text format, for scraping. No token needed.' })
  @ApiProduces('text/plain')
  @ApiResponse(BAD_HEADER)
  @ApiResponse({ status: 200, description: 'The metrics.', headers: CORRELATION, content: { 'text/plain': { schema: { type: 'string' } } } })
  async metricsText(@Res() res: Response): Promise<void> {
    res.setHeader('Content-Type', this.metrics.registry.contentType);
    res.send(await this.metrics.registry.metrics());
  }
}

const CHECK_NAMES: Record<StoreName, string> = { 'event-store': 'eventStore', 'view-store': 'viewStore', 'idempotency-store': 'idempotencyStore', 'key-store': 'keyStore' };

// Checks run side by side; a check slower than this is down, leaving the rest of the second a
// probe may take to a busy event loop and the network.
const CHECK_TIMEOUT_MS = 600;

/** 'up' with the check's answer, 'down' when it failed or did not answer in time. */
async function probe<T>(check: () => Promise<T>): Promise<{ state: 'up' | 'down'; value?: T }> {
  try {
    return { state: 'up', value: await within(check(), CHECK_TIMEOUT_MS, () => new Error('timeout')) };
  } catch {
    return { state: 'down' };
  }
}
