import { Controller, Get, Inject, Logger, Param, Query, Res } from '@nestjs/common';
import { QueryBus } from '@nestjs/cqrs';
import { ApiBearerAuth, ApiOperation, ApiProduces, ApiResponse, ApiTags } from '@nestjs/swagger';
import { ApiCorrelationHeader, ApiCustomerId, ApiProblems, ApiRead, CORRELATION } from '../openapi/responses';
import { AccountDetailDto, AuditFeedPageDto, HistoryPageDto } from '../openapi/schemas';
import { Actor, CustomerNotFound, customerStream, ValidationError } from '@app/domain';
import { CurrentActor, Requires } from '@app/platform';
import { AccountDetailView } from '../customers/queries/account-detail.query';
import { GetAccountAsOf } from './account-as-of.query';
import { AsOfDto, AuditFeedDto, ExportDto, HistoryDto } from './audit.dto';
import { auditRecords, csvHeader, csvLine, ndjsonLine } from './audit-records';
import { EventReader } from '@app/event-store';
import { OPENED_EVENT_READER } from '@app/runtime';
import type { Response } from 'express';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { AuditFeedPage, GetAuditFeed } from './audit-feed.query';
import { GetCustomerHistory } from './customer-history.query';
import { HistoryItem } from './history-item';

/** Auditors' reads, straight from the event store. */
@ApiTags('audit')
@ApiBearerAuth()
@Controller('v1')
export class AuditController {
  private readonly logger = new Logger(AuditController.name);

  constructor(
    private readonly queries: QueryBus,
    @Inject(OPENED_EVENT_READER) private readonly store: EventReader,
  ) {}

  @Get('customers/:id/history')
  @Requires('audit')
  @ApiCustomerId()
  @ApiRead({
    operationId: 'getCustomerHistory',
    summary: "Read a customer's change history",
    description: 'Every change in order, with who (actor), when (occurredAt), which command and the correlation id; straight from the event store.',
    type: HistoryPageDto,
    problems: [400, 401, 403, 404],
  })
  history(@Param('id') id: string, @Query() query: HistoryDto, @CurrentActor() actor: Actor): Promise<{ items: HistoryItem[] }> {
    return this.queries.execute(new GetCustomerHistory(actor.partnerId, id, query.fromRevision ?? 0, query.limit ?? 100));
  }

  @Get('customers/:id/as-of')
  @Requires('audit')
  @ApiCustomerId()
  @ApiRead({
    operationId: 'getCustomerAsOf',
    summary: 'Reconstruct the account as it stood',
    description: 'The account detail as of an instant (`at`) or a revision (`revision`): give exactly one. Folded from the events with the same projection as the live view.',
    type: AccountDetailDto,
    problems: [400, 401, 403, 404],
  })
  asOf(@Param('id') id: string, @Query() query: AsOfDto, @CurrentActor() actor: Actor): Promise<AccountDetailView> {
    if ((query.at === undefined) === (query.revision === undefined)) {
      throw new ValidationError([{ field: 'at', message: 'give exactly one of at (ISO-8601) or revision' }]);
    }
    const until = query.at !== undefined ? { at: new Date(query.at) } : { revision: query.revision! };
    return this.queries.execute(new GetAccountAsOf(actor.partnerId, id, until));
  }

  @Get('audit/events')
  @Requires('audit')
  @ApiRead({
    operationId: 'getAuditEvents',
    summary: "Read the partner's audit feed",
    description: "Every change to any of the partner's customers, in log order; page with `after` = the previous page's `nextAfter`.",
    type: AuditFeedPageDto,
    problems: [400, 401, 403],
  })
  feed(@Query() query: AuditFeedDto, @CurrentActor() actor: Actor): Promise<AuditFeedPage> {
    return this.queries.execute(new GetAuditFeed(actor.partnerId, query.after, query.limit ?? 100, query.type));
  }

  /** The same records as the history and feed, streamed as NDJSON or CSV for auditors' own tools. */
  @Get('audit/export')
  @Requires('audit')
  @ApiOperation({
    operationId: 'exportAudit',
    summary: 'Export audit records as NDJSON or CSV',
    description: "One customer's history (`customer`), or all the partner's changes in a time range (`from` and/or `to`), streamed as NDJSON (one record a line) or CSV.",
  })
  @ApiCorrelationHeader()
  @ApiProduces('application/x-ndjson', 'text/csv')
  @ApiResponse({
    status: 200,
    description: 'The records, streamed: NDJSON lines of the record schema, or CSV with a header row.',
    headers: CORRELATION,
    content: {
      'application/x-ndjson': { schema: { type: 'string', description: 'One JSON record (AuditRecordDto) per line.' } },
      'text/csv': { schema: { type: 'string', description: 'A header row, then one record per row.' } },
    },
  })
  @ApiProblems([400, 401, 403, 404])
  async export(@Query() query: ExportDto, @CurrentActor() actor: Actor, @Res() res: Response): Promise<void> {
    if (!query.customer && !query.from && !query.to) {
      throw new ValidationError([{ field: 'customer', message: 'give a customer, or a time range with from and/or to' }]);
    }
    const from = query.from ? new Date(query.from) : undefined;
    const to = query.to ? new Date(query.to) : undefined;
    if (from && to && from >= to) throw new ValidationError([{ field: 'to', message: 'must be after from' }]);
    if (query.customer) await this.requireCustomer(actor.partnerId, query.customer);
    const csv = query.format === 'csv';
    const records = auditRecords(this.store, { partnerId: actor.partnerId, customerId: query.customer?.toLowerCase(), from, to });
    res.status(200);
    res.setHeader('Content-Type', csv ? 'text/csv; charset=utf-8' : 'application/x-ndjson');
    res.setHeader('Content-Disposition', `attachment; filename="audit-export.${csv ? 'csv' : 'ndjson'}"`);
    async function* lines(): AsyncGenerator<string> {
      if (csv) yield csvHeader;
      for await (const record of records) yield csv ? csvLine(record) : ndjsonLine(record);
    }
    // pipeline keeps to the client's pace, stops reading the log when the client goes away, and
    // destroys the response on a store error: with the headers gone, cutting the connection is the
    // only way left to say the export is incomplete.
    await pipeline(Readable.from(lines()), res).catch((error: unknown) => {
      if (!res.writableFinished) this.logger.warn(`audit export cut short: ${(error as Error).message}`);
    });
  }

  /** Like the history: another partner's customer is answered exactly as a missing one. */
  private async requireCustomer(partnerId: string, id: string): Promise<void> {
    const first = await this.store.readStream(customerStream(partnerId, id.toLowerCase()), { maxCount: 1 });
    if (first.length === 0) throw new CustomerNotFound();
  }
}
