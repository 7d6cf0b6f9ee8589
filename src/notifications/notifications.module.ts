import { IncidentOwnership } from '../auth/ownership';
import { Module } from '@nestjs/common';
import { DispatcherService } from './dispatcher.service';
import { MessagesController } from './messages.controller';
import { NotificationsRepository } from './notifications.repository';
import { PlannerService } from './planner.service';

/** What both roles need: planning and dispatching (the api kicks them after an incident change). */
@Module({
  controllers: [MessagesController],
  providers: [IncidentOwnership, NotificationsRepository, PlannerService, DispatcherService],
  exports: [NotificationsRepository, PlannerService, DispatcherService],
})
export class NotificationsModule {}
