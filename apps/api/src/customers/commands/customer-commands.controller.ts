import { Body, Controller, Param, Post, Put, Req, Res } from '@nestjs/common';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import { ApiCustomerId, ApiWrite } from '../../openapi/responses';
import { commands } from '@app/domain';
import { AuthenticatedRequest, Requires } from '@app/platform';
import type { Response } from 'express';
import { BillingProfileDto, EmptyDto, ErasePersonalDataDto, EstablishCustomerDto, RenameCustomerDto, SelfPurchaseDto } from './command.dto';
import { CommandDispatcher } from './command-dispatcher';
import { WriteResponse } from './customer-command.handler';
import { ApiProblems } from '../../openapi/responses';
import { WriteResultDto } from '../../openapi/schemas';

/** The commands: each route only translates HTTP into a domain command. */
@ApiTags('commands')
@ApiBearerAuth()
@Controller('v1/customers')
export class CustomerCommandsController {
  constructor(private readonly dispatcher: CommandDispatcher) {}

  @Post()
  @Requires('write')
  @ApiWrite({
    operationId: 'establishCustomer',
    summary: 'Establish a relationship with a customer tenant',
    description: 'Captures the original tenant name, domain and tenant id; the friendly name starts equal to the original name. The same partner and tenant again: 409.',
    body: EstablishCustomerDto,
    examples: {
      minimal: { tenantId: '3f1c2d4e-5a6b-4c7d-8e9f-0a1b2c3d4e5f', companyName: 'Contoso Ltd', domain: 'contoso.onmicrosoft.com' },
    },
    created: true,
  })
  establish(@Body() body: EstablishCustomerDto, @Req() req: AuthenticatedRequest, @Res({ passthrough: true }) res: Response): Promise<WriteResponse> {
    return this.dispatcher.dispatch(req, res, (m) => commands.establishCustomerRelationship(body, m), { created: true });
  }

  @Post(':id/rename')
  @Requires('write')
  @ApiCustomerId()
  @ApiWrite({
    operationId: 'renameCustomer',
    summary: 'Rename the customer (its friendly name)',
    description: 'Changes the friendly name shown in the customer list and in billing info; company info and the breadcrumb keep the original tenant name.',
    body: RenameCustomerDto,
    examples: { rename: { companyName: 'Contoso (EMEA)' } },
  })
  rename(@Param('id') id: string, @Body() body: RenameCustomerDto, @Req() req: AuthenticatedRequest, @Res({ passthrough: true }) res: Response): Promise<WriteResponse> {
    return this.dispatcher.dispatch(req, res, (m) => commands.renameCustomer(id, body, m));
  }

  @Put(':id/profiles/billing')
  @Requires('write')
  @ApiCustomerId()
  @ApiWrite({
    operationId: 'updateBillingProfile',
    summary: 'Replace the billing profile',
    description: 'Replaces the whole billing profile; a different company name also renames the customer. Needs If-Match with the revision read.',
    body: BillingProfileDto,
    examples: {
      full: {
        companyName: 'Contoso (EMEA)',
        firstName: 'Ada',
        lastName: 'Lovelace',
        email: 'ada@contoso.com',
        phoneNumber: '+1 425 555 0100',
        culture: 'en-US',
        language: 'en',
        defaultAddress: { addressLine1: '1 Microsoft Way', city: 'Redmond', state: 'WA', postalCode: '98052', country: 'US' },
      },
    },
    ifMatch: 'required',
  })
  updateBillingProfile(@Param('id') id: string, @Body() body: BillingProfileDto, @Req() req: AuthenticatedRequest, @Res({ passthrough: true }) res: Response): Promise<WriteResponse> {
    return this.dispatcher.dispatch(req, res, (m) => commands.updateBillingProfile(id, body, m), { ifMatchRequired: true });
  }

