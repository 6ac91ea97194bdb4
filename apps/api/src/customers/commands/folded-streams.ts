import { CustomerAccount, CustomerEvent, decodeCustomerEvent, evolve, initialState } from '@app/domain';
import { EventReader, EventWriter, Position, RecordedEvent } from '@app/event-store';

/** Where a command's last event landed: the answer to give if the same command comes again. */
export interface CommandOutcome {
  readonly revision: bigint;
  readonly position: Position;
}

/** One stream folded for deciding: state, where it ends, and which commands it already holds. */
export interface Folded {
  readonly state: CustomerAccount;
  /** -1n for a stream that does not exist yet. */
  readonly revision: bigint;
  readonly position: Position | null;
  readonly commands: ReadonlyMap<string, CommandOutcome>;
}

const EMPTY: Folded = { state: initialState, revision: -1n, position: null, commands: new Map() };

/**
 * Keeps recently used streams folded, so a command reads only what was appended since (usually
 * nothing: one indexed read) instead of its whole history. Catching up from the store keeps it
 * right when other processes write too; where the store can vouch cheaply that the stream still
 * ends where the fold does (`knownLastRevision`: its own last append, nothing written since by
 * anyone else), even that read is skipped. Least recently used streams are dropped past `capacity`.
 */
export class FoldedStreams {
  private readonly cache = new Map<string, Folded>();

  constructor(
    private readonly store: Pick<EventReader, 'readStream'>,
    private readonly capacity = 10_000,
    private readonly writer: Pick<EventWriter, 'knownLastRevision'> = {},
  ) {}

  async current(stream: string): Promise<Folded> {
    const cached = this.cache.get(stream) ?? EMPTY;
    if (cached !== EMPTY && this.writer.knownLastRevision?.(stream) === cached.revision) {
      this.remember(stream, cached);
      return cached;
    }
    const newer = await this.store.readStream(stream, { fromRevision: cached.revision + 1n });
    if (newer.length === 0) {
      this.remember(stream, cached);
      return cached;
    }
    // One copy of the command map per catch-up, not per event: a long stream folds in linear time.
    const commands = new Map(cached.commands);
    const folded = newer.reduce<Folded>((f, e) => foldRecorded(f, e, commands), { ...cached, commands });
    this.remember(stream, folded);
    return folded;
  }

  /** Folds in what this process just appended, so the next command need not read it back. */
  appended(stream: string, before: Folded, events: readonly CustomerEvent[], commandId: string, outcome: CommandOutcome): void {
    const commands = new Map(before.commands).set(commandId, outcome);
    this.remember(stream, {
      state: events.reduce(evolve, before.state),
      revision: outcome.revision,
      position: outcome.position,
      commands,
    });
  }

  private remember(stream: string, folded: Folded): void {
    this.cache.delete(stream);
    this.cache.set(stream, folded);
    if (this.cache.size > this.capacity) this.cache.delete(this.cache.keys().next().value!);
  }
}

function foldRecorded(folded: Folded, recorded: RecordedEvent, commands: Map<string, CommandOutcome>): Folded {
  const { event, metadata } = decodeCustomerEvent(recorded);
  commands.set(metadata.commandId, { revision: recorded.revision, position: recorded.position });
  return {
    state: evolve(folded.state, event),
    revision: recorded.revision,
    position: recorded.position,
    commands,
  };
}
