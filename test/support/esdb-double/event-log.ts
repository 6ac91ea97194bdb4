/**
 * The double's whole store: one in-memory, append-only transaction log with a per-stream index.
 * Appends are decided and written synchronously, so each one is atomic and totally ordered.
 */
import { decideAppend, type ExpectedRevision } from './expected-revision';
import { comparePositions, type LogPosition } from './position';
import { nowTicks, recordSize, type ProposedEvent, type RecordedEvent } from './recorded-event';

export type AppendResult =
  /** `currentRevision` is -1n for a stream that still has no events (an empty append to a new stream). */
  | { readonly kind: 'success'; readonly currentRevision: bigint; readonly position: LogPosition | null }
  /** `currentRevision` is -1n when the stream does not exist. */
  | { readonly kind: 'wrong_expected_version'; readonly currentRevision: bigint };

const NO_EVENTS: readonly RecordedEvent[] = Object.freeze([]);

export class EventLog {
  private readonly records: RecordedEvent[] = [];
  private readonly streams = new Map<string, RecordedEvent[]>();
  private readonly latestById = new Map<string, RecordedEvent>();
  private readonly eventOffsets = new Set<bigint>();
  private readonly listeners = new Set<() => void>();
  private nextOffset: bigint;

  /** @param firstOffset where the first event's record starts (a real log starts with non-event records). */
  constructor(firstOffset: bigint) {
    this.nextOffset = firstOffset;
  }

  append(streamName: string, expected: ExpectedRevision, events: readonly ProposedEvent[]): AppendResult {
    const streamEvents = this.stream(streamName);
    const decision = decideAppend(
      streamEvents,
      expected,
      events.map((e) => e.id),
      (id) => this.latestById.get(id),
    );
    const currentRevision = BigInt(streamEvents.length) - 1n;

    if (decision.kind === 'wrong_expected_version') return { kind: 'wrong_expected_version', currentRevision };
    if (decision.kind === 'idempotent') {
      return { kind: 'success', currentRevision: decision.last.revision, position: decision.last.position };
    }
    if (events.length === 0) return { kind: 'success', currentRevision, position: null };

    const target = this.streams.get(streamName) ?? [];
    this.streams.set(streamName, target);
    const createdTicks = nowTicks();
    let last!: RecordedEvent;
    for (const event of events) {
      const offset = this.nextOffset;
      const postPosition = offset + recordSize(streamName, event);
      last = Object.freeze({
        streamName,
        revision: BigInt(target.length),
        id: event.id,
        type: event.type,
        isJson: event.contentType === 'application/json',
        data: event.data,
        customMetadata: event.customMetadata,
        createdTicks,
        position: Object.freeze({ commit: offset, prepare: offset }),
        postPosition,
      });
      target.push(last);
      this.records.push(last);
      this.latestById.set(last.id, last);
      this.eventOffsets.add(offset);
      this.nextOffset = postPosition;
    }
    for (const listener of [...this.listeners]) listener();
    // The append's position is its last event's (EventStoreDB reports the commit of the write).
    return { kind: 'success', currentRevision: last.revision, position: last.position };
  }

  /** Every event in $all order. Append-only: indexes into it stay valid. */
  get all(): readonly RecordedEvent[] {
    return this.records;
  }

  /** The stream's events by revision; empty when the stream does not exist. Append-only. */
  stream(streamName: string): readonly RecordedEvent[] {
    return this.streams.get(streamName) ?? NO_EVENTS;
  }

  /** Where the next record will start: the end of the log. */
  get endOffset(): bigint {
    return this.nextOffset;
  }

  /**
   * Whether a read or catch-up may start at `position`: the beginning of the log, a record boundary
   * (an event's position), or the end of the log and beyond. Anything else lands inside a record,
   * which EventStoreDB refuses as an invalid position.
   */
  isReadablePosition(position: LogPosition): boolean {
    return position.commit === 0n || position.commit >= this.nextOffset || this.eventOffsets.has(position.commit);
  }

  /** Index in `all` of the first event at or after `position` (forward reads include the event at the position). */
  firstIndexAtOrAfter(position: LogPosition): number {
    return this.search((e) => comparePositions(e.position, position) >= 0);
  }

  /** Index in `all` of the first event after `position` (subscriptions start after the position). */
  firstIndexAfter(position: LogPosition): number {
    return this.search((e) => comparePositions(e.position, position) > 0);
  }

  /** Calls `listener` after every append that wrote events; returns the unsubscribe function. */
  onAppend(listener: () => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  private search(isAtOrPast: (e: RecordedEvent) => boolean): number {
    let low = 0;
    let high = this.records.length;
    while (low < high) {
      const middle = (low + high) >>> 1;
      if (isAtOrPast(this.records[middle])) high = middle;
      else low = middle + 1;
    }
    return low;
  }
}
