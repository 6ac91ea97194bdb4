import { customerStream, parseCustomerStream } from '@app/domain';
import { EventReader, Position, RecordedEvent } from '@app/event-store';
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
export async function* auditRecords(store: EventReader, scope: ExportScope): AsyncGenerator<AuditRecord> {
  const inRange = ({ occurredAt }: HistoryItem) => {
    const at = Date.parse(occurredAt);
    return (!scope.from || at >= scope.from.getTime()) && (!scope.to || at < scope.to.getTime());
  };
  if (scope.customerId) {
    const stream = customerStream(scope.partnerId, scope.customerId);
    for (let from = 0n; ; ) {
      const page = await store.readStream(stream, { fromRevision: from, maxCount: PAGE });
      for (const item of page.map(historyItem)) if (inRange(item)) yield { ...item, customerId: scope.customerId };
      if (page.length < PAGE) return;
      from = page[page.length - 1].revision + 1n;
    }
  }
  for await (const { event, customerId } of partnerEvents(store, scope.partnerId)) {
    if (!customerId) continue;
    const item = historyItem(event);
    if (inRange(item)) yield { ...item, customerId };
  }
}

/**
 * Every event under the partner's stream prefix in log order, paged, with the customer it belongs
 * to, or null for a lookalike partner's: the prefix filter alone lets partner "a" see "a-b".
 */
export async function* partnerEvents(
  store: EventReader,
  partnerId: string,
  after?: Position,
): AsyncGenerator<{ event: RecordedEvent; customerId: string | null }> {
  const filter = { streamNamePrefix: customerStream(partnerId, '') };
  for (let cursor = after; ; ) {
    const page = await store.readAll({ after: cursor, filter, maxCount: PAGE });
    for (const event of page) {
      const owner = parseCustomerStream(event.stream);
      yield { event, customerId: owner?.partnerId === partnerId ? owner.tenantId : null };
    }
    if (page.length < PAGE) return;
    cursor = page[page.length - 1].position;
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
