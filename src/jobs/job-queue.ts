import { Global, Inject, Injectable, Logger, Module, OnApplicationShutdown } from '@nestjs/common';
import { JobsOptions, Queue } from 'bullmq';
import { APP_CONFIG, AppConfig } from '../config/app-config';
import { DEFAULT_JOB_OPTIONS, QueueName } from './queues';
import { REDIS, type RedisClient } from './redis';

/** Puts jobs on the queues. Payloads carry ids only: state lives in PostgreSQL. */
@Injectable()
export class JobQueue implements OnApplicationShutdown {
  private readonly logger = new Logger(JobQueue.name);
  private readonly queues = new Map<QueueName, Queue>();

  constructor(@Inject(REDIS) private readonly redis: RedisClient, @Inject(APP_CONFIG) private readonly config: AppConfig) {}

  queue(name: QueueName): Queue {
    let q = this.queues.get(name);
    if (!q) {
      q = new Queue(name, { connection: this.redis, prefix: this.config.queuePrefix, defaultJobOptions: DEFAULT_JOB_OPTIONS });
      // Without a listener BullMQ prints the error on stderr itself; the connection's own listener
      // already logs Redis being unreachable, once.
      q.on('error', (err) => this.logger.debug({ msg: 'queue error', queue: name, err: err.message }));
      this.queues.set(name, q);
    }
    return q;
  }

  async add(queue: QueueName, name: string, data: object, opts: JobsOptions = {}): Promise<void> {
    await this.queue(queue).add(name, data, opts);
  }

  async addBulk(queue: QueueName, jobs: Array<{ name: string; data: object; opts?: JobsOptions }>): Promise<void> {
    if (jobs.length) await this.queue(queue).addBulk(jobs);
  }

  /**
   * Nothing to close: the queues hold no connection of their own (RedisModule closes the shared
   * one). Queue.close() would only drop BullMQ's listeners, and a start-up command of a queue still
   * pending then fails with nobody listening once the connection ends, which crashes the process.
   */
  onApplicationShutdown(): void {
    this.queues.clear();
  }
}

@Global()
@Module({ providers: [JobQueue], exports: [JobQueue] })
export class JobQueueModule {}

