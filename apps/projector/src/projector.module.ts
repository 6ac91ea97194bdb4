import { Module } from '@nestjs/common';
import { EventStoreModule } from '@app/event-store';
import { ReadSideModule } from '@app/read-side';
import { ProjectorService } from './projector.service';

@Module({
  imports: [EventStoreModule, ReadSideModule],
  providers: [ProjectorService],
  exports: [ProjectorService, EventStoreModule, ReadSideModule],
})
export class ProjectorModule {}
