import { Logger } from '@nestjs/common';
import { maskEmail } from '../common/mask';
import { ChannelPort, DeliveryOutcome, OutboundMessage } from '../notifications/channel.port';
import { composedMail, EmailIdentity, isSingleAddress } from './email-message';
import { EmailMime } from './email-mime';
import { smtpRelayUnreachable, smtpRelayWaits, smtpSendSeconds } from './email.metrics';
import { acceptedOutcome, failureOutcome, relayUnreachable } from './smtp-outcome';
import { MailSender, SmtpEnvelope } from './smtp-pool';

/** Pause between attempts to reach a relay that is not there: 1 s, doubling to 10 s. */
const RELAY_RETRY_MS = 1000;
const RELAY_RETRY_MAX_MS = 10_000;

export interface EmailAdapterOptions extends EmailIdentity {
  /** Messages of one batch in flight at once: what the pool carries at once (SMTP_POOL_SIZE × MESSAGES_PER_OPEN_CONNECTION). */
  concurrency: number;
  /**
   * How long a batch waits for an unreachable relay (refused, reset, timed out, not resolvable)
   * before handing its messages back untried: an outage of the relay is nobody's attempt.
   */
  relayWaitMs: number;
}

/**
 * The email channel: each message becomes one SMTP transaction on the pool (SmtpPool), a batch
 * going out `concurrency` at a time; the relay's reply decides the outcome (see failureOutcome).
 */
export class EmailAdapter implements ChannelPort {
  readonly channel = 'email' as const;
  private readonly logger = new Logger(EmailAdapter.name);
  private readonly batches = new Set<Promise<unknown>>();
  private stopping = false;
  private readonly mime: EmailMime;

  constructor(
    private readonly transport: MailSender,
    private readonly opts: EmailAdapterOptions,
  ) {
    this.mime = new EmailMime(opts);
  }

  async send(batch: OutboundMessage[], deadline = Infinity): Promise<DeliveryOutcome[]> {
    if (this.stopping) return batch.map((m) => ({ messageId: m.messageId, status: 'retry', error: 'email channel is shutting down' }));
    const outcomes = new Array<DeliveryOutcome>(batch.length);
    // Once the relay has been waited for long enough, the rest of the batch goes back without knocking again.
    const relay: RelayWait = { until: Math.min(deadline, Date.now() + this.opts.relayWaitMs), gaveUp: null, waited: false };
    let next = 0;
    const lane = async () => {
      for (let i = next++; i < batch.length; i = next++) {
        if (Date.now() > deadline) outcomes[i] = untried(batch[i], 'batch deadline passed');
        else if (relay.gaveUp) outcomes[i] = untried(batch[i], relay.gaveUp);
        else outcomes[i] = await this.sendOne(batch[i], relay);
      }
    };
    const lanes = Promise.all(Array.from({ length: Math.min(this.opts.concurrency, batch.length) }, lane));
    this.batches.add(lanes);
    try {
      await lanes;
    } finally {
      this.batches.delete(lanes);
    }
    if (relay.waited) smtpRelayWaits.inc({ outcome: relay.gaveUp ? 'gave_up' : 'reached' });
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

  /** One SMTP transaction, timed, with the relay's reachability kept up to date. */
  private async timed<T>(transaction: () => Promise<T>): Promise<T> {
    const end = smtpSendSeconds.startTimer();
    let error: unknown;
    try {
      return await transaction();
    } catch (e) {
      error = e ?? new Error('failed');
      throw e;
    } finally {
      const result = sendResult(error);
      end({ result });
      smtpRelayUnreachable.set(result === 'unreachable' ? 1 : 0);
    }
  }

  private async sendOne(m: OutboundMessage, relay: RelayWait): Promise<DeliveryOutcome> {
    if (!isSingleAddress(m.to)) return { messageId: m.messageId, status: 'failed', error: 'InvalidAddress: not a single email address' };
    // Our own MIME (see EmailMime); an international address goes through nodemailer's composer.
    const mail: { envelope: SmtpEnvelope; raw: string | Buffer } = EmailMime.canBuild(m)
      ? { envelope: { from: this.mime.sender, to: [m.to] }, raw: this.mime.build(m) }
      : await composedMail(m, this.opts);
    for (let pause = RELAY_RETRY_MS; ; pause = Math.min(pause * 2, RELAY_RETRY_MAX_MS)) {
      try {
        const info = await this.timed(() => this.transport.send(mail.envelope, mail.raw));
        return acceptedOutcome(m.messageId, info.response);
      } catch (e) {
        const outcome = failureOutcome(m.messageId, e);
        if (!relayUnreachable(e)) {
          this.logger.debug({ msg: 'email not accepted', ...outcome, to: maskEmail(m.to) });
          return outcome;
        }
        // The relay is not there: wait for it within the batch, then hand the rest back untried,
        // so an outage of hours uses up no message's tries (the next batch waits again).
        if (relay.gaveUp || Date.now() >= relay.until) {
          if (!relay.gaveUp) this.logger.warn({ msg: 'mail relay unreachable, batch handed back untried', error: outcome.error });
          relay.gaveUp ??= `relay unreachable: ${outcome.error}`;
          return untried(m, relay.gaveUp);
        }
        relay.waited = true;
        await new Promise((resolve) => setTimeout(resolve, Math.min(pause, relay.until - Date.now())));
      }
    }
  }
}

interface RelayWait {
  /** Until when this batch keeps knocking on an unreachable relay. */
  until: number;
  /** Set when the batch stopped waiting: why its remaining messages go back untried. */
  gaveUp: string | null;
  /** Whether the batch found the relay unreachable and waited for it. */
  waited: boolean;
}

/** What a transaction's end says of the relay: its reply class, or that no reply came. */
function sendResult(err: unknown): string {
  if (err === undefined) return 'accepted';
  if (relayUnreachable(err)) return 'unreachable';
  const code = (err as { responseCode?: unknown }).responseCode;
  return typeof code === 'number' && code >= 400 && code < 600 ? `${Math.floor(code / 100)}xx` : 'other';
}

const untried = (m: OutboundMessage, error: string): DeliveryOutcome => ({ messageId: m.messageId, status: 'retry', error, untried: true });
