import { Controller, Get, Param, Query, Res } from '@nestjs/common';
import { QueryBus } from '@nestjs/cqrs';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import { ApiCustomerId, ApiRead } from '../../openapi/responses';
import { AccountDetailDto, BillingProfileViewDto, CompanyProfileDto, CustomerListPageDto } from '../../openapi/schemas';
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
  @ApiRead({
    operationId: 'listCustomers',
    summary: 'List customers by friendly name',
    description: 'Pages through the customer list view in friendly-name order; `search` is a case-insensitive prefix of the friendly name or the domain.',
    type: CustomerListPageDto,
    problems: [400, 401, 403, 503],
  })
  async list(@Query() query: ListCustomersDto, @CurrentActor() actor: Actor): Promise<CustomerListPage> {
    await this.freshness.waitFor('customer-list', query.minPosition);
    return this.queries.execute(new ListCustomers(actor.partnerId, query.search, query.size ?? 50, query.continuation));
  }

  @Get(':id')
  @Requires('read')
  @ApiCustomerId()
  @ApiRead({
    operationId: 'getCustomer',
    summary: 'Get the account detail',
    description: 'The account page: breadcrumb and company info with the original tenant name, billing info with the friendly name. The ETag is the revision to send as If-Match.',
    type: AccountDetailDto,
    problems: [400, 401, 403, 404, 503],
    etag: true,
  })
  async detail(@Param('id') id: string, @Query() query: FreshnessDto, @CurrentActor() actor: Actor, @Res({ passthrough: true }) res: Response): Promise<AccountDetailView> {
    const detail = await this.accountDetail(id, query, actor);
    res.setHeader('ETag', `"${detail.revision}"`);
    return detail;
  }

  @Get(':id/profiles/company')
  @Requires('read')
  @ApiCustomerId()
  @ApiRead({
    operationId: 'getCompanyProfile',
    summary: 'Get the company profile',
    description: 'The tenant as established: original name, domain and tenant id (read-only).',
    type: CompanyProfileDto,
    problems: [400, 401, 403, 404, 503],
  })
  async companyProfile(@Param('id') id: string, @Query() query: FreshnessDto, @CurrentActor() actor: Actor): Promise<AccountDetailView['companyProfile']> {
    return (await this.accountDetail(id, query, actor)).companyProfile;
  }

  @Get(':id/profiles/billing')
  @Requires('read')
  @ApiCustomerId()
  @ApiRead({
    operationId: 'getBillingProfile',
    summary: 'Get the billing profile',
    description: 'The billing info: the friendly company name, the contact and the address. The ETag is the revision to send as If-Match.',
    type: BillingProfileViewDto,
    problems: [400, 401, 403, 404, 503],
    etag: true,
  })
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
