/** What an append proposes and what the log keeps, plus the sizes and times the double derives. */
import type { LogPosition } from './position';

/** One event as a client proposes it (Append or BatchAppend), already validated. */
export interface ProposedEvent {
  /** Canonical lower-case UUID text. */
  readonly id: string;
  readonly type: string;
  /** Only `application/json` is remembered (as EventStoreDB's is-json flag); anything else reads back as octet-stream. */
  readonly contentType: string;
  readonly data: Uint8Array;
  readonly customMetadata: Uint8Array;
}

/** One event as the log holds it. */
export interface RecordedEvent {
  readonly streamName: string;
  /** 0-based number of the event in its stream. */
  readonly revision: bigint;
  readonly id: string;
  readonly type: string;
  readonly isJson: boolean;
  readonly data: Uint8Array;
  readonly customMetadata: Uint8Array;
  /** .NET ticks (100 ns) since the Unix epoch, as EventStoreDB sends `created`. */
  readonly createdTicks: bigint;
  /** Where the record starts in the log; the event's $all position. */
  readonly position: LogPosition;
  /** Where the next record starts. */
  readonly postPosition: bigint;
}

/** Fixed per-record overhead: headers, ids, flags, timestamps, length prefix and suffix. */
const RECORD_OVERHEAD = 96;

export function recordSize(streamName: string, event: ProposedEvent): bigint {
  return BigInt(
    RECORD_OVERHEAD +
      Buffer.byteLength(streamName, 'utf8') +
      Buffer.byteLength(event.type, 'utf8') +
      event.data.byteLength +
      event.customMetadata.byteLength,
  );
}

/** What counts against the maximum append size (EventStoreDB: type, data and metadata). */
export function appendSize(event: ProposedEvent): number {
  return Buffer.byteLength(event.type, 'utf8') + event.data.byteLength + event.customMetadata.byteLength;
}

const TICKS_PER_MILLISECOND = 10_000n;
let lastTicks = 0n;

/** Now in .NET ticks since the Unix epoch, strictly increasing within this process. */
export function nowTicks(): bigint {
  const wallClock = BigInt(Date.now()) * TICKS_PER_MILLISECOND;
  lastTicks = wallClock > lastTicks ? wallClock : lastTicks + 1n;
  return lastTicks;
}
