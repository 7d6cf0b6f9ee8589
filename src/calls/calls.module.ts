import { IncidentOwnership } from '../auth/ownership';
import { Module } from '@nestjs/common';
import { CallListRepository } from './call-list.repository';
import { CallsController } from './calls.controller';
import { CallsService } from './calls.service';

@Module({
  controllers: [CallsController],
  providers: [IncidentOwnership, CallsService, CallListRepository],
  exports: [CallListRepository],
})
export class CallsModule {}
