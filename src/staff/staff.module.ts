import { Module } from '@nestjs/common';
import { AreasModule } from '../areas/areas.module';
import { IncidentsModule } from '../incidents/incidents.module';
import { StaffController } from './staff.controller';
import { StaffRepository } from './staff.repository';
import { StaffService } from './staff.service';

@Module({
  imports: [AreasModule, IncidentsModule],
  controllers: [StaffController],
  providers: [StaffService, StaffRepository],
  exports: [StaffRepository],
})
export class StaffModule {}
