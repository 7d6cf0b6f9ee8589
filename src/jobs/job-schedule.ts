import { Logger } from '@nestjs/common';
import { JobQueue } from './job-queue';
import { QueueName } from './queues';

const WATCHDOG_MS = 10_000;

/**
 * Keeps one repeatable job registered in Redis. Re-asserted every few seconds, so a flushed Redis
 * costs one watchdog interval; with several workers the scheduler id keeps it one schedule.
 */
export class JobSchedule {
  private readonly logger = new Logger(JobSchedule.name);
  private timer?: NodeJS.Timeout;

  constructor(
    private readonly jobs: JobQueue,
    private readonly queue: QueueName,
    private readonly jobName: string,
    private readonly everyMs: number,
  ) {}

  async start(): Promise<void> {
    await this.upsert();
    this.timer = setInterval(
      () => this.upsert().catch((err) => this.logger.warn({ msg: 'could not schedule a repeatable job', job: this.jobName, err })),
      WATCHDOG_MS,
    );
    this.timer.unref();
  }

  stop(): void {
    clearInterval(this.timer);
  }

  private async upsert(): Promise<void> {
    await this.jobs.queue(this.queue).upsertJobScheduler(
      `${this.jobName}-tick`,
      { every: this.everyMs },
      { name: this.jobName, data: {}, opts: { removeOnComplete: true, removeOnFail: 100 } },
    );
  }
}
