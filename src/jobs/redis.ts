import { Logger } from '@nestjs/common';
import IORedis, { Cluster, RedisOptions } from 'ioredis';
import type { RedisTarget } from '../config/app-config';

const logger = new Logger('Redis');

/** A connection to one server or a Sentinel's master (IORedis), or to a Cluster. */
export type RedisClient = IORedis | Cluster;

/** Nest token of the shared connection (see RedisModule). */
export const REDIS = Symbol('REDIS');

/**
 * A connection to the configured Redis (a URL alone means one server). BullMQ needs
 * maxRetriesPerRequest: null on connections used by workers; on a Cluster it goes in the
 * options of each node's connection.
 */
export function redisConnection(target: RedisTarget | string, opts: RedisOptions = {}): RedisClient {
  const t: RedisTarget = typeof target === 'string' ? { mode: 'single', url: target } : target;
  const base: RedisOptions = { maxRetriesPerRequest: null, enableReadyCheck: true, lazyConnect: false, ...opts };
  const client =
    t.mode === 'cluster'
      ? new Cluster(t.nodes, { redisOptions: { ...base, password: t.password }, enableReadyCheck: true, lazyConnect: false })
      : t.mode === 'sentinel'
        ? new IORedis({ ...base, sentinels: t.sentinels, name: t.name, password: t.password, sentinelPassword: t.sentinelPassword })
        : new IORedis(t.url, base);
  // Without a listener ioredis prints "Unhandled error event" on every reconnect attempt; log
  // each distinct failure once instead, and the recovery.
  let lastError: string | undefined;
  client.on('error', (err: Error) => {
    if (err.message === lastError) return;
    lastError = err.message;
    logger.warn({ msg: 'redis connection error', err: err.message });
  });
  client.on('ready', () => {
    if (lastError !== undefined) logger.log({ msg: 'redis connection restored' });
    lastError = undefined;
  });
  return client;
}

/**
 * Closes a connection without hanging: QUIT is only sent to a live server (on a dead one it
 * would wait in the offline queue forever), and is given a few seconds.
 */
export async function closeRedis(client: RedisClient, timeoutMs = 3000): Promise<void> {
  if (client.status === 'ready') {
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<void>((resolve) => (timer = setTimeout(resolve, timeoutMs)));
    await Promise.race([client.quit().catch(() => undefined), timeout]);
    clearTimeout(timer);
  }
  client.disconnect();
}
