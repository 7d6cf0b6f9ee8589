import { Inject, Injectable, OnApplicationShutdown, OnModuleInit } from '@nestjs/common';
import { Gauge } from 'prom-client';
import { JobQueue } from './job-queue';
import { QUEUES, QueueName } from './queues';
import { REDIS, RedisClient } from './redis';

/** How long a scrape waits for Redis: an unreachable one must not hang /metrics. */
const SCRAPE_TIMEOUT_MS = 2000;
const STATES = ['waiting', 'active', 'delayed', 'failed'] as const;

/** Answers within the scrape's time or not at all. */
async function within<T>(work: Promise<T>): Promise<T | undefined> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<undefined>((resolve) => (timer = setTimeout(() => resolve(undefined), SCRAPE_TIMEOUT_MS)));
  try {
    return await Promise.race([work.catch(() => undefined), late]);
  } finally {
    clearTimeout(timer);
  }
}

/** Set by the process's Nest app; prom-client metrics are process-wide, so the last app to start answers. */
let counts: (() => Promise<Partial<Record<QueueName, Record<string, number>>> | undefined>) | undefined;
let redisPing: (() => Promise<boolean>) | undefined;

export const queueJobs = new Gauge({
  name: 'outage_queue_jobs',
  help: 'BullMQ jobs per queue and state (waiting, active, delayed, failed), read from Redis at scrape time (worker)',
  labelNames: ['queue', 'state'] as const,
  async collect() {
    this.reset();
    const byQueue = await counts?.();
    for (const [queue, states] of Object.entries(byQueue ?? {})) {
      for (const state of STATES) this.set({ queue, state }, states[state] ?? 0);
    }
  },
});

export const redisUp = new Gauge({
  name: 'outage_redis_up',
  help: '1 when this process reaches Redis (a PING answered within 2 s), else 0',
  async collect() {
    this.set((await redisPing?.()) ? 1 : 0);
  },
});

/** Redis reachability, in both roles. */
@Injectable()
export class RedisMetrics implements OnModuleInit, OnApplicationShutdown {
  private readonly ping = async () => this.redis.status === 'ready' && (await within(this.redis.ping())) === 'PONG';

  constructor(@Inject(REDIS) private readonly redis: RedisClient) {}

  onModuleInit(): void {
    redisPing = this.ping;
  }

  onApplicationShutdown(): void {
    if (redisPing === this.ping) redisPing = undefined;
  }
}

/** The queues' job counts, in the worker (the queues are the same for every process; dashboards take the max). */
@Injectable()
export class QueueMetrics implements OnModuleInit, OnApplicationShutdown {
  private readonly read = async () => {
    // Not connected: the commands would wait in the client's offline queue; report nothing instead.
    if (this.redis.status !== 'ready') return undefined;
    const names = Object.values(QUEUES) as QueueName[];
    const all = await within(Promise.all(names.map((q) => this.jobs.queue(q).getJobCounts(...STATES))));
    return all && Object.fromEntries(names.map((q, i) => [q, all[i]]));
  };

  constructor(private readonly jobs: JobQueue, @Inject(REDIS) private readonly redis: RedisClient) {}

  onModuleInit(): void {
    counts = this.read;
  }

  onApplicationShutdown(): void {
    if (counts === this.read) counts = undefined;
  }
}
