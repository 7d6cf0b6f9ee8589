import { Inject, Injectable, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { APP_CONFIG, AppConfig } from '../config/app-config';
import { JobQueue } from '../jobs/job-queue';
import { JobSchedule } from '../jobs/job-schedule';
import { QUEUES } from '../jobs/queues';

/**
 * The dispatcher's heartbeat: DispatchJob every DISPATCH_INTERVAL_MS, one schedule however many
 * workers. A flushed Redis costs one watchdog interval, never the notifications (their state is
 * in PostgreSQL).
 */
@Injectable()
export class DispatchScheduler implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly schedule: JobSchedule;

  constructor(@Inject(APP_CONFIG) config: AppConfig, jobs: JobQueue) {
    this.schedule = new JobSchedule(jobs, QUEUES.notifications, 'DispatchJob', config.notifications.dispatchIntervalMs);
  }

  onApplicationBootstrap(): Promise<void> {
    return this.schedule.start();
  }

  onApplicationShutdown(): void {
    this.schedule.stop();
  }
}
