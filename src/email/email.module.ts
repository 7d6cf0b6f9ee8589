import { Inject, Injectable, Module, OnApplicationShutdown } from '@nestjs/common';
import { APP_CONFIG, AppConfig, SmtpConfig } from '../config/app-config';
import { EMAIL_CHANNEL } from '../notifications/channel.port';
import { NoopChannel } from '../notifications/noop.channel';
import { EmailAdapter } from './email.adapter';
import { SettingsRepository } from '../settings/settings.repository';
import { UnsubscribeLinks } from './unsubscribe-links';
import { MESSAGES_PER_OPEN_CONNECTION, SmtpPool } from './smtp-pool';

export function createEmailAdapter(smtp: SmtpConfig): EmailAdapter {
  return new EmailAdapter(new SmtpPool(smtp), {
    from: smtp.from, messageIdDomain: smtp.messageIdDomain, concurrency: smtp.poolSize * MESSAGES_PER_OPEN_CONNECTION, relayWaitMs: smtp.relayWaitSeconds * 1000,
  });
}

/** After the job runner has let in-flight jobs finish, lets the last sends end and closes the pool. */
@Injectable()
class EmailLifecycle implements OnApplicationShutdown {
  constructor(@Inject(EMAIL_CHANNEL) private readonly email: EmailAdapter) {}

  async onApplicationShutdown(): Promise<void> {
    await this.email.stop();
  }
}

/**
 * The SMTP channel for the worker role: EMAIL_CHANNEL is the ChannelPort (an EmailAdapter);
 * UnsubscribeLinks makes the List-Unsubscribe / body link for a subscriber.
 */
@Module({
  providers: [
    { provide: EMAIL_CHANNEL, useFactory: (config: AppConfig) => (config.channels === 'noop' ? new NoopChannel('email') : createEmailAdapter(config.smtp)), inject: [APP_CONFIG] },
    EmailLifecycle,
    UnsubscribeLinks,
    SettingsRepository,
  ],
  exports: [EMAIL_CHANNEL, UnsubscribeLinks],
})
export class EmailModule {}
