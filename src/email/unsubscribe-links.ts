import { Inject, Injectable } from '@nestjs/common';
import { APP_CONFIG, AppConfig } from '../config/app-config';
import { unsubscribeUrl, verifyUnsubscribeToken } from './unsubscribe-token';

/** Signs unsubscribe links (the worker, for each email) and checks them (the api). */
@Injectable()
export class UnsubscribeLinks {
  constructor(@Inject(APP_CONFIG) private readonly config: AppConfig) {}

  /** For OutboundMessage.unsubscribeUrl and the link in the email's footer. */
  unsubscribeUrl(subscriberId: number): string {
    return unsubscribeUrl(this.config.publicBaseUrl, subscriberId, this.config.unsubscribeSecret);
  }

  subscriberIdOf(token: unknown): number | undefined {
    return verifyUnsubscribeToken(token, this.config.unsubscribeSecret);
  }
}
