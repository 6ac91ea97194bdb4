import { customerStream, EventMetadata, parseCustomerStream } from '@app/domain';
import { EventStore, Position } from '@app/event-store';
import { HistoryItem, historyItem } from './history-item';

export type AuditRecord = HistoryItem & { readonly customerId: string };

export interface ExportScope {
  readonly partnerId: string;
  /** One customer's history; otherwise every customer of the partner. */
  readonly customerId?: string;
  /** Inclusive lower and exclusive upper bound on `occurredAt`. */
  readonly from?: Date;
  readonly to?: Date;
}

const PAGE = 500;

/**
 * The audit records of a scope in log order, read page by page from the event store (never the
 * views), so an export of any size streams in bounded memory.
 */
export async function* auditRecords(store: EventStore, scope: ExportScope): AsyncGenerator<AuditRecord> {
  const inRange = (metadata: EventMetadata) => {
    const at = Date.parse(metadata.occurredAt);
    return (!scope.from || at >= scope.from.getTime()) && (!scope.to || at < scope.to.getTime());
  };
  if (scope.customerId) {
    const stream = customerStream(scope.partnerId, scope.customerId);
    for (let from = 0n; ; ) {
      const page = await store.readStream(stream, { fromRevision: from, maxCount: PAGE });
      for (const event of page) if (inRange(event.metadata as EventMetadata)) yield { ...historyItem(event), customerId: scope.customerId };
      if (page.length < PAGE) return;
      from = page[page.length - 1].revision + 1n;
    }
  }
  const filter = { streamNamePrefix: customerStream(scope.partnerId, '') };
  for (let after: Position | undefined; ; ) {
    const page = await store.readAll({ after, filter, maxCount: PAGE });
    for (const event of page) {
      const owner = parseCustomerStream(event.stream);
      // The prefix filter alone would let partner "a" see partner "a-b".
      if (owner?.partnerId === scope.partnerId && inRange(event.metadata as EventMetadata)) yield { ...historyItem(event), customerId: owner.tenantId };
    }
    if (page.length < PAGE) return;
    after = page[page.length - 1].position;
  }
}

const CSV_COLUMNS = ['customerId', 'revision', 'position', 'type', 'occurredAt', 'actorSub', 'actorPartnerId', 'actorRoles', 'commandId', 'correlationId', 'data'];

export const csvHeader = `${CSV_COLUMNS.join(',')}\r\n`;

/** One RFC 4180 line; cells that a spreadsheet would run as a formula are defused with a quote. */
export function csvLine(record: AuditRecord): string {
  const cells = [
    record.customerId,
    String(record.revision),
    record.position,
    record.type,
    record.occurredAt,
    record.actor.sub,
    record.actor.partnerId,
    record.actor.roles.join(';'),
    record.commandId,
    record.correlationId,
    JSON.stringify(record.data),
  ];
  return `${cells.map(csvCell).join(',')}\r\n`;
}

function csvCell(value: string): string {
  const safe = /^[=+\-@\t\r]/.test(value) ? `'${value}` : value;
  return /[",\r\n]/.test(safe) ? `"${safe.replace(/"/g, '""')}"` : safe;
}

export function ndjsonLine(record: AuditRecord): string {
  return `${JSON.stringify(record)}\n`;
}
