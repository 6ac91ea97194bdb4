import { Inject } from '@nestjs/common';
import { IQueryHandler, QueryHandler } from '@nestjs/cqrs';
import { customerStream, parseCustomerStream } from '@app/domain';
import { EVENT_STORE, EventStore, formatPosition, parsePosition, Position, START } from '@app/event-store';
import { HistoryItem, historyItem } from './history-item';

export class GetAuditFeed {
  constructor(
    readonly partnerId: string,
    readonly after: string | undefined,
    readonly limit: number,
    readonly type: string | undefined,
  ) {}
}

export interface AuditFeedPage {
  readonly items: (HistoryItem & { customerId: string })[];
  readonly nextAfter: string;
}

// Bounds the work of one request when a type filter skips most events.
const MAX_SCANNED = 10_000;

/** The partner's changes across all its customers, in log order. */
@QueryHandler(GetAuditFeed)
export class GetAuditFeedHandler implements IQueryHandler<GetAuditFeed, AuditFeedPage> {
  constructor(@Inject(EVENT_STORE) private readonly store: EventStore) {}

  async execute({ partnerId, after, limit, type }: GetAuditFeed): Promise<AuditFeedPage> {
    const start = after ? parsePosition(after)! : undefined;
    // Server-side prefix filter, then an exact owner check: partner "a" must not see partner "a-b".
    const filter = { streamNamePrefix: customerStream(partnerId, '') };
    const items: AuditFeedPage['items'] = [];
    let cursor: Position | undefined = start;
    let scanned = 0;
    while (items.length < limit && scanned < MAX_SCANNED) {
      const page = await this.store.readAll({ after: cursor, filter, maxCount: Math.min(1000, MAX_SCANNED - scanned) });
      for (const event of page) {
        cursor = event.position;
        const owner = parseCustomerStream(event.stream);
        if (owner?.partnerId === partnerId && (!type || event.type === type)) {
          items.push({ ...historyItem(event), customerId: owner.tenantId });
          if (items.length === limit) break;
        }
      }
      scanned += page.length;
      if (page.length === 0) break;
    }
    // The last event read: the last item's position when the page is full, and past events the type
    // filter skipped otherwise, so the caller never scans them again.
    return { items, nextAfter: formatPosition(cursor ?? START) };
  }
}
