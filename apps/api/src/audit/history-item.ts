import { decodeCustomerEvent, EventMetadata } from '@app/domain';
import { formatPosition, RecordedEvent } from '@app/event-store';

/** One change as auditors read it: what, when, who and why. */
export interface HistoryItem {
  readonly revision: number;
  readonly position: string;
  readonly type: string;
  readonly occurredAt: string;
  readonly data: unknown;
  readonly actor: EventMetadata['actor'];
  readonly commandId: string;
  readonly correlationId: string;
}

// Decoded, not cast: a stored event of the wrong shape fails loudly rather than showing auditors a guess.
export function historyItem(recorded: RecordedEvent): HistoryItem {
  const { event, metadata } = decodeCustomerEvent(recorded);
  return {
    revision: Number(recorded.revision),
    position: formatPosition(recorded.position),
    type: event.type,
    occurredAt: metadata.occurredAt,
    data: event.data,
    actor: metadata.actor,
    commandId: metadata.commandId,
    correlationId: metadata.correlationId,
  };
}
