import { Logger } from '@nestjs/common';
import { maskPhone } from '../common/mask';
import { ChannelPort, DeliveryOutcome, OutboundMessage } from '../notifications/channel.port';
import { normaliseMessageId } from './delivery-receipt';
import { InboundSms } from './inbound';
import { LongMessageMode, MessageTooLong, partPdus, PreparedSms, prepareSms, SmsPdu } from './segmentation';
import { destinationAddress, relativeValidity, SmppAddress, sourceAddress } from './sms-addresses';
import { SmscClient, SubmitOutcome } from './smsc-client';
import { SubmitSm } from './submit-sm';

export interface SmsAdapterOptions {
  sender: string;
  gsmDataCoding: number;
  longMessages: LongMessageMode;
  validityMinutes: number;
}

const REGISTERED_DELIVERY_FINAL = 1;

/** One part's submit_sm: a receipt asked for on its final state. */
export function toSubmitSm(source: SmppAddress, dest: SmppAddress, validityPeriod: string, dataCoding: number, pdu: SmsPdu): SubmitSm {
  return {
    source, dest, esmClass: pdu.esmClass, registeredDelivery: REGISTERED_DELIVERY_FINAL, validityPeriod, dataCoding,
    shortMessage: pdu.shortMessage, messagePayload: pdu.messagePayload,
  };
}

/**
 * The SMS channel: each message is encoded and split, every part goes through the SMSC client's
 * windows and rate limits, and the message's outcome is the worst of its parts' — accepted only
 * when every part was, with one SMSC id per part (normalised, see normaliseMessageId).
 */
export class SmsAdapter implements ChannelPort {
  readonly channel = 'sms' as const;
  private readonly logger = new Logger(SmsAdapter.name);
  private readonly source: SmppAddress;
  private readonly validity: string;

  constructor(
    private readonly client: SmscClient,
    private readonly opts: SmsAdapterOptions,
  ) {
    this.source = sourceAddress(opts.sender);
    this.validity = relativeValidity(opts.validityMinutes);
  }

  start(): void {
    this.client.start();
  }

  stop(drainMs?: number): Promise<void> {
    return this.client.stop(drainMs);
  }

  /** The SMSC's name (its route's). */
  get name(): string {
    return this.client.name;
  }

  /** Binds up and able to submit, for the readiness report. */
  get boundBinds(): number {
    return this.client.boundTransmitters;
  }

  /** Receipts and MO replies; see InboundSms. */
  onInbound(handler: (event: InboundSms) => Promise<void> | void): void {
    this.client.onInbound(handler);
  }

  send(batch: OutboundMessage[], deadline?: number): Promise<DeliveryOutcome[]> {
    // A batch tells many people the same words: each text is encoded and split once.
    const prepared = new Map<string, PreparedSms | MessageTooLong>();
    const prepare = (text: string) => {
      let sms = prepared.get(text);
      if (!sms) {
        try {
          sms = prepareSms(text, { gsmDataCoding: this.opts.gsmDataCoding, longMessages: this.opts.longMessages });
        } catch (e) {
          if (!(e instanceof MessageTooLong)) throw e;
          sms = e;
        }
        prepared.set(text, sms);
      }
      return sms;
    };
    return Promise.all(batch.map((m) => this.sendOne(m, prepare(m.text), deadline)));
  }

  private async sendOne(m: OutboundMessage, sms: PreparedSms | MessageTooLong, deadline?: number): Promise<DeliveryOutcome> {
    const dest = destinationAddress(m.to);
    if (!dest) return { messageId: m.messageId, status: 'failed', error: 'InvalidDestination: not an E.164 number' };
    if (sms instanceof MessageTooLong) return { messageId: m.messageId, status: 'failed', error: `${sms.code}: ${sms.message}` };
    const results = await this.client.submit(partPdus(sms).map((pdu) => toSubmitSm(this.source, dest, this.validity, sms.dataCoding, pdu)), deadline);
    const outcome = this.combine(m.messageId, results);
    if (outcome.status !== 'accepted') {
      this.logger.debug({ msg: 'sms not accepted', messageId: m.messageId, to: maskPhone(m.to), status: outcome.status, error: outcome.error });
    }
    return outcome;
  }

  /** A refused part fails the message; a part still unsure makes it `retry`; else accepted. */
  private combine(messageId: string, results: SubmitOutcome[]): DeliveryOutcome {
    const failed = results.find((r) => r.status === 'failed');
    if (failed) return { messageId, status: 'failed', error: failed.error };
    const retry = results.find((r) => r.status === 'retry');
    if (retry) {
      // Untried only if no part went out: a message partly sent counts as an attempt.
      const untried = results.every((r) => r.status === 'retry' && r.untried);
      return { messageId, status: 'retry', error: retry.error, untried, unavailable: untried && results.every((r) => r.status === 'retry' && r.unavailable) };
    }
    const providerIds = results.map((r) => normaliseMessageId((r as { smscMessageId: string }).smscMessageId));
    return { messageId, status: 'accepted', providerIds, parts: providerIds.length, provider: this.client.name };
  }
}
