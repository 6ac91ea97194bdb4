import { EventMetadata } from '@app/domain';
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

export function historyItem(event: RecordedEvent): HistoryItem {
  const metadata = event.metadata as EventMetadata;
  return {
    revision: Number(event.revision),
    position: formatPosition(event.position),
    type: event.type,
    occurredAt: metadata.occurredAt,
    data: event.data,
    actor: metadata.actor,
    commandId: metadata.commandId,
    correlationId: metadata.correlationId,
  };
}
