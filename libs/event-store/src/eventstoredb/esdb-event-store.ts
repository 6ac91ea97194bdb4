import {
  ANY,
  END,
  EventStoreDBClient,
  excludeSystemEvents,
  FORWARDS,
  BACKWARDS,
  jsonEvent,
  JSONType,
  NO_STREAM,
  START,
  StreamNotFoundError,
  streamNameFilter,
  WrongExpectedVersionError,
  type AllStreamRecordedEvent,
  type RecordedEvent as EsdbRecordedEvent,
} from '@eventstore/db-client';
import {
  AppendResult,
  CountAllOptions,
  EventStore,
  ExpectedRevision,
  inPartition,
  NewEvent,
  ReadAllOptions,
  ReadStreamOptions,
  RecordedEvent,
  SubscribeOptions,
  Subscription,
  WrongExpectedVersion,
} from '../event-store';
import { comparePositions, Position } from '../position';

// readAll in this client has no server-side filter, so filtered reads page through $all.
const PAGE = 1000;

/**
 * The event-store port on EventStoreDB. The port was shaped by EventStoreDB's semantics, so this
 * adapter only translates: expected revisions, the conflict error, a missing stream read as empty,
 * and exclusive start positions (EventStoreDB's $all reads include their start position).
 */
export class EsdbEventStore implements EventStore {
  /** `readIdleMs`: the longest wait for the next page of a `readAll` (this client sets no read deadlines). */
  constructor(
    private readonly client: EventStoreDBClient,
    private readonly readIdleMs = 10_000,
  ) {}

  /** `deadlineMs`: the gRPC deadline of appends (reads and subscriptions have none in this client). */
  static connect(connectionString: string, deadlineMs?: number): EsdbEventStore {
    const withDeadline =
      deadlineMs === undefined || /[?&]defaultDeadline=/i.test(connectionString)
        ? connectionString
        : `${connectionString}${connectionString.includes('?') ? '&' : '?'}defaultDeadline=${deadlineMs}`;
    return new EsdbEventStore(EventStoreDBClient.connectionString(withDeadline), deadlineMs);
  }

  async append(stream: string, events: readonly NewEvent[], expected: ExpectedRevision): Promise<AppendResult> {
    if (events.length === 0) throw new Error('Nothing to append.');
    try {
      const result = await this.client.appendToStream(
        stream,
        events.map((e) => jsonEvent({ id: e.id, type: e.type, data: e.data as JSONType, metadata: e.metadata as JSONType })),
        { expectedRevision: expected === 'no_stream' ? NO_STREAM : expected === 'any' ? ANY : expected },
      );
      if (!result.position) throw new Error(`EventStoreDB returned no position for an append to ${stream}.`);
      return { nextRevision: result.nextExpectedRevision, position: result.position };
    } catch (error) {
      if (error instanceof WrongExpectedVersionError) {
        const actual = error.actualVersion === NO_STREAM ? -1n : (error.actualVersion as bigint);
        throw new WrongExpectedVersion(stream, expected, actual);
      }
      throw error;
    }
  }

  async readStream(stream: string, options: ReadStreamOptions = {}): Promise<RecordedEvent[]> {
    const backwards = options.direction === 'backwards';
    const events: RecordedEvent[] = [];
    try {
      const read = this.client.readStream(stream, {
        fromRevision: options.fromRevision ?? (backwards ? END : START),
        direction: backwards ? BACKWARDS : FORWARDS,
        ...(options.maxCount !== undefined ? { maxCount: options.maxCount } : {}),
      });
      for await (const resolved of read) if (resolved.event) events.push(toRecorded(resolved.event as AllStreamRecordedEvent));
    } catch (error) {
      if (error instanceof StreamNotFoundError) return [];
      throw error;
    }
    return events;
  }

  /** EventStoreDB has no count: the events are read, a page at a time, and counted. */
  async countAll(options: CountAllOptions): Promise<number> {
    return (await this.readAll({ after: options.after, filter: options.filter, maxCount: options.limit })).length;
  }

  async readAll(options: ReadAllOptions = {}): Promise<RecordedEvent[]> {
    const backwards = options.direction === 'backwards';
    const wanted = options.maxCount ?? Number.POSITIVE_INFINITY;
    const prefix = options.filter?.streamNamePrefix ?? '';
    const events: RecordedEvent[] = [];
    let from: Position | undefined = options.after;
    while (events.length < wanted) {
      let seen = 0;
      // One more than still wanted: a page that starts at `from` repeats that event.
      const pageSize = Math.min(PAGE, wanted - events.length + 1);
      const read = this.client.readAll({
        fromPosition: from ?? (backwards ? END : START),
        direction: backwards ? BACKWARDS : FORWARDS,
        maxCount: pageSize,
      });
      try {
        for await (const resolved of idleBounded(read, this.readIdleMs)) {
          const event = resolved.event;
          if (!event?.position) continue;
          seen++;
          // $all reads include their start position; the port's start is exclusive.
          if (from && comparePositions(event.position, from) === 0) continue;
          from = event.position;
          const kept = !isSystem(event.streamId) && event.streamId.startsWith(prefix) && inPartition(event.streamId, options.filter?.partition);
          if (kept && events.length < wanted) events.push(toRecorded(event));
        }
      } finally {
        // A read left half-consumed would keep its call open and hold up the client's dispose.
        if (!read.destroyed) await read.cancel();
      }
      if (seen < pageSize) break;
    }
    return events;
  }

  subscribeToAll(options: SubscribeOptions = {}): Subscription {
    const prefix = options.filter?.streamNamePrefix;
    const subscription = this.client.subscribeToAll({
      // Subscriptions start after the given position, as the port's do.
      fromPosition: options.after && (options.after.commit > 0n || options.after.prepare > 0n) ? options.after : START,
      filter: prefix ? streamNameFilter({ prefixes: [prefix] }) : excludeSystemEvents(),
    });
    return {
      async *[Symbol.asyncIterator]() {
        for await (const resolved of subscription) {
          if (resolved.event?.position && !isSystem(resolved.event.streamId)) yield toRecorded(resolved.event);
        }
      },
      close: () => subscription.unsubscribe(),
    };
  }

  close(): Promise<void> {
    return this.client.dispose();
  }
}

function isSystem(stream: string): boolean {
  return stream.startsWith('$');
}

function toRecorded(event: AllStreamRecordedEvent | EsdbRecordedEvent): RecordedEvent {
  if (!event.position) throw new Error(`Event ${event.id} of ${event.streamId} has no position.`);
  return {
    id: event.id,
    stream: event.streamId,
    type: event.type,
    revision: event.revision,
    position: event.position,
    // EventStoreDB stores `null` as empty bytes and reads them back as undefined.
    data: event.data ?? null,
    metadata: event.metadata ?? null,
    created: event.created,
  };
}

/** A read of the store that stalled: no answer within the bound. */
export class EventStoreReadStalled extends Error {
  constructor(ms: number) {
    super(`EventStoreDB sent nothing for ${ms} ms during a read.`);
  }
}

/** The items of a read, failing with EventStoreReadStalled when the next one takes longer than `ms`. */
async function* idleBounded<T>(read: AsyncIterable<T>, ms: number): AsyncGenerator<T> {
  const iterator = read[Symbol.asyncIterator]();
  for (;;) {
    let timer: NodeJS.Timeout | undefined;
    const stalled = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new EventStoreReadStalled(ms)), ms);
    });
    try {
      const next = await Promise.race([iterator.next(), stalled]);
      if (next.done) return;
      yield next.value;
    } finally {
      clearTimeout(timer);
    }
  }
}
