import { Module } from '@nestjs/common';
import { CallsModule } from '../calls/calls.module';
import { NotificationsModule } from '../notifications/notifications.module';
import { ImpactRepository } from './impact.repository';
import { IncidentsController } from './incidents.controller';
import { IncidentsRepository } from './incidents.repository';
import { IncidentsService } from './incidents.service';

@Module({
  imports: [CallsModule, NotificationsModule],
  controllers: [IncidentsController],
  providers: [IncidentsService, IncidentsRepository, ImpactRepository],
  exports: [IncidentsService, IncidentsRepository],
})
export class IncidentsModule {}
