import { Controller, Get, Inject, Optional, Res } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import { EVENT_READER, EventReader } from '@app/event-store';
import { Metrics } from '@app/platform';
import { customerListProjection, ProjectionStatusService, VIEW_WRITER, ViewWriter } from '@app/read-side';
import type { Response } from 'express';
import { ProjectorService } from './projector.service';

/**
 * Liveness, readiness and Prometheus metrics, outside /v1 and without a token: for the API and the
 * standalone projector alike. Ready means both stores answer, no projection trails by more than
 * READY_MAX_LAG_SECONDS and, where this process projects, the lease loops run (a standby is ready too).
 */
@ApiExcludeController()
@Controller()
export class HealthController {
  constructor(
    @Inject(EVENT_READER) private readonly events: EventReader,
    @Inject(VIEW_WRITER) private readonly views: ViewWriter,
    private readonly metrics: Metrics,
    private readonly status: ProjectionStatusService,
    @Optional() private readonly projector?: ProjectorService,
  ) {}

  @Get('health/live')
  live(): { status: string } {
    return { status: 'ok' };
  }

  @Get('health/ready')
  async ready(
    @Res({ passthrough: true }) res: Response,
  ): Promise<{ status: string; checks: Record<string, string>; activeProjections?: number }> {
    const checks: Record<string, string> = {
      eventStore: await probe(() => this.events.readAll({ direction: 'backwards', maxCount: 1 })),
      viewStore: await probe(() => this.views.checkpoint(customerListProjection)),
      projectionLag: (await this.status.withinBound().catch(() => false)) ? 'up' : 'down',
    };
    if (this.projector) checks.projector = this.projector.isRunning ? 'up' : 'down';
    const up = Object.values(checks).every((c) => c === 'up');
    res.status(up ? 200 : 503);
    const status = up ? 'ok' : 'unavailable';
    return this.projector ? { status, checks, activeProjections: this.projector.activeProjections } : { status, checks };
  }

  @Get('metrics')
  async metricsText(@Res() res: Response): Promise<void> {
    res.setHeader('Content-Type', this.metrics.registry.contentType);
    res.send(await this.metrics.registry.metrics());
  }
}

async function probe(check: () => Promise<unknown>): Promise<string> {
  try {
    await check();
    return 'up';
  } catch {
    return 'down';
  }
}
