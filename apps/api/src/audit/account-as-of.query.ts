import { Inject } from '@nestjs/common';
import { IQueryHandler, QueryHandler } from '@nestjs/cqrs';
import { CustomerNotFound, customerStream, TENANT_ID } from '@app/domain';
import { EVENT_READER, EventReader } from '@app/event-store';
import { accountDetailProjection, toProjectedEvent } from '@app/read-side';
import { PersonalDataVault } from '@app/runtime';
import { AccountDetailView, openBillingView, withoutStorageFields } from '../customers/queries/account-detail.query';
import { AsOfSnapshots, Snapshot } from './as-of-snapshots';

export class GetAccountAsOf {
  constructor(
    readonly partnerId: string,
    readonly id: string,
    readonly until: { readonly at: Date } | { readonly revision: number },
  ) {}
}

/**
 * The account page as it stood at an instant or revision, folded from the events with the same
 * projection that builds the live view, so the two cannot tell different stories. It starts from
 * the nearest snapshot before the target and reads a page of events at a time, so one as-of reads
 * about a page however long the stream, and a long first fold never holds the event loop.
 */
@QueryHandler(GetAccountAsOf)
export class GetAccountAsOfHandler implements IQueryHandler<GetAccountAsOf, AccountDetailView> {
  private readonly snapshots = new AsOfSnapshots();

  // Folded from the sealed events, so the snapshots this process keeps hold no personal data and an
  // erase elsewhere reaches them: the contact is opened (or read as erased) only in the answer.
  constructor(
    @Inject(EVENT_READER) private readonly store: EventReader,
    private readonly vault: PersonalDataVault,
  ) {}

  async execute({ partnerId, id, until }: GetAccountAsOf): Promise<AccountDetailView> {
    if (!TENANT_ID.test(id)) throw new CustomerNotFound();
    const stream = customerStream(partnerId, id.toLowerCase());
    const byRevision = 'revision' in until;
    const target = byRevision ? BigInt(until.revision) : until.at.getTime();
    let state: Snapshot = byRevision ? this.snapshots.atRevision(stream, target as bigint) : this.snapshots.atTime(stream, target as number);
    const page = this.snapshots.every;
    for (let done = false; !done; ) {
      const remaining = byRevision ? Number((target as bigint) - state.revision) : page;
      if (remaining <= 0) break;
      const events = await this.store.readStream(stream, { fromRevision: state.revision + 1n, maxCount: Math.min(page, remaining) });
      done = events.length < page;
      for (const recorded of events) {
        const projected = toProjectedEvent(recorded);
        let { view, latest } = state;
        if (projected) {
          const occurred = Date.parse(projected.metadata.occurredAt);
          // By time: the account as it stood before the first event after the instant.
          if (!byRevision && occurred > (target as number)) {
            done = true;
            break;
          }
          view = accountDetailProjection.evolve(view, projected);
          latest = Math.max(latest, occurred);
        }
        state = { revision: recorded.revision, view, latest };
        this.snapshots.offer(stream, state);
      }
    }
    if (!state.view) throw new CustomerNotFound();
    const billingProfile = await openBillingView(this.vault, stream, state.view.billingProfile);
    return withoutStorageFields({ ...state.view, billingProfile });
  }
}
