import { Inject, Injectable, Module, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { APP_CONFIG, AppConfig, SmscConfig } from '../config/app-config';
import { SMS_CHANNEL } from '../notifications/channel.port';
import { NoopChannel } from '../notifications/noop.channel';
import { SmsAdapter } from './sms.adapter';
import { SmscClient } from './smsc-client';

export function createSmsAdapter(smsc: SmscConfig, name = 'smsc'): SmsAdapter {
  const client = new SmscClient({
    name,
    host: smsc.host,
    port: smsc.port,
    systemId: smsc.systemId,
    password: smsc.password,
    systemType: smsc.systemType,
    bindMode: smsc.bindMode,
    binds: smsc.binds,
    window: smsc.window,
    maxRate: smsc.maxRate,
    bindMaxRate: smsc.bindMaxRate,
    responseTimeoutMs: smsc.responseTimeoutMs,
    enquireLinkMs: smsc.enquireLinkSeconds * 1000,
    retryBudgetMs: smsc.retryBudgetSeconds * 1000,
  });
  return new SmsAdapter(client, {
    sender: smsc.sourceAddress,
    gsmDataCoding: smsc.gsmDataCoding,
    longMessages: smsc.longMessages,
    validityMinutes: smsc.validityMinutes,
  });
}

/** Binds when the process is up; after the job runner has let in-flight jobs finish, drains and unbinds. */
@Injectable()
class SmsLifecycle implements OnApplicationBootstrap, OnApplicationShutdown {
  constructor(@Inject(SMS_CHANNEL) private readonly sms: SmsAdapter) {}

  onApplicationBootstrap(): void {
    this.sms.start();
  }

  async onApplicationShutdown(): Promise<void> {
    await this.sms.stop();
  }
}

/**
 * The SMPP channel for the worker role: SMS_CHANNEL is the ChannelPort (an SmsAdapter); the
 * receipts / replies code registers itself with `onInbound`.
 */
@Module({
  providers: [{ provide: SMS_CHANNEL, useFactory: (config: AppConfig) => (config.channels === 'noop' ? new NoopChannel('sms') : createSmsAdapter(config.smsc)), inject: [APP_CONFIG] }, SmsLifecycle],
  exports: [SMS_CHANNEL],
})
export class SmsModule {}
