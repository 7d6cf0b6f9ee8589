import { Inject, Injectable, Logger, OnModuleInit, Optional } from '@nestjs/common';
import { ChannelPort, SMS_CHANNEL } from '../notifications/channel.port';
import { InboundSms } from '../sms/inbound';
import { ReceiptsService } from './receipts.service';
import { RepliesService } from './replies.service';

/** A channel that also delivers what comes back (the SMPP adapter does; recording or no-op channels do not). */
interface InboundSource {
  onInbound(handler: (event: InboundSms) => Promise<void>): void;
}

function isInboundSource(port: unknown): port is InboundSource {
  return typeof (port as Partial<InboundSource> | undefined)?.onInbound === 'function';
}

/**
 * Takes every deliver_sm from the SMS channel: receipts to ReceiptsService, replies to
 * RepliesService. The SMSC gets its deliver_sm_resp when `handle` resolves, i.e. once what the
 * event changed is committed; a rejection makes it deliver the event again.
 */
@Injectable()
export class InboundService implements OnModuleInit {
  private readonly logger = new Logger(InboundService.name);

  constructor(
    private readonly receipts: ReceiptsService,
    private readonly replies: RepliesService,
    @Optional() @Inject(SMS_CHANNEL) private readonly sms?: ChannelPort,
  ) {}

  onModuleInit(): void {
    if (isInboundSource(this.sms)) this.sms.onInbound((event) => this.handle(event));
    else this.logger.log({ msg: 'the SMS channel delivers no receipts or replies' });
  }

  async handle(event: InboundSms): Promise<void> {
    try {
      if (event.kind === 'receipt') await this.receipts.receive(event.receipt);
      else await this.replies.receive(event);
    } catch (err) {
      this.logger.warn({ msg: 'inbound SMS not stored; the SMSC will deliver it again', kind: event.kind, err });
      throw err;
    }
  }
}
