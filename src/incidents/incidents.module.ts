import { Module } from '@nestjs/common';
import { CallsModule } from '../calls/calls.module';
import { ImpactRepository } from './impact.repository';
import { IncidentsController } from './incidents.controller';
import { IncidentsRepository } from './incidents.repository';
import { IncidentsService } from './incidents.service';

@Module({
  imports: [CallsModule],
  controllers: [IncidentsController],
  providers: [IncidentsService, IncidentsRepository, ImpactRepository],
  exports: [IncidentsService, IncidentsRepository],
})
export class IncidentsModule {}
