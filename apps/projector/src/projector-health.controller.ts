import { Controller, Get, Inject, Res } from '@nestjs/common';
import { EVENT_STORE, EventStore } from '@app/event-store';
import { Metrics } from '@app/platform';
import { VIEW_STORE, ViewStore } from '@app/read-side';
import type { Response } from 'express';
import { ProjectorService } from './projector.service';

/** The standalone projector's health and metrics, for orchestrators and Prometheus. */
@Controller()
export class ProjectorHealthController {
  constructor(
    @Inject(EVENT_STORE) private readonly events: EventStore,
    @Inject(VIEW_STORE) private readonly views: ViewStore,
    private readonly projector: ProjectorService,
    private readonly metrics: Metrics,
  ) {}

  @Get('health/live')
  live(): { status: string } {
    return { status: 'ok' };
  }

  /** Ready when both stores answer and the lease loops run; a standby instance is ready too. */
  @Get('health/ready')
  async ready(@Res({ passthrough: true }) res: Response): Promise<{ status: string; checks: Record<string, string> }> {
    const checks = {
      eventStore: await probe(() => this.events.readAll({ direction: 'backwards', maxCount: 1 })),
      viewStore: await probe(() => this.views.checkpoint('customer-list')),
      projector: this.projector.isRunning ? 'up' : 'down',
      activeProjections: String(this.projector.activeProjections),
    };
    const up = checks.eventStore === 'up' && checks.viewStore === 'up' && checks.projector === 'up';
    res.status(up ? 200 : 503);
    return { status: up ? 'ok' : 'unavailable', checks };
  }

  @Get('metrics')
  async metricsText(@Res() res: Response): Promise<void> {
    res.setHeader('Content-Type', this.metrics.registry.contentType);
    res.send(await this.metrics.registry.metrics());
  }
}

export async function probe(check: () => Promise<unknown>): Promise<string> {
  try {
    await check();
    return 'up';
  } catch {
    return 'down';
  }
}
