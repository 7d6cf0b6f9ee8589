import { Inject, Injectable, OnModuleInit } from '@nestjs/common';
import { APP_CONFIG, AppConfig } from '../config/app-config';
import { SettingsRepository } from '../settings/settings.repository';
import { unsubscribeUrl, verifyUnsubscribeToken } from './unsubscribe-token';

const SECRET_SETTING = 'unsubscribe_secret';

/** Signs unsubscribe links (the worker, for each email) and checks them (the api). */
@Injectable()
export class UnsubscribeLinks implements OnModuleInit {
  private secret?: string;

  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly settings: SettingsRepository,
  ) {}

  /** UNSUBSCRIBE_SECRET when set; else the random key kept in the database, the same for api and workers. */
  async onModuleInit(): Promise<void> {
    this.secret = this.config.unsubscribeSecret ?? (await this.settings.secret(SECRET_SETTING));
  }

  /** For OutboundMessage.unsubscribeUrl and the link in the email's footer. */
  unsubscribeUrl(subscriberId: number): string {
    return unsubscribeUrl(this.config.publicBaseUrl, subscriberId, this.key());
  }

  subscriberIdOf(token: unknown): number | undefined {
    return verifyUnsubscribeToken(token, this.key());
  }

  private key(): string {
    if (!this.secret) throw new Error('UnsubscribeLinks used before the module was initialised');
    return this.secret;
  }
}
