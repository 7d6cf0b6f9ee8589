import { Inject, Injectable, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { APP_CONFIG, AppConfig } from '../config/app-config';
import { HandlesJob, JobHandler, JobResult } from '../jobs/job-handler.decorator';
import { JobQueue } from '../jobs/job-queue';
import { JobSchedule } from '../jobs/job-schedule';
import { QUEUES } from '../jobs/queues';
import { IncidentsService } from './incidents.service';

@Injectable()
@JobHandler(QUEUES.incidents)
export class StartMaintenanceJob implements HandlesJob {
  constructor(private readonly incidents: IncidentsService) {}

  async handle(): Promise<JobResult> {
    const started = await this.incidents.startDueMaintenance();
    return started.length ? { status: 'done', started } : { status: 'skipped', reason: 'no scheduled maintenance is due' };
  }
}

/** Runs StartMaintenanceJob every MAINTENANCE_START_INTERVAL_MS: one schedule however many workers. */
@Injectable()
export class MaintenanceStartScheduler implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly schedule: JobSchedule;

  constructor(@Inject(APP_CONFIG) config: AppConfig, jobs: JobQueue) {
    this.schedule = new JobSchedule(jobs, QUEUES.incidents, StartMaintenanceJob.name, config.maintenanceStartIntervalMs);
  }

  onApplicationBootstrap(): Promise<void> {
    return this.schedule.start();
  }

  onApplicationShutdown(): void {
    this.schedule.stop();
  }
}
