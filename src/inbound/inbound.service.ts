import { Inject, Injectable, Logger, OnModuleInit, Optional } from '@nestjs/common';
import { ChannelPort, SMS_CHANNEL } from '../notifications/channel.port';
import { InboundSms } from '../sms/inbound';
import { QuarantineRepository } from './quarantine.repository';
import { Receipt, ReceiptsService } from './receipts.service';
import { RepliesService } from './replies.service';

/** A channel that also delivers what comes back (the SMPP adapter does; recording or no-op channels do not). */
interface InboundSource {
  onInbound(handler: (event: InboundSms) => Promise<void>): void;
}

function isInboundSource(port: unknown): port is InboundSource {
  return typeof (port as Partial<InboundSource> | undefined)?.onInbound === 'function';
}

/**
 * A receipt with the SMSC and bind it came on (it can only match a part that SMSC took), holding
 * what its write reads. Field by field: a spread of the parsed receipt took about 4 µs here, 3 %
 * of the worker's busy time applying receipts.
 */
const receiptOf = ({ receipt: r, smsc, bind }: Extract<InboundSms, { kind: 'receipt' }>): Receipt =>
  ({ idCandidates: r.idCandidates, state: r.state, error: r.error, final: r.final, smsc, bind });

/** Tries to store one deliver_sm before it goes to quarantine. */
export const STORE_ATTEMPTS = 3;

/**
 * Whether storing failed because of what the event holds rather than the database's state: a
 * PostgreSQL error (it has a SQLSTATE) that is not a lost connection (08), a transaction to retry
 * (40), a lack of resources (53), an operator's intervention such as a shutdown (57) or a system
 * error (58, XX). Anything else, Redis or a timeout included, is worth the SMSC's next offer.
 */
export function isPoisonError(err: unknown): boolean {
  // PostgreSQL's errors carry a severity beside the code; Node's (EPIPE …) have only a code.
  const { code, severity } = (err ?? {}) as { code?: unknown; severity?: unknown };
  if (typeof code !== 'string' || typeof severity !== 'string' || !/^[0-9A-Z]{5}$/.test(code)) return false;
  return !['08', '40', '53', '57', '58', 'XX'].includes(code.slice(0, 2));
}

/**
 * Takes every deliver_sm from the SMS channel: receipts to ReceiptsService, replies to
 * RepliesService. The SMSC gets its deliver_sm_resp when `handle` resolves, i.e. once what the
 * event changed is committed; a rejection makes it deliver the event again. An event that still
 * cannot be stored after STORE_ATTEMPTS goes to quarantine and is acknowledged: the SMSC would
 * offer it without end, and one that keeps order per bind would hold back everything behind it.
 */
@Injectable()
export class InboundService implements OnModuleInit {
  private readonly logger = new Logger(InboundService.name);

  constructor(
    private readonly receipts: ReceiptsService,
    private readonly replies: RepliesService,
    private readonly quarantine: QuarantineRepository,
    @Optional() @Inject(SMS_CHANNEL) private readonly sms?: ChannelPort,
  ) {}

  onModuleInit(): void {
    if (isInboundSource(this.sms)) this.sms.onInbound((event) => this.handle(event));
    else this.logger.log({ msg: 'the SMS channel delivers no receipts or replies' });
  }

  async handle(event: InboundSms): Promise<void> {
    for (let attempt = 1; ; attempt++) {
      try {
        if (event.kind === 'mo') await this.replies.receive(event);
        else if (attempt === 1) await this.receipts.receive(receiptOf(event));
        else await this.receipts.receiveAlone(receiptOf(event)); // not again beside the receipt that broke the batch
        return;
      } catch (err) {
        if (!isPoisonError(err)) {
          this.logger.warn({ msg: 'inbound SMS not stored; the SMSC will deliver it again', kind: event.kind, err });
          throw err;
        }
        if (attempt < STORE_ATTEMPTS) continue;
        await this.toQuarantine(event, err, attempt);
        return;
      }
    }
  }

  private async toQuarantine(event: InboundSms, cause: unknown, attempts: number): Promise<void> {
    const error = cause instanceof Error ? cause.message : String(cause);
    try {
      await this.quarantine.add(event, error, attempts);
    } catch (err) {
      this.logger.warn({ msg: 'inbound SMS not stored nor quarantined; the SMSC will deliver it again', kind: event.kind, err, cause });
      throw cause;
    }
    this.logger.error({ msg: 'inbound SMS could not be stored: quarantined and acknowledged', kind: event.kind, attempts, err: cause });
  }
}
