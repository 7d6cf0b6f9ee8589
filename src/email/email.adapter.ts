import { Logger } from '@nestjs/common';
import type { SendMailOptions } from 'nodemailer';
import { maskEmail } from '../common/mask';
import { ChannelPort, DeliveryOutcome, OutboundMessage } from '../notifications/channel.port';
import { EmailIdentity, isSingleAddress, mailFor } from './email-message';
import { acceptedOutcome, failureOutcome } from './smtp-outcome';

/** What the adapter needs of a nodemailer transport (a pooled SMTP one, see createEmailTransport). */
export interface MailTransport {
  sendMail(mail: SendMailOptions): Promise<{ response?: string }>;
  close(): void;
}

export interface EmailAdapterOptions extends EmailIdentity {
  /** Messages of one batch in flight at once: the pool's connection count. */
  concurrency: number;
}

/**
 * The email channel: each message becomes one SMTP transaction on the pooled transport, a batch
 * going out `concurrency` at a time; the relay's reply decides the outcome (see failureOutcome).
 */
export class EmailAdapter implements ChannelPort {
  readonly channel = 'email' as const;
  private readonly logger = new Logger(EmailAdapter.name);
  private readonly batches = new Set<Promise<unknown>>();
  private stopping = false;

  constructor(
    private readonly transport: MailTransport,
    private readonly opts: EmailAdapterOptions,
  ) {}

  async send(batch: OutboundMessage[], deadline = Infinity): Promise<DeliveryOutcome[]> {
    if (this.stopping) return batch.map((m) => ({ messageId: m.messageId, status: 'retry', error: 'email channel is shutting down' }));
    const outcomes = new Array<DeliveryOutcome>(batch.length);
    let next = 0;
    const lane = async () => {
      for (let i = next++; i < batch.length; i = next++) {
        outcomes[i] = Date.now() > deadline ? untried(batch[i]) : await this.sendOne(batch[i]);
      }
    };
    const lanes = Promise.all(Array.from({ length: Math.min(this.opts.concurrency, batch.length) }, lane));
    this.batches.add(lanes);
    try {
      await lanes;
    } finally {
      this.batches.delete(lanes);
    }
    return outcomes;
  }

  /** Lets the batches already handed over finish (up to drainMs), then closes the pool. */
  async stop(drainMs = 10_000): Promise<void> {
    this.stopping = true;
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([Promise.allSettled([...this.batches]), new Promise((resolve) => (timer = setTimeout(resolve, drainMs)))]);
    clearTimeout(timer);
    // What is still queued in the pool now fails as "pool was closed", which comes back as retry.
    this.transport.close();
  }

  private async sendOne(m: OutboundMessage): Promise<DeliveryOutcome> {
    if (!isSingleAddress(m.to)) return { messageId: m.messageId, status: 'failed', error: 'InvalidAddress: not a single email address' };
    try {
      const info = await this.transport.sendMail(mailFor(m, this.opts));
      return acceptedOutcome(m.messageId, info.response);
    } catch (e) {
      const outcome = failureOutcome(m.messageId, e);
      this.logger.debug({ msg: 'email not accepted', ...outcome, to: maskEmail(m.to) });
      return outcome;
    }
  }
}

const untried = (m: OutboundMessage): DeliveryOutcome => ({ messageId: m.messageId, status: 'retry', error: 'batch deadline passed', untried: true });
