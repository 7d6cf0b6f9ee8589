import IORedis, { RedisOptions } from 'ioredis';

/** BullMQ needs maxRetriesPerRequest: null on connections used by workers. */
export function redisConnection(url: string, opts: RedisOptions = {}): IORedis {
  return new IORedis(url, { maxRetriesPerRequest: null, enableReadyCheck: true, lazyConnect: false, ...opts });
}
