import { Controller, Get, Param, Query } from '@nestjs/common';
import { QueryBus } from '@nestjs/cqrs';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import { Actor, ValidationError } from '@app/domain';
import { CurrentActor, Requires } from '@app/platform';
import { AccountDetailView } from '../customers/queries/account-detail.query';
import { GetAccountAsOf } from './account-as-of.query';
import { AsOfDto, AuditFeedDto, HistoryDto } from './audit.dto';
import { AuditFeedPage, GetAuditFeed } from './audit-feed.query';
import { GetCustomerHistory } from './customer-history.query';
import { HistoryItem } from './history-item';

/** Auditors' reads, straight from the event store. */
@ApiTags('audit')
@ApiBearerAuth()
@Controller('v1')
export class AuditController {
  constructor(private readonly queries: QueryBus) {}

  @Get('customers/:id/history')
  @Requires('audit')
  history(@Param('id') id: string, @Query() query: HistoryDto, @CurrentActor() actor: Actor): Promise<{ items: HistoryItem[] }> {
    return this.queries.execute(new GetCustomerHistory(actor.partnerId, id, query.fromRevision ?? 0, query.limit ?? 100));
  }

  @Get('customers/:id/as-of')
  @Requires('audit')
  asOf(@Param('id') id: string, @Query() query: AsOfDto, @CurrentActor() actor: Actor): Promise<AccountDetailView> {
    if ((query.at === undefined) === (query.revision === undefined)) {
      throw new ValidationError([{ field: 'at', message: 'give exactly one of at (ISO-8601) or revision' }]);
    }
    const until = query.at !== undefined ? { at: new Date(query.at) } : { revision: query.revision! };
    return this.queries.execute(new GetAccountAsOf(actor.partnerId, id, until));
  }

  @Get('audit/events')
  @Requires('audit')
  feed(@Query() query: AuditFeedDto, @CurrentActor() actor: Actor): Promise<AuditFeedPage> {
    return this.queries.execute(new GetAuditFeed(actor.partnerId, query.after, query.limit ?? 100, query.type));
  }
}
