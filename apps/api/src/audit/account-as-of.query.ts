import { Inject } from '@nestjs/common';
import { IQueryHandler, QueryHandler } from '@nestjs/cqrs';
import { CustomerNotFound, customerStream, EventMetadata, TENANT_ID } from '@app/domain';
import { EventReader } from '@app/event-store';
import { OPENED_EVENT_READER } from '@app/runtime';
import { AccountDetail, accountDetailProjection, toProjectedEvent } from '@app/read-side';
import { AccountDetailView, withoutStorageFields } from '../customers/queries/account-detail.query';

export class GetAccountAsOf {
  constructor(
    readonly partnerId: string,
    readonly id: string,
    readonly until: { readonly at: Date } | { readonly revision: number },
  ) {}
}

/**
 * The account page as it stood at an instant or revision, folded from the events with the same
 * projection that builds the live view, so the two cannot tell different stories.
 */
@QueryHandler(GetAccountAsOf)
export class GetAccountAsOfHandler implements IQueryHandler<GetAccountAsOf, AccountDetailView> {
  constructor(@Inject(OPENED_EVENT_READER) private readonly store: EventReader) {}

  async execute({ partnerId, id, until }: GetAccountAsOf): Promise<AccountDetailView> {
    const events = TENANT_ID.test(id) ? await this.store.readStream(customerStream(partnerId, id.toLowerCase())) : [];
    const included = (revision: bigint, metadata: EventMetadata) =>
      'revision' in until ? revision <= BigInt(until.revision) : Date.parse(metadata.occurredAt) <= until.at.getTime();
    let view: AccountDetail | null = null;
    for (const recorded of events) {
      const projected = toProjectedEvent(recorded);
      if (!projected) continue;
      if (!included(recorded.revision, projected.metadata)) break;
      view = accountDetailProjection.evolve(view, projected);
    }
    if (!view) throw new CustomerNotFound();
    return withoutStorageFields(view);
  }
}
