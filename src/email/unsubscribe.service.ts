import { Injectable, Logger } from '@nestjs/common';
import { InvalidUnsubscribeLink, UnsubscribeSubscriberGone } from './email.errors';
import { UnsubscribeLinks } from './unsubscribe-links';
import { UnsubscribeRecipient, UnsubscribeRepository } from './unsubscribe.repository';

@Injectable()
export class UnsubscribeService {
  private readonly logger = new Logger(UnsubscribeService.name);

  constructor(
    private readonly links: UnsubscribeLinks,
    private readonly repository: UnsubscribeRepository,
  ) {}

  /** Who the link is for, without changing anything (the page before the button). */
  async recipient(token: unknown): Promise<UnsubscribeRecipient> {
    const recipient = await this.repository.findRecipient(this.subscriberIdOf(token));
    if (!recipient) throw new UnsubscribeSubscriberGone();
    return recipient;
  }

  async unsubscribe(token: unknown): Promise<UnsubscribeRecipient> {
    const subscriberId = this.subscriberIdOf(token);
    const recipient = await this.repository.turnOffEmail(subscriberId);
    if (!recipient) throw new UnsubscribeSubscriberGone();
    this.logger.log({ msg: 'email consent withdrawn by unsubscribe link', subscriberId });
    return recipient;
  }

  private subscriberIdOf(token: unknown): number {
    const subscriberId = this.links.subscriberIdOf(token);
    if (subscriberId === undefined) throw new InvalidUnsubscribeLink();
    return subscriberId;
  }
}
