import { Module } from '@nestjs/common';
import { MaintenanceStartScheduler, StartMaintenanceJob } from './incident.jobs';
import { IncidentsModule } from './incidents.module';

/** The worker's side of incidents: changes that come with time (scheduled maintenance starting). */
@Module({
  imports: [IncidentsModule],
  providers: [StartMaintenanceJob, MaintenanceStartScheduler],
})
export class IncidentsWorkerModule {}
