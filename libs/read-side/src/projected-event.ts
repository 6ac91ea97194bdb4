import { CUSTOMER_STREAM_PREFIX, decodeCustomerEvent, isCustomerEvent, parseCustomerStream } from '@app/domain';
import { AllFilter, positionKey, RecordedEvent } from '@app/event-store/core';
import { ProjectedEvent } from './views';

/**
 * The part of the log the projections read: the customers' streams. The live runner, the rebuild
 * and the lag the status reports all read this same part.
 */
export const PROJECTED_STREAMS: AllFilter = { streamNamePrefix: CUSTOMER_STREAM_PREFIX };

/**
 * A stored event as the projections read it, or null for what is not theirs: another stream
 * category, or a type this release does not know. A known type of the wrong shape throws.
 */
export function toProjectedEvent(recorded: RecordedEvent): ProjectedEvent | null {
  const owner = parseCustomerStream(recorded.stream);
  if (!owner || !isCustomerEvent(recorded)) return null;
  const { event, metadata } = decodeCustomerEvent(recorded);
  return {
    event,
    partnerId: owner.partnerId,
    tenantId: owner.tenantId,
    revision: Number(recorded.revision),
    position: positionKey(recorded.position),
    eventId: recorded.id,
    metadata,
  };
}

/** A projections' event that cannot be decoded (a known type of the wrong shape): each projection parks it. */
export interface UndecodableEvent {
  readonly undecodable: RecordedEvent;
  readonly error: unknown;
}

/** What the runner folds: an event, one to park, or null for what is not the projections'. */
export type DecodedEvent = ProjectedEvent | UndecodableEvent | null;

/** `toProjectedEvent`, but an event of the wrong shape is handed on to be parked instead of stopping the projections. */
export function decodeForProjections(recorded: RecordedEvent): DecodedEvent {
  try {
    return toProjectedEvent(recorded);
  } catch (error) {
    return { undecodable: recorded, error };
  }
}
