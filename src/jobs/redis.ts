import { Logger } from '@nestjs/common';
import IORedis, { RedisOptions } from 'ioredis';

const logger = new Logger('Redis');

/** BullMQ needs maxRetriesPerRequest: null on connections used by workers. */
export function redisConnection(url: string, opts: RedisOptions = {}): IORedis {
  const client = new IORedis(url, { maxRetriesPerRequest: null, enableReadyCheck: true, lazyConnect: false, ...opts });
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
export async function closeRedis(client: IORedis, timeoutMs = 3000): Promise<void> {
  if (client.status === 'ready') {
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<void>((resolve) => (timer = setTimeout(resolve, timeoutMs)));
    await Promise.race([client.quit().catch(() => undefined), timeout]);
    clearTimeout(timer);
  }
  client.disconnect();
}
