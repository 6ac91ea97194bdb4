/** Builds the `ReadResp` messages a read or subscription sends. */
import { randomUUID } from 'node:crypto';
import type { LogPosition } from './position';
import { shared, streams } from './proto';
import type { RecordedEvent } from './recorded-event';
import { uuidMessage, type UuidForm } from './uuid';

export function streamIdentifier(streamName: string): shared.StreamIdentifier {
  return new shared.StreamIdentifier().setStreamName(Buffer.from(streamName, 'utf8'));
}

/**
 * An event as EventStoreDB sends it: `type`, `content-type` and `created` (ticks) in the metadata
 * map, revision and $all position as strings (a 22.6+ node fills the position for stream reads too).
 */
export function eventResponse(event: RecordedEvent, uuidForm: UuidForm): streams.ReadResp {
  const recorded = new streams.ReadResp.ReadEvent.RecordedEvent()
    .setId(uuidMessage(event.id, uuidForm))
    .setStreamIdentifier(streamIdentifier(event.streamName))
    .setStreamRevision(event.revision.toString())
    .setCommitPosition(event.position.commit.toString())
    .setPreparePosition(event.position.prepare.toString())
    .setData(event.data)
    .setCustomMetadata(event.customMetadata);
  recorded
    .getMetadataMap()
    .set('type', event.type)
    .set('created', event.createdTicks.toString())
    .set('content-type', event.isJson ? 'application/json' : 'application/octet-stream');
  const readEvent = new streams.ReadResp.ReadEvent().setEvent(recorded).setCommitPosition(event.position.commit.toString());
  return new streams.ReadResp().setEvent(readEvent);
}

export function streamNotFoundResponse(streamName: string): streams.ReadResp {
  return new streams.ReadResp().setStreamNotFound(
    new streams.ReadResp.StreamNotFound().setStreamIdentifier(streamIdentifier(streamName)),
  );
}

export function confirmationResponse(subscriptionId: string = randomUUID()): streams.ReadResp {
  return new streams.ReadResp().setConfirmation(
    new streams.ReadResp.SubscriptionConfirmation().setSubscriptionId(subscriptionId),
  );
}

export function checkpointResponse(position: LogPosition): streams.ReadResp {
  return new streams.ReadResp().setCheckpoint(
    new streams.ReadResp.Checkpoint()
      .setCommitPosition(position.commit.toString())
      .setPreparePosition(position.prepare.toString()),
  );
}

export function caughtUpResponse(): streams.ReadResp {
  return new streams.ReadResp().setCaughtUp(new streams.ReadResp.CaughtUp());
}
