import { Module } from '@nestjs/common';
import { CallsModule } from '../calls/calls.module';
import { NotificationsModule } from '../notifications/notifications.module';
import { ImpactRepository } from './impact.repository';
import { IncidentsController } from './incidents.controller';
import { IncidentsRepository } from './incidents.repository';
import { IncidentsService } from './incidents.service';
import { ProgressController } from './progress.controller';
import { ProgressRepository } from './progress.repository';
import { ProgressService } from './progress.service';

@Module({
  imports: [CallsModule, NotificationsModule],
  controllers: [IncidentsController, ProgressController],
  providers: [IncidentsService, IncidentsRepository, ImpactRepository, ProgressService, ProgressRepository],
  exports: [IncidentsService, IncidentsRepository],
})
export class IncidentsModule {}
