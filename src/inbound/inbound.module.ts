import { Module } from '@nestjs/common';
import { CallsModule } from '../calls/calls.module';
import { SmsModule } from '../sms/sms.module';
import { InboundService } from './inbound.service';
import { QuarantineRepository } from './quarantine.repository';
import { ReceiptsRepository } from './receipts.repository';
import { ReceiptsService } from './receipts.service';
import { RepliesRepository } from './replies.repository';
import { RepliesService } from './replies.service';

/** The worker's side of what the SMSC sends back: delivery receipts and subscribers' replies. */
@Module({
  imports: [SmsModule, CallsModule],
  providers: [InboundService, QuarantineRepository, ReceiptsService, ReceiptsRepository, RepliesService, RepliesRepository],
  exports: [InboundService],
})
export class InboundModule {}
