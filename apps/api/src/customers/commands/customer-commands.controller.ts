import { Body, Controller, Param, Post, Put, Req, Res } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
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
  constructor(private readonly commands: CommandDispatcher) {}

  @Post()
  @Requires('write')
  establish(@Body() body: EstablishCustomerDto, @Req() req: AuthenticatedRequest, @Res({ passthrough: true }) res: Response): Promise<WriteResponse> {
    return this.commands.dispatch(req, res, (m) => commands.establishCustomerRelationship(body, m), { created: true });
  }

  @Post(':id/rename')
  @Requires('write')
  rename(@Param('id') id: string, @Body() body: RenameCustomerDto, @Req() req: AuthenticatedRequest, @Res({ passthrough: true }) res: Response): Promise<WriteResponse> {
    return this.commands.dispatch(req, res, (m) => commands.renameCustomer(id, body, m));
  }

  @Put(':id/profiles/billing')
  @Requires('write')
  updateBillingProfile(@Param('id') id: string, @Body() body: BillingProfileDto, @Req() req: AuthenticatedRequest, @Res({ passthrough: true }) res: Response): Promise<WriteResponse> {
    return this.commands.dispatch(req, res, (m) => commands.updateBillingProfile(id, body, m), { ifMatchRequired: true });
  }

  @Post(':id/self-purchase/grant')
  @Requires('write')
  grantSelfPurchase(@Param('id') id: string, @Body() body: SelfPurchaseDto, @Req() req: AuthenticatedRequest, @Res({ passthrough: true }) res: Response): Promise<WriteResponse> {
    return this.commands.dispatch(req, res, (m) => commands.grantSelfPurchase(id, body, m));
  }

  @Post(':id/self-purchase/revoke')
  @Requires('write')
  revokeSelfPurchase(@Param('id') id: string, @Body() body: SelfPurchaseDto, @Req() req: AuthenticatedRequest, @Res({ passthrough: true }) res: Response): Promise<WriteResponse> {
    return this.commands.dispatch(req, res, (m) => commands.revokeSelfPurchase(id, body, m));
  }

  @Post(':id/cost-management/enable')
  @Requires('write')
  enableCostManagement(@Param('id') id: string, @Body() body: EmptyDto, @Req() req: AuthenticatedRequest, @Res({ passthrough: true }) res: Response): Promise<WriteResponse> {
    return this.commands.dispatch(req, res, (m) => commands.enableCostManagement(id, body, m));
  }

  @Post(':id/cost-management/disable')
  @Requires('write')
  disableCostManagement(@Param('id') id: string, @Body() body: EmptyDto, @Req() req: AuthenticatedRequest, @Res({ passthrough: true }) res: Response): Promise<WriteResponse> {
    return this.commands.dispatch(req, res, (m) => commands.disableCostManagement(id, body, m));
  }

  @Post(':id/personal-data/erase')
  @Requires('erase')
  @ApiOperation({
    operationId: 'erasePersonalData',
    summary: "Erase the billing contact's personal data",
    description:
      "Deletes the relationship's data key, so every stored copy of the contact's names, e-mail, phone and address lines (sealed under it) " +
      'reads as erased from then on — `null`, with `personalDataErased: true` — and appends `PersonalDataErased`. History is not rewritten: ' +
      'revisions, positions and every other field stay. Erasing again succeeds and changes nothing; a later billing update sets a new contact under a new key. ' +
      'admin-agent only; If-Match is optional.',
  })
  @ApiOkResponse({ type: WriteResultDto })
  @ApiProblems([400, 401, 403, 404, 412, 415, 422, 503])
  erasePersonalData(@Param('id') id: string, @Body() body: ErasePersonalDataDto, @Req() req: AuthenticatedRequest, @Res({ passthrough: true }) res: Response): Promise<WriteResponse> {
    return this.commands.dispatch(req, res, (m) => commands.erasePersonalData(id, body, m));
  }
}
