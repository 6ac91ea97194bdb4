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
  /** The store's foreign-writes mark read before this fold was caught up, when the store has one. */
  readonly mark?: number;
}

const EMPTY: Folded = { state: initialState, revision: -1n, position: null, commands: new Map() };

/**
 * Keeps recently used streams folded, so a command reads only what was appended since (usually
 * nothing: one indexed read) instead of its whole history. Catching up from the store keeps it
 * right when other processes write too; where the store can tell cheaply that nobody else has
 * appended since the stream was folded (`foreignWritesMark`), even that read is skipped. That
 * relies on every append through this store instance coming through here (the command handler is
 * the only writer in the process). Least recently used streams are dropped past `capacity`.
 */
export class FoldedStreams {
  private readonly cache = new Map<string, Folded>();

  constructor(
    private readonly store: EventReader,
    private readonly capacity = 10_000,
    private readonly writer: Pick<EventWriter, 'foreignWritesMark'> = {},
  ) {}

  async current(stream: string): Promise<Folded> {
    const cached = this.cache.get(stream) ?? EMPTY;
    // Read before the catch-up: a foreign append after this point changes the mark for next time.
    const mark = this.writer.foreignWritesMark?.();
    if (cached !== EMPTY && mark !== undefined && cached.mark === mark) {
      this.remember(stream, cached);
      return cached;
    }
    const newer = await this.store.readStream(stream, { fromRevision: cached.revision + 1n });
    if (newer.length === 0) {
      const current = { ...cached, mark };
      this.remember(stream, current);
      return current;
    }
    // One copy of the command map per catch-up, not per event: a long stream folds in linear time.
    const commands = new Map(cached.commands);
    const folded = newer.reduce<Folded>((f, e) => foldRecorded(f, e, commands), { ...cached, commands, mark });
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
      // Our append succeeded at the revision folded, so nobody else appended here before it; the
      // mark from before that fold still catches anything appended after.
      mark: before.mark,
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
    mark: folded.mark,
  };
}
