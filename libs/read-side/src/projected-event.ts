import { CustomerEvent, EventMetadata, isCustomerEvent, parseCustomerStream } from '@app/domain';
import { positionKey, RecordedEvent } from '@app/event-store';
import { ProjectedEvent } from './views';

/** A stored event as the projections read it, or null for what is not a customer event. */
export function toProjectedEvent(recorded: RecordedEvent): ProjectedEvent | null {
  const owner = parseCustomerStream(recorded.stream);
  const event = { type: recorded.type, data: recorded.data };
  if (!owner || !isCustomerEvent(event)) return null;
  return {
    event: event as CustomerEvent,
    partnerId: owner.partnerId,
    tenantId: owner.tenantId,
    revision: Number(recorded.revision),
    position: positionKey(recorded.position),
    metadata: recorded.metadata as EventMetadata,
  };
}
