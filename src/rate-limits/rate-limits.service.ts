import { Inject, Injectable, Logger, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { RateLimiterMemory, RateLimiterRedis, RateLimiterRes } from 'rate-limiter-flexible';
import { RateLimited } from '../common/errors';
import { APP_CONFIG, AppConfig, RateLimitsConfig } from '../config/app-config';
import { closeRedis, RedisClient, redisConnection } from '../jobs/redis';

export type LimitName = keyof RateLimitsConfig;

const WHAT: Record<LimitName, string> = {
  authFailures: 'too many wrong API keys from this address',
  apiRequests: 'too many requests with this API key',
  unknownCodes: 'too many unknown tracking codes or links from this address',
};

/**
 * The api's rate limits (RATE_LIMIT_*), counted in Redis so every api process shares them. Redis
 * is never waited for: the connection has no offline queue and a short command timeout, and while
 * it is unreachable each process counts in its own memory (rate-limiter-flexible's insurance
 * limiter), so a limit is then at most the configured one per process.
 */
@Injectable()
export class RateLimits implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(RateLimits.name);
  private readonly redis: RedisClient;
  private readonly limiters = new Map<LimitName, RateLimiterRedis>();

  constructor(@Inject(APP_CONFIG) config: AppConfig) {
    this.redis = redisConnection(config.redis, { enableOfflineQueue: false, maxRetriesPerRequest: 0, commandTimeout: 500 });
    for (const [name, { points, windowSeconds }] of Object.entries(config.rateLimits) as Array<[LimitName, RateLimitsConfig[LimitName]]>) {
      if (points === 0) continue;
      this.limiters.set(name, new RateLimiterRedis({
        storeClient: this.redis,
        rejectIfRedisNotReady: true,
        keyPrefix: `${config.queuePrefix}:limits:${name}`,
        points,
        duration: windowSeconds,
        insuranceLimiter: new RateLimiterMemory({ points, duration: windowSeconds }),
      }));
    }
  }

  /** Counts one against `key` (a client address, a key id); throws RateLimited once it is over its limit. */
  async consume(name: LimitName, key: string | number): Promise<void> {
    const limiter = this.limiters.get(name);
    if (!limiter) return;
    try {
      await limiter.consume(String(key));
    } catch (e) {
      if (!(e instanceof RateLimiterRes)) {
        // Neither Redis nor memory could count: serve rather than refuse.
        this.logger.warn({ msg: 'rate limit not counted', limit: name, err: (e as Error).message });
        return;
      }
      if (e.consumedPoints === limiter.points + 1) this.logger.warn({ msg: 'rate limit reached', limit: name, key: String(key) });
      const seconds = Math.max(1, Math.ceil(e.msBeforeNext / 1000));
      throw new RateLimited(`${WHAT[name]}; retry after ${seconds} s`, seconds, [{ limit: name, retryAfterSeconds: seconds }]);
    }
  }

  /**
   * Runs a public lookup by code or token. Only misses (`isMiss`) count against the client
   * address, and past RATE_LIMIT_UNKNOWN_CODES a miss is a 429 instead: a known code is never
   * refused, however many read it from one address (a carrier-grade NAT).
   */
  async lookup<T>(address: string | undefined, find: () => Promise<T>, isMiss: (e: unknown) => boolean): Promise<T> {
    try {
      return await find();
    } catch (e) {
      if (isMiss(e)) await this.consume('unknownCodes', address ?? 'unknown');
      throw e;
    }
  }

  /**
   * Gives Redis a moment (at most 2 s) before the api takes requests, so the first ones are counted
   * where every api process sees them rather than in this process's memory.
   */
  async onApplicationBootstrap(): Promise<void> {
    if (this.redis.status === 'ready') return;
    await new Promise<void>((resolve) => {
      const done = () => {
        clearTimeout(timer);
        this.redis.off('ready', done);
        resolve();
      };
      const timer = setTimeout(done, 2000);
      this.redis.once('ready', done);
    });
  }

  async onApplicationShutdown(): Promise<void> {
    await closeRedis(this.redis);
  }
}
