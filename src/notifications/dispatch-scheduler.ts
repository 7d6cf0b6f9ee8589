import { Inject, Injectable, Logger, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { APP_CONFIG, AppConfig } from '../config/app-config';
import { JobQueue } from '../jobs/job-queue';
import { QUEUES } from '../jobs/queues';

const WATCHDOG_MS = 10_000;

/**
 * The dispatcher's heartbeat: a repeatable BullMQ job. Re-asserted every few seconds, so a
 * flushed Redis costs one watchdog interval, never the notifications (their state is in PostgreSQL).
 */
@Injectable()
export class DispatchScheduler implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(DispatchScheduler.name);
  private timer?: NodeJS.Timeout;

  constructor(@Inject(APP_CONFIG) private readonly config: AppConfig, private readonly jobs: JobQueue) {}

  async onApplicationBootstrap(): Promise<void> {
    await this.schedule();
    this.timer = setInterval(() => this.schedule().catch((err) => this.logger.warn({ msg: 'could not schedule dispatch', err })), WATCHDOG_MS);
    this.timer.unref();
  }

  onApplicationShutdown(): void {
    clearInterval(this.timer);
  }

  private async schedule(): Promise<void> {
    await this.jobs.queue(QUEUES.notifications).upsertJobScheduler(
      'dispatch-tick',
      { every: this.config.notifications.dispatchIntervalMs },
      { name: 'DispatchJob', data: {}, opts: { removeOnComplete: true, removeOnFail: 100 } },
    );
  }
}
