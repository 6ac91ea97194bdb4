import { Controller, Get } from '@nestjs/common';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import { ApiRead } from '../openapi/responses';
import { ProjectionsDto } from '../openapi/schemas';
import { Requires } from '@app/platform';
import { ProjectionStatus, ProjectionStatusService } from '@app/read-side';

@ApiTags('operations')
@ApiBearerAuth()
@Controller('v1/projections')
export class ProjectionsController {
  constructor(private readonly status: ProjectionStatusService) {}

  /** Each projection's generation, checkpoint and lag, in events and in seconds. */
  @Get()
  @Requires('operate')
  @ApiRead({
    operationId: 'listProjections',
    summary: "Read each projection's progress",
    description: 'Generation, checkpoint, the head of the log and the lag in events and seconds, per projection.',
    type: ProjectionsDto,
    problems: [400, 401, 403],
  })
  async list(): Promise<{ items: ProjectionStatus[] }> {
    return { items: await this.status.all() };
  }
}
