import { Controller, Get, Header, HttpStatus, Inject, Res } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import { InjectDataSource } from '@nestjs/typeorm';
import { Response } from 'express';
import IORedis from 'ioredis';
import { register } from 'prom-client';
import { DataSource } from 'typeorm';
import { Public } from '../auth/roles.decorator';
import { REDIS } from '../jobs/redis.module';

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
  constructor(@InjectDataSource() private readonly db: DataSource, @Inject(REDIS) private readonly redis: IORedis) {}

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
    return { status: ok ? 'ok' : 'unavailable', checks: { postgres, redis } };
  }

  @Get('metrics')
  @Header('Content-Type', register.contentType)
  metrics(): Promise<string> {
    return register.metrics();
  }
}
