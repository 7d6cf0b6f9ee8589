import { Inject, Injectable, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { APP_CONFIG, AppConfig } from '../config/app-config';
import { HandlesJob, JobHandler, JobResult } from '../jobs/job-handler.decorator';
import { JobQueue } from '../jobs/job-queue';
import { JobSchedule } from '../jobs/job-schedule';
import { QUEUES } from '../jobs/queues';
import { RetentionService } from './retention.service';

@Injectable()
@JobHandler(QUEUES.housekeeping)
export class RetentionJob implements HandlesJob {
  constructor(private readonly retention: RetentionService) {}

  async handle(): Promise<JobResult> {
    const run = await this.retention.run();
    const { before: _before, incidents: _looked, ...removed } = run;
    return Object.values(removed).some((n) => Number(n) > 0) ? { status: 'done', ...run } : { status: 'skipped', reason: 'nothing past its retention', ...run };
  }
}

/** Runs RetentionJob every RETENTION_INTERVAL_MINUTES: one schedule however many workers. */
@Injectable()
export class RetentionScheduler implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly schedule: JobSchedule;

  constructor(@Inject(APP_CONFIG) config: AppConfig, jobs: JobQueue) {
    this.schedule = new JobSchedule(jobs, QUEUES.housekeeping, RetentionJob.name, config.retention.intervalMs);
  }

  onApplicationBootstrap(): Promise<void> {
    return this.schedule.start();
  }

  onApplicationShutdown(): void {
    this.schedule.stop();
  }
}
