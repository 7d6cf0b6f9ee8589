import { BeforeApplicationShutdown, Inject, Injectable, Logger, OnApplicationBootstrap, Optional } from '@nestjs/common';
import { DiscoveryService } from '@nestjs/core';
import { Job, Worker } from 'bullmq';
import { settledWithin } from '../common/deadline';
import { APP_CONFIG, AppConfig } from '../config/app-config';
import { HandlesJob, JOB_HANDLER, JobHandlerMeta } from './job-handler.decorator';
import { JOBS, QUEUES, QueueName } from './queues';
import { closeRedis, RedisClient, redisConnection } from './redis';

/** Which jobs each queue must have a handler for; JOBS unless a module (a test) provides its own. */
export const EXPECTED_JOBS = Symbol('EXPECTED_JOBS');

/** Finds every @JobHandler, checks that each job has exactly one, and runs a BullMQ worker per queue. */
export function buildHandlerTable(
  handlers: Array<{ meta: JobHandlerMeta; instance: HandlesJob }>,
  expected: Record<string, readonly string[]> = JOBS,
): Map<string, Map<string, HandlesJob>> {
  const table = new Map<string, Map<string, HandlesJob>>();
  for (const { meta, instance } of handlers) {
    const byName = table.get(meta.queue) ?? new Map<string, HandlesJob>();
    if (byName.has(meta.name)) throw new Error(`job ${meta.queue}/${meta.name} has two handlers`);
    if (!expected[meta.queue]?.includes(meta.name)) throw new Error(`job ${meta.queue}/${meta.name} is not listed in JOBS`);
    byName.set(meta.name, instance);
    table.set(meta.queue, byName);
  }
  for (const [queue, names] of Object.entries(expected)) {
    for (const name of names) {
      if (!table.get(queue)?.has(name)) throw new Error(`job ${queue}/${name} has no handler`);
    }
  }
  return table;
}

@Injectable()
export class JobRunner implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger(JobRunner.name);
  private readonly workers: Array<{ worker: Worker; connection: RedisClient }> = [];
  private readonly inFlight = new Set<Promise<unknown>>();

  constructor(
    private readonly discovery: DiscoveryService,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @Optional() @Inject(EXPECTED_JOBS) private readonly expected: Record<string, readonly string[]> = JOBS,
  ) {}

  onApplicationBootstrap(): void {
    const handlers = this.discovery
      .getProviders()
      .filter((w) => w.metatype && w.instance && Reflect.getMetadata(JOB_HANDLER, w.metatype))
      .map((w) => ({ meta: Reflect.getMetadata(JOB_HANDLER, w.metatype!) as JobHandlerMeta, instance: w.instance as HandlesJob }));
    const table = buildHandlerTable(handlers, this.expected);
    const taken = [...table.keys()].filter((q) => this.config.workerQueues?.includes(q as QueueName) ?? true);
    for (const [queue, byName] of table) {
      if (!taken.includes(queue)) continue;
      const connection = redisConnection(this.config.redis);
      const worker = new Worker(queue, (job: Job) => this.run(queue as QueueName, byName, job), {
        connection,
        prefix: this.config.queuePrefix,
        concurrency: queue === QUEUES.emailDeliveries ? this.config.emailWorkerConcurrency : this.config.workerConcurrency,
      });
      worker.on('failed', (job, err) => this.logger.warn({ msg: 'job failed', queue, job: job?.name, jobId: job?.id, err }));
      // Without a listener an 'error' event (Redis gone) would be thrown and kill the process.
      worker.on('error', (err) => this.logger.error({ msg: 'worker error', queue, err }));
      this.workers.push({ worker, connection });
    }
    this.logger.log({ msg: 'worker started', queues: taken });
  }

  private async run(queue: QueueName, byName: Map<string, HandlesJob>, job: Job) {
    const handler = byName.get(job.name);
    if (!handler) throw new Error(`no handler for ${queue}/${job.name}`);
    const started = Date.now();
    const running = handler.handle(job.data);
    this.inFlight.add(running);
    try {
      const result = await running;
      this.logger.debug({ msg: 'job finished', queue, job: job.name, jobId: job.id, ms: Date.now() - started, ...result });
      return result;
    } finally {
      this.inFlight.delete(running);
    }
  }

  /**
   * Lets in-flight jobs finish, then closes the connections. Runs before every module's
   * onApplicationShutdown, so whatever a running job uses (pools, SMSC / SMTP sessions of
   * other modules) is still open until it is done, whatever order those modules close in.
   */
  async beforeApplicationShutdown(): Promise<void> {
    // Take no new jobs, give the running ones the grace period, then close without waiting: a job
    // still stuck is abandoned: closing the database pool ends its transaction and another worker redoes its batch.
    await Promise.all(this.workers.map(({ worker }) => worker.pause(true)));
    let timer: NodeJS.Timeout | undefined;
    const grace = new Promise<'late'>((resolve) => (timer = setTimeout(() => resolve('late'), this.config.shutdownGraceSeconds * 1000)));
    const outcome = await Promise.race([Promise.allSettled([...this.inFlight]), grace]);
    clearTimeout(timer);
    if (outcome === 'late') this.logger.warn({ msg: 'jobs still running after the grace period were abandoned', jobs: this.inFlight.size });
    await Promise.all(this.workers.map(({ worker, connection }) => this.closeWorker(worker, connection)));
    this.workers.length = 0;
  }

  /**
   * Closes a worker, then its connection, but never the connection while the worker's fetch loop
   * still runs: BullMQ retries a failed "next run of a job scheduler" without a pause once the
   * worker is closing, and on a closed connection every retry fails at once, a microtask loop that
   * holds a core and starves every timer (seen: jest hung for 12 minutes). close() without force
   * waits for that loop to end; with Redis down, or a job stuck past the grace period, it cannot:
   * after a bound the connection is left open (its commands wait, they do not spin) until the
   * worker closes after all, or the process exits. A worker that never reached Redis leaves its
   * connection to the process exit too.
   */
  private async closeWorker(worker: Worker, connection: RedisClient): Promise<void> {
    // A worker closed before its start-up commands were answered drops BullMQ's listeners, and
    // their failure when the connection ends would crash the process: let them finish first.
    const started = await settledWithin(worker.waitUntilReady(), WORKER_CLOSE_MS);
    // BullMQ does not close a connection it was given.
    const closing = worker.close().then(async () => {
      if (started) await closeRedis(connection);
      await endStalledCheckerSleep(worker);
    });
    if (!(await settledWithin(closing, WORKER_CLOSE_MS))) {
      this.logger.warn({ msg: 'worker did not close in time; its Redis connection closes when it does, or with the process', queue: worker.name });
    }
  }
}

/** How long a worker may take to close once its jobs are done or abandoned. */
const WORKER_CLOSE_MS = 3000;

/**
 * BullMQ's stalled-job checker sleeps `stalledInterval` (30 s) on a timer that keeps the process
 * alive. A worker closed while a check is in flight (typically one closed soon after it started)
 * begins that sleep after close() has returned, and the process cannot exit for 30 s
 * (taskforcesh/bullmq#2650, still so in 6.x). Once the check is over, end the sleep; bounded to a second.
 */
async function endStalledCheckerSleep(worker: Worker): Promise<void> {
  const checker = worker as unknown as { stalledCheckerRunning?: boolean; stalledCheckStopper?: () => void };
  for (let tries = 0; checker.stalledCheckerRunning && tries < 100; tries++) {
    checker.stalledCheckStopper?.();
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}
