import { Global, Inject, Module, OnApplicationShutdown } from '@nestjs/common';
import { APP_CONFIG, AppConfig } from '../config/app-config';
import { RedisMetrics } from './queue.metrics';
import { closeRedis, REDIS, RedisClient, redisConnection } from './redis';

export { REDIS } from './redis';

/** One shared connection for queues (producers) and health checks; workers open their own. */
@Global()
@Module({
  providers: [{ provide: REDIS, inject: [APP_CONFIG], useFactory: (c: AppConfig) => redisConnection(c.redis) }, RedisMetrics],
  exports: [REDIS],
})
export class RedisModule implements OnApplicationShutdown {
  constructor(@Inject(REDIS) private readonly redis: RedisClient) {}

  async onApplicationShutdown(): Promise<void> {
    await closeRedis(this.redis);
  }
}
