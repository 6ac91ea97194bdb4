import { CountAllOptions, EventReader, ReadAllOptions, ReadStreamOptions, RecordedEvent, SubscribeOptions, Subscription } from '@app/event-store';
import { PersonalDataVault } from './personal-data-vault';

/**
 * An event reader whose events carry the contacts opened (or erased): for the paths where a caller
 * may see personal data (command folding, history, as-of, the audit feed and export). The
 * projector reads the plain `EVENT_READER`, so the views only ever hold sealed contacts.
 */
export class OpeningEventReader implements EventReader {
  constructor(
    private readonly inner: EventReader,
    private readonly vault: PersonalDataVault,
  ) {}

  async readStream(stream: string, options?: ReadStreamOptions): Promise<RecordedEvent[]> {
    return this.vault.openEvents(await this.inner.readStream(stream, options));
  }

  async readAll(options?: ReadAllOptions): Promise<RecordedEvent[]> {
    return this.vault.openEvents(await this.inner.readAll(options));
  }

  countAll(options: CountAllOptions): Promise<number> {
    return this.inner.countAll(options);
  }

  subscribeToAll(options?: SubscribeOptions): Subscription {
    const inner = this.inner.subscribeToAll(options);
    const vault = this.vault;
    return {
      async *[Symbol.asyncIterator]() {
        for await (const event of inner) yield (await vault.openEvents([event]))[0];
      },
      close: () => inner.close(),
    };
  }
}

/** DI token of the `EventReader` that opens personal data: inject it only where a caller may see it. */
export const OPENED_EVENT_READER = Symbol('OpenedEventReader');
