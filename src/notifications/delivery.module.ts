import { Module } from '@nestjs/common';
import { CallsModule } from '../calls/calls.module';
import { EmailModule } from '../email/email.module';
import { SmsModule } from '../sms/sms.module';
import { DeliveryService } from './delivery.service';
import { DispatchScheduler } from './dispatch-scheduler';
import { DeliverEmailBatchJob, DeliverSmsBatchJob, DispatchJob, PlanIncidentJob } from './notification.jobs';
import { NotificationsModule } from './notifications.module';
import { TemplatesModule } from './templates/templates.module';

/** The worker's side: job handlers, the dispatch heartbeat, rendering and the channel adapters. */
@Module({
  imports: [NotificationsModule, TemplatesModule, SmsModule, EmailModule, CallsModule],
  providers: [DeliveryService, DispatchScheduler, PlanIncidentJob, DispatchJob, DeliverSmsBatchJob, DeliverEmailBatchJob],
})
export class DeliveryModule {}
