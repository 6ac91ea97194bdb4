import { Controller, Get, Param, Query, Res } from '@nestjs/common';
import { QueryBus } from '@nestjs/cqrs';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import { Actor } from '@app/domain';
import { CurrentActor, Requires } from '@app/platform';
import type { Response } from 'express';
import { AccountDetailView, GetAccountDetail } from './account-detail.query';
import { CustomerListPage, ListCustomers } from './list-customers.query';
import { FreshnessDto, ListCustomersDto } from './query.dto';
import { ViewFreshness } from './view-freshness';

/** Dashboards' reads, served from the projected views. */
@ApiTags('queries')
@ApiBearerAuth()
@Controller('v1/customers')
export class CustomerQueriesController {
  constructor(
    private readonly queries: QueryBus,
    private readonly freshness: ViewFreshness,
  ) {}

  @Get()
  @Requires('read')
  async list(@Query() query: ListCustomersDto, @CurrentActor() actor: Actor): Promise<CustomerListPage> {
    await this.freshness.waitFor('customer-list', query.minPosition);
    return this.queries.execute(new ListCustomers(actor.partnerId, query.search, query.size ?? 50, query.continuation));
  }

  @Get(':id')
  @Requires('read')
  async detail(@Param('id') id: string, @Query() query: FreshnessDto, @CurrentActor() actor: Actor, @Res({ passthrough: true }) res: Response): Promise<AccountDetailView> {
    const detail = await this.accountDetail(id, query, actor);
    res.setHeader('ETag', `"${detail.revision}"`);
    return detail;
  }

  @Get(':id/profiles/company')
  @Requires('read')
  async companyProfile(@Param('id') id: string, @Query() query: FreshnessDto, @CurrentActor() actor: Actor): Promise<AccountDetailView['companyProfile']> {
    return (await this.accountDetail(id, query, actor)).companyProfile;
  }

  @Get(':id/profiles/billing')
  @Requires('read')
  async billingProfile(@Param('id') id: string, @Query() query: FreshnessDto, @CurrentActor() actor: Actor, @Res({ passthrough: true }) res: Response): Promise<AccountDetailView['billingProfile']> {
    const detail = await this.accountDetail(id, query, actor);
    res.setHeader('ETag', `"${detail.revision}"`);
    return detail.billingProfile;
  }

  private async accountDetail(id: string, query: FreshnessDto, actor: Actor): Promise<AccountDetailView> {
    await this.freshness.waitFor('account-detail', query.minPosition);
    return this.queries.execute(new GetAccountDetail(actor.partnerId, id));
  }
}
