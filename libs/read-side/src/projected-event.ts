import { decodeCustomerEvent, isCustomerEvent, parseCustomerStream } from '@app/domain';
import { positionKey, RecordedEvent } from '@app/event-store';
import { ProjectedEvent } from './views';

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
    metadata,
  };
}
