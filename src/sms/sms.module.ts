import { Inject, Injectable, Module, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { hostname } from 'os';
import { REDIS } from '../jobs/redis.module';
import type { RedisClient } from '../jobs/redis';
import { APP_CONFIG, AppConfig, DEFAULT_SMSC, SmscConfig, SmscRoute } from '../config/app-config';
import { QUEUES } from '../jobs/queues';
import { SMS_CHANNEL } from '../notifications/channel.port';
import { NoopChannel } from '../notifications/noop.channel';
import { SmsAdapter } from './sms.adapter';
import { SmsRouter } from './sms-router';
import { SmscClient } from './smsc-client';

/**
 * `sends` false: a worker that takes no SMS deliveries (WORKER_QUEUES without deliveries-sms) opens
 * only the receive-only binds, so receipts and replies can be applied off the sending workers' cores.
 */
export function createSmsAdapter(smsc: SmscConfig, name = DEFAULT_SMSC, sends = true): SmsAdapter {
  const client = new SmscClient({
    name,
    host: smsc.host,
    port: smsc.port,
    systemId: smsc.systemId,
    password: smsc.password,
    systemType: smsc.systemType,
    bindMode: smsc.bindMode,
    binds: sends ? smsc.binds : 0,
    receiverBinds: smsc.receiverBinds,
    window: smsc.window,
    maxRate: smsc.maxRate,
    bindMaxRate: smsc.bindMaxRate,
    responseTimeoutMs: smsc.responseTimeoutMs,
    enquireLinkMs: smsc.enquireLinkSeconds * 1000,
    retryBudgetMs: smsc.retryBudgetSeconds * 1000,
    plainTextReceipts: smsc.plainTextReceipts,
  });
  return new SmsAdapter(client, {
    sender: smsc.sourceAddress,
    gsmDataCoding: smsc.gsmDataCoding,
    longMessages: smsc.longMessages,
    validityMinutes: smsc.validityMinutes,
  });
}

/** One SmsAdapter per configured SMSC, behind the router that picks one per text. */
export function createSmsRouter(routes: SmscRoute[], sends = true): SmsRouter {
  return new SmsRouter(routes.map((r) => ({ name: r.name, prefixes: r.prefixes, weight: r.weight, adapter: createSmsAdapter(r, r.name, sends) })));
}

const takesSmsDeliveries = (config: AppConfig) => config.workerQueues?.includes(QUEUES.smsDeliveries) ?? true;

/** Where each worker reports its SMSC binds for the api's readiness page. */
export const smscHealthKey = (prefix: string, worker = `${hostname()}:${process.pid}`) => `${prefix}:health:smsc:${worker}`;
const REPORT_MS = 5000;

/**
 * Binds when the process is up; after the job runner has let in-flight jobs finish, drains and
 * unbinds. Meanwhile reports the bound count to Redis (expiring), since the api holds no binds.
 */
@Injectable()
class SmsLifecycle implements OnApplicationBootstrap, OnApplicationShutdown {
  private timer?: NodeJS.Timeout;

  constructor(
    @Inject(SMS_CHANNEL) private readonly sms: SmsRouter,
    @Inject(REDIS) private readonly redis: RedisClient,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  onApplicationBootstrap(): void {
    this.sms.start();
    if (typeof this.sms.boundBinds !== 'number') return; // CHANNELS=noop: nothing to report
    if (!takesSmsDeliveries(this.config)) return; // receive-only: readiness counts the binds that send
    const report = () =>
      this.redis.set(smscHealthKey(this.config.queuePrefix), String(this.sms.boundBinds), 'PX', REPORT_MS * 3).catch(() => undefined);
    this.timer = setInterval(report, REPORT_MS);
    this.timer.unref();
    void report();
  }

  async onApplicationShutdown(): Promise<void> {
    clearInterval(this.timer);
    await this.redis.del(smscHealthKey(this.config.queuePrefix)).catch(() => undefined);
    await this.sms.stop();
  }
}

/**
 * The SMPP channel for the worker role: SMS_CHANNEL is the ChannelPort (an SmsRouter over one SmsAdapter per SMSC); the
 * receipts / replies code registers itself with `onInbound`.
 */
@Module({
  providers: [{ provide: SMS_CHANNEL, useFactory: (config: AppConfig) => (config.channels === 'noop' ? new NoopChannel('sms') : createSmsRouter(config.smscRoutes, takesSmsDeliveries(config))), inject: [APP_CONFIG] }, SmsLifecycle],
  exports: [SMS_CHANNEL],
})
export class SmsModule {}
