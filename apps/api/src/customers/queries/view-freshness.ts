import { Inject, Injectable } from '@nestjs/common';
import { comparePositions, EVENT_READER, EventReader, parsePosition, Position } from '@app/event-store';
import { APP_CONFIG, AppConfig, boundedStore, readStoreFailure, StoreHealth, ViewNotCaughtUp } from '@app/platform';
import { PROJECTIONS, VIEW_WRITER, ViewName, ViewWriter } from '@app/read-side';
import { ValidationError } from '@app/domain';

const POLL_MS = 10;

/** Read-your-writes: holds a read until the views it uses have projected `minPosition`. */
@Injectable()
export class ViewFreshness {
  private readonly views: Pick<ViewWriter, 'checkpoint'>;

  constructor(
    @Inject(VIEW_WRITER) views: ViewWriter,
    @Inject(EVENT_READER) private readonly events: EventReader,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    health: StoreHealth,
  ) {
    // A request waits here: each look at the checkpoint is bounded like any other store call.
    this.views = boundedStore(views, { store: 'view-store', timeoutMs: config.timeouts.storeCallMs, classify: readStoreFailure, health });
  }

  async waitFor(view: ViewName, minPosition: string | undefined): Promise<void> {
    if (minPosition === undefined) return;
    const wanted = parsePosition(minPosition);
    if (!wanted) throw new ValidationError([{ field: 'minPosition', message: 'must be a position returned by a write' }]);
    const deadline = Date.now() + this.config.readWaitMs;
    for (let first = true; ; first = false) {
      const reached = await this.views.checkpoint(PROJECTIONS[view]);
      if (reached && comparePositions(reached, wanted) >= 0) return;
      if (first && !(await this.written(wanted))) {
        throw new ValidationError([{ field: 'minPosition', message: 'is past the end of the log: no write returned it' }]);
      }
      if (Date.now() >= deadline) throw new ViewNotCaughtUp(1);
      await new Promise((r) => setTimeout(r, POLL_MS));
    }
  }

  /** Whether the log reaches `position`: waiting for one no write has returned would only time out. */
  private async written(position: Position): Promise<boolean> {
    const [last] = await this.events.readAll({ direction: 'backwards', maxCount: 1 });
    return last !== undefined && comparePositions(last.position, position) >= 0;
  }
}
