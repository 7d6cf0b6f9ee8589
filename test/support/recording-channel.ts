import { ChannelName, ChannelPort, DeliveryOutcome, OutboundMessage } from '../../src/notifications/channel.port';

/** A channel that keeps what it was given and answers as told (accepted unless a rule says otherwise). */
export class RecordingChannel implements ChannelPort {
  readonly sent: OutboundMessage[] = [];
  /** Per message: return an outcome to override acceptance; throw to simulate a crash mid-batch. */
  rule: ((m: OutboundMessage) => DeliveryOutcome | undefined) | undefined;
  private seq = 0;

  constructor(readonly channel: ChannelName) {}

  start(): void {}
  async stop(): Promise<void> {}

  async send(batch: OutboundMessage[]): Promise<DeliveryOutcome[]> {
    return batch.map((m) => {
      this.sent.push(m);
      const forced = this.rule?.(m);
      return forced ?? { messageId: m.messageId, status: 'accepted', providerIds: [`${this.channel}-${++this.seq}`], parts: 1 };
    });
  }

  to(address: string): OutboundMessage[] {
    return this.sent.filter((m) => m.to === address);
  }

  clear(): void {
    this.sent.length = 0;
  }
}
