import { Controller, Get } from '@nestjs/common';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
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
  async list(): Promise<{ items: ProjectionStatus[] }> {
    return { items: await this.status.all() };
  }
}
