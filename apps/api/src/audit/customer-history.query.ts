import { Inject } from '@nestjs/common';
import { IQueryHandler, QueryHandler } from '@nestjs/cqrs';
import { CustomerNotFound, customerStream, TENANT_ID } from '@app/domain';
import { EventReader } from '@app/event-store';
import { OPENED_EVENT_READER } from '@app/runtime';
import { HistoryItem, historyItem } from './history-item';

export class GetCustomerHistory {
  constructor(
    readonly partnerId: string,
    readonly id: string,
    readonly fromRevision: number,
    readonly limit: number,
  ) {}
}

/** One relationship's events, oldest first, read from the event store (never from the views). */
@QueryHandler(GetCustomerHistory)
export class GetCustomerHistoryHandler implements IQueryHandler<GetCustomerHistory, { items: HistoryItem[] }> {
  constructor(@Inject(OPENED_EVENT_READER) private readonly store: EventReader) {}

  async execute({ partnerId, id, fromRevision, limit }: GetCustomerHistory): Promise<{ items: HistoryItem[] }> {
    if (!TENANT_ID.test(id)) throw new CustomerNotFound();
    const stream = customerStream(partnerId, id.toLowerCase());
    const events = await this.store.readStream(stream, { fromRevision: BigInt(fromRevision), maxCount: limit });
    // An empty page is either past the end or a customer this partner does not have (answered as missing).
    if (events.length === 0 && (await this.store.readStream(stream, { maxCount: 1 })).length === 0) throw new CustomerNotFound();
    return { items: events.map(historyItem) };
  }
}
