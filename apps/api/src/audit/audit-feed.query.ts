import { Inject } from '@nestjs/common';
import { IQueryHandler, QueryHandler } from '@nestjs/cqrs';
import { OPENED_EVENT_READER } from '@app/runtime';
import { EventReader, formatPosition, parsePosition, Position, START } from '@app/event-store';
import { AuditRecord, partnerEvents } from './audit-records';
import { historyItem } from './history-item';

export class GetAuditFeed {
  constructor(
    readonly partnerId: string,
    readonly after: string | undefined,
    readonly limit: number,
    readonly type: string | undefined,
  ) {}
}

export interface AuditFeedPage {
  readonly items: AuditRecord[];
  readonly nextAfter: string;
}

// Bounds the work of one request when a type filter skips most events.
const MAX_SCANNED = 10_000;

/** The partner's changes across all its customers, in log order. */
@QueryHandler(GetAuditFeed)
export class GetAuditFeedHandler implements IQueryHandler<GetAuditFeed, AuditFeedPage> {
  constructor(@Inject(OPENED_EVENT_READER) private readonly store: EventReader) {}

  async execute({ partnerId, after, limit, type }: GetAuditFeed): Promise<AuditFeedPage> {
    const items: AuditFeedPage['items'] = [];
    let cursor: Position | undefined = after ? parsePosition(after)! : undefined;
    let scanned = 0;
    for await (const { event, customerId } of partnerEvents(this.store, partnerId, cursor)) {
      cursor = event.position;
      if (customerId && (!type || event.type === type)) {
        items.push({ ...historyItem(event), customerId });
        if (items.length === limit) break;
      }
      if (++scanned >= MAX_SCANNED) break;
    }
    // The last event read: the last item's position when the page is full, and past events the type
    // filter skipped otherwise, so the caller never scans them again.
    return { items, nextAfter: formatPosition(cursor ?? START) };
  }
}
