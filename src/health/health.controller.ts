import { Controller, Get, Header, HttpStatus, Inject, Res } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import { Cluster } from 'ioredis';
import { InjectDataSource } from '@nestjs/typeorm';
import { Response } from 'express';
import { register } from 'prom-client';
import { DataSource } from 'typeorm';
import { Public } from '../auth/roles.decorator';
import { DomainError } from '../common/errors';
import { APP_CONFIG, AppConfig } from '../config/app-config';
import { REDIS } from '../jobs/redis.module';
import type { RedisClient } from '../jobs/redis';
import { smscHealthKey } from '../sms/sms.module';

async function check(probe: () => Promise<unknown>, timeoutMs = 2000): Promise<{ ok: boolean; ms: number; error?: string }> {
  const started = Date.now();
  let timer: NodeJS.Timeout | undefined;
  try {
    await Promise.race([probe(), new Promise((_, reject) => (timer = setTimeout(() => reject(new Error('timed out')), timeoutMs)))]);
    return { ok: true, ms: Date.now() - started };
  } catch (e) {
    return { ok: false, ms: Date.now() - started, error: (e as Error).message };
  } finally {
    clearTimeout(timer);
  }
}

@ApiTags('operations')
@Public()
@Controller()
export class HealthController {
  constructor(
    @InjectDataSource() private readonly db: DataSource,
    @Inject(REDIS) private readonly redis: RedisClient,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  /** Liveness: the process answers. */
  @Get('health')
  live() {
    return { status: 'ok' };
  }

  /** Readiness: the process can reach what it needs to do its work. */
  @Get('health/ready')
  async ready(@Res({ passthrough: true }) res: Response) {
    const [postgres, redis] = await Promise.all([
      check(() => this.db.query('SELECT 1')),
      // A PING to a client that is not connected would sit in its offline queue until Redis returns.
      check(() => (this.redis.status === 'ready' ? this.redis.ping() : Promise.reject(new Error(`connection is ${this.redis.status}`)))),
    ]);
    const ok = postgres.ok && redis.ok;
    res.status(ok ? HttpStatus.OK : HttpStatus.SERVICE_UNAVAILABLE);
    // SMSC binds belong to the workers, which report them to Redis. They are shown, but do not
    // make the api unready: an SMSC outage must not take the NOC's API out of the load balancer.
    const smsc = redis.ok ? await this.smscBinds().catch(() => undefined) : undefined;
    return { status: ok ? 'ok' : 'unavailable', checks: { postgres, redis, ...(smsc ? { smsc } : {}) } };
  }

  private async smscBinds(): Promise<{ ok: boolean; workers: number; bound: number }> {
    const keys: string[] = [];
    // A Cluster's keys are spread over its masters, each scanned on its own.
    for (const node of this.redis instanceof Cluster ? this.redis.nodes('master') : [this.redis]) {
      let cursor = '0';
      do {
        const [next, batch] = await node.scan(cursor, 'MATCH', smscHealthKey(this.config.queuePrefix, '*'), 'COUNT', 100);
        keys.push(...batch);
        cursor = next;
      } while (cursor !== '0');
    }
    const values = keys.length ? await this.redis.mget(...keys) : [];
    const bound = values.reduce((sum, v) => sum + Number(v ?? 0), 0);
    return { ok: bound > 0, workers: keys.length, bound };
  }

  @Get('metrics')
  @Header('Content-Type', register.contentType)
  metrics(): Promise<string> {
    if (!this.config.metricsEnabled) throw new DomainError('NOT_FOUND', 'no such route', 404); // API_METRICS=false
    return register.metrics();
  }
}