  @Post(':id/self-purchase/grant')
  @Requires('write')
  @ApiCustomerId()
  @ApiWrite({
    operationId: 'grantSelfPurchase',
    summary: 'Allow the customer to buy resources on its own',
    description: 'Grants self-purchase of the given resources (all of them when `resources` is absent).',
    body: SelfPurchaseDto,
    examples: { one: { resources: ['AzureReservedInstances'] }, all: {} },
  })
  grantSelfPurchase(@Param('id') id: string, @Body() body: SelfPurchaseDto, @Req() req: AuthenticatedRequest, @Res({ passthrough: true }) res: Response): Promise<WriteResponse> {
    return this.dispatcher.dispatch(req, res, (m) => commands.grantSelfPurchase(id, body, m));
  }

  @Post(':id/self-purchase/revoke')
  @Requires('write')
  @ApiCustomerId()
  @ApiWrite({
    operationId: 'revokeSelfPurchase',
    summary: 'Stop the customer from buying resources on its own',
    description: 'Revokes self-purchase of the given resources (all of them when `resources` is absent).',
    body: SelfPurchaseDto,
    examples: { one: { resources: ['AzureSavingsPlan'] }, all: {} },
  })
  revokeSelfPurchase(@Param('id') id: string, @Body() body: SelfPurchaseDto, @Req() req: AuthenticatedRequest, @Res({ passthrough: true }) res: Response): Promise<WriteResponse> {
    return this.dispatcher.dispatch(req, res, (m) => commands.revokeSelfPurchase(id, body, m));
  }

  @Post(':id/cost-management/enable')
  @Requires('write')
  @ApiCustomerId()
  @ApiWrite({
    operationId: 'enableCostManagement',
    summary: 'Enable Azure Cost Management for the customer',
    description: 'Lets the customer see its Azure consumption at pay-as-you-go prices.',
    body: EmptyDto,
    examples: { empty: {} },
  })
  enableCostManagement(@Param('id') id: string, @Body() body: EmptyDto, @Req() req: AuthenticatedRequest, @Res({ passthrough: true }) res: Response): Promise<WriteResponse> {
    return this.dispatcher.dispatch(req, res, (m) => commands.enableCostManagement(id, body, m));
  }

  @Post(':id/cost-management/disable')
  @Requires('write')
  @ApiCustomerId()
  @ApiWrite({
    operationId: 'disableCostManagement',
    summary: 'Disable Azure Cost Management for the customer',
    description: 'Hides Azure consumption from the customer.',
    body: EmptyDto,
    examples: { empty: {} },
  })
  disableCostManagement(@Param('id') id: string, @Body() body: EmptyDto, @Req() req: AuthenticatedRequest, @Res({ passthrough: true }) res: Response): Promise<WriteResponse> {
    return this.dispatcher.dispatch(req, res, (m) => commands.disableCostManagement(id, body, m));
  }

  @Post(':id/personal-data/erase')
  @Requires('erase')
  @ApiCustomerId()
  @ApiWrite({
    operationId: 'erasePersonalData',
    summary: "Erase the billing contact's personal data",
    description:
      "Deletes the relationship's data key, so every stored copy of the contact's names, e-mail, phone and address lines (sealed under it) " +
      'reads as erased from then on — `null`, with `personalDataErased: true` — and appends `PersonalDataErased`. History is not rewritten: ' +
      'revisions, positions and every other field stay. Erasing again succeeds and changes nothing; a later billing update sets a new contact under a new key. ' +
      'admin-agent only; If-Match is optional.',
    body: ErasePersonalDataDto,
    examples: { erase: { reason: 'GDPR erasure request ticket 4711' } },
  })
  erasePersonalData(@Param('id') id: string, @Body() body: ErasePersonalDataDto, @Req() req: AuthenticatedRequest, @Res({ passthrough: true }) res: Response): Promise<WriteResponse> {
    return this.dispatcher.dispatch(req, res, (m) => commands.erasePersonalData(id, body, m));
  }
}
