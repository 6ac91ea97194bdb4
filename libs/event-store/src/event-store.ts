import { Position } from './position';

/** `no_stream`: the stream must not exist yet; `any`: no check; a bigint: the stream's last revision. */
export type ExpectedRevision = 'no_stream' | 'any' | bigint;

export interface NewEvent {
  /** A UUID; the same id appended again at the same place is a no-op (see `eventIdFor`). */
  readonly id: string;
  readonly type: string;
  readonly data: unknown;
  readonly metadata: unknown;
}

export interface RecordedEvent {
  readonly id: string;
  readonly stream: string;
  readonly type: string;
  /** Position within the stream, 0 for its first event. */
  readonly revision: bigint;
  readonly position: Position;
  readonly data: unknown;
  readonly metadata: unknown;
  /** When the store wrote it (the store's clock, not the command's). */
  readonly created: Date;
}

export interface AppendResult {
  readonly nextRevision: bigint;
  readonly position: Position;
}

export interface ReadStreamOptions {
  readonly fromRevision?: bigint;
  readonly direction?: 'forwards' | 'backwards';
  readonly maxCount?: number;
}

export interface AllFilter {
  /** Only streams whose name starts with this (EventStoreDB's server-side stream-name prefix filter). */
  readonly streamNamePrefix: string;
  /**
   * Reads only: one of `count` disjoint parts of the streams, so that several workers can each
   * read their own (a rebuild in parts). A stream belongs to part `index` when the code point of
   * its name's last character, modulo `count`, is `index`: customer streams end in a random hex
   * digit, so parts are about even.
   */
  readonly partition?: Partition;
}

export interface Partition {
  readonly index: number;
  readonly count: number;
}

/** Whether a stream is in the partition (all streams without one). */
export function inPartition(stream: string, partition: Partition | undefined): boolean {
  return !partition || (stream.codePointAt(stream.length - 1) ?? 0) % partition.count === partition.index;
}

export interface ReadAllOptions {
  /** Exclusive: reading starts after this position (forwards) or before it (backwards). */
  readonly after?: Position;
  readonly filter?: AllFilter;
  readonly direction?: 'forwards' | 'backwards';
  readonly maxCount?: number;
}

export interface CountAllOptions {
  /** Exclusive, as in `readAll`. */
  readonly after?: Position;
  readonly filter?: AllFilter;
  /** Counting stops here (at least 1): a long way behind costs no more than this many events. */
  readonly limit: number;
}

export interface SubscribeOptions {
  readonly after?: Position;
  readonly filter?: AllFilter;
}

/** Events in global order, at least once, until closed; ends with an error if the store drops it. */
export interface Subscription extends AsyncIterable<RecordedEvent> {
  close(): Promise<void>;
}

/**
 * The read half of the event-store port, shaped by EventStoreDB's semantics so that every adapter
 * behaves the same (the contract suite under test/contract proves it for each).
 */
export interface EventReader {
  /** A missing stream reads as empty. */
  readStream(stream: string, options?: ReadStreamOptions): Promise<RecordedEvent[]>;
  readAll(options?: ReadAllOptions): Promise<RecordedEvent[]>;
  /** How many events `readAll` would return forwards with these options, up to `limit`, without reading them where the store can count. */
  countAll(options: CountAllOptions): Promise<number>;
  subscribeToAll(options?: SubscribeOptions): Subscription;
}

/** The write half of the port: a stream, the revision expected there, and the events. */
export interface EventWriter {
  /** Appends atomically, or throws WrongExpectedVersion and writes nothing. */
  append(stream: string, events: readonly NewEvent[], expected: ExpectedRevision): Promise<AppendResult>;
  /**
   * Optional, for stores that can tell cheaply: the stream's last revision when this instance knows
   * it without reading (it made the stream's last append, and nothing else has written to the store
   * since); undefined when it cannot vouch for it.
   */
  knownLastRevision?(stream: string): bigint | undefined;
}

/** An adapter: both halves, and `close` for whoever owns its lifetime. */
export interface EventStore extends EventReader, EventWriter {
  close(): Promise<void>;
}

/** DI token of the `EventReader`: events come out of it in their current shape (upcast). */
export const EVENT_READER = Symbol('EventReader');
/** DI token of the `EventWriter`: events go in as given. */
export const EVENT_WRITER = Symbol('EventWriter');

export class WrongExpectedVersion extends Error {
  constructor(
    readonly stream: string,
    readonly expected: ExpectedRevision,
    /** The stream's last revision, -1n when it does not exist. */
    readonly actual: bigint,
  ) {
    super(`Stream ${stream}: expected revision ${String(expected)}, found ${actual}.`);
  }
}
