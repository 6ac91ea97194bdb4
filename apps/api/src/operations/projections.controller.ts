import { Controller, Get, Inject } from '@nestjs/common';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import { CUSTOMER_STREAM_PREFIX } from '@app/domain';
import { EVENT_STORE, EventStore, formatPosition } from '@app/event-store';
import { Requires } from '@app/platform';
import { VIEW_STORE, ViewName, ViewStore } from '@app/read-side';

const VIEWS: ViewName[] = ['customer-list', 'account-detail'];
// Counting further behind than this costs more than it tells an operator.
const LAG_COUNT_LIMIT = 10_000;

export interface ProjectionStatus {
  readonly name: ViewName;
  readonly checkpoint: string | null;
  readonly head: string | null;
  /** Events written but not yet projected, counted up to 10000. */
  readonly lagEvents: number;
}

@ApiTags('operations')
@ApiBearerAuth()
@Controller('v1/projections')
export class ProjectionsController {
  constructor(
    @Inject(EVENT_STORE) private readonly events: EventStore,
    @Inject(VIEW_STORE) private readonly views: ViewStore,
  ) {}

  @Get()
  @Requires('operate')
  async list(): Promise<{ items: ProjectionStatus[] }> {
    const filter = { streamNamePrefix: CUSTOMER_STREAM_PREFIX };
    const [head] = await this.events.readAll({ filter, direction: 'backwards', maxCount: 1 });
    const items = await Promise.all(
      VIEWS.map(async (name) => {
        const checkpoint = await this.views.checkpoint(name);
        const behind = await this.events.readAll({ after: checkpoint ?? undefined, filter, maxCount: LAG_COUNT_LIMIT });
        return {
          name,
          checkpoint: checkpoint ? formatPosition(checkpoint) : null,
          head: head ? formatPosition(head.position) : null,
          lagEvents: behind.length,
        };
      }),
    );
    return { items };
  }
}
