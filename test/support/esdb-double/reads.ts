/**
 * Finite reads (`Streams.Read` with a count): one stream or $all, forwards or backwards.
 *
 * - A stream: from start, end or a revision, inclusive in both directions (backwards from a revision
 *   past the end starts at the last event); a stream without events answers `stream_not_found`.
 * - $all forwards from a position includes the event at that position; backwards from a position
 *   returns only events before it. A position inside a record is refused as invalid.
 * - `count` limits the events sent (for a filtered $all read, the matching ones).
 * Each read sees the log as it was when the read began.
 */
import type { EventLog } from './event-log';
import type { EventFilter } from './event-filter';
import { invalidPosition } from './grpc-errors';
import { parsePosition } from './position';
import { streams } from './proto';
import { eventResponse, streamNotFoundResponse } from './read-responses';
import type { ResponseWriter } from './response-writer';
import type { UuidForm } from './uuid';

export interface ReadShape {
  readonly backwards: boolean;
  readonly count: bigint;
  readonly uuidForm: UuidForm;
}

export async function readStream(
  writer: ResponseWriter,
  log: EventLog,
  streamName: string,
  from: streams.ReadReq.Options.StreamOptions,
  shape: ReadShape,
): Promise<void> {
  const events = log.stream(streamName);
  const length = events.length;
  if (length === 0) {
    await writer.write(streamNotFoundResponse(streamName));
    return writer.end();
  }
  const Case = streams.ReadReq.Options.StreamOptions.RevisionOptionCase;
  const revision = () => BigInt(from.getRevision());
  let index: bigint;
  switch (from.getRevisionOptionCase()) {
    case Case.END:
      index = shape.backwards ? BigInt(length - 1) : BigInt(length);
      break;
    case Case.REVISION:
      index = shape.backwards && revision() > BigInt(length - 1) ? BigInt(length - 1) : revision();
      break;
    default:
      index = 0n;
  }
  const step = shape.backwards ? -1n : 1n;
  for (let sent = 0n; sent < shape.count && index >= 0n && index < BigInt(length); index += step, sent++) {
    if (!(await writer.write(eventResponse(events[Number(index)], shape.uuidForm)))) return;
  }
  writer.end();
}

export async function readAll(
  writer: ResponseWriter,
  log: EventLog,
  from: streams.ReadReq.Options.AllOptions,
  filter: EventFilter,
  shape: ReadShape,
): Promise<void> {
  const all = log.all;
  const length = all.length;
  const Case = streams.ReadReq.Options.AllOptions.AllOptionCase;
  let index: number;
  switch (from.getAllOptionCase()) {
    case Case.END:
      index = shape.backwards ? length - 1 : length;
      break;
    case Case.POSITION: {
      const wire = from.getPosition()!;
      const position = parsePosition(wire.getCommitPosition(), wire.getPreparePosition());
      if (!log.isReadablePosition(position)) return writer.fail(invalidPosition());
      const atOrAfter = log.firstIndexAtOrAfter(position);
      index = shape.backwards ? atOrAfter - 1 : atOrAfter;
      break;
    }
    default:
      index = shape.backwards ? -1 : 0;
  }
  const step = shape.backwards ? -1 : 1;
  for (let sent = 0n; sent < shape.count && index >= 0 && index < length; index += step) {
    const event = all[index];
    if (!filter(event)) continue;
    if (!(await writer.write(eventResponse(event, shape.uuidForm)))) return;
    sent++;
  }
  writer.end();
}
