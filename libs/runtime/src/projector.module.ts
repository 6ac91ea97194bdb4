import { Module } from '@nestjs/common';
import { ReadSideModule } from '@app/read-side';
import { ProjectorService } from './projector.service';

@Module({
  imports: [ReadSideModule],
  providers: [ProjectorService],
  exports: [ProjectorService, ReadSideModule],
})
export class ProjectorModule {}
