import { ChannelName, ChannelPort, DeliveryOutcome, OutboundMessage } from './channel.port';

/** Accepts everything and sends nothing: CHANNELS=noop, for measuring the engine alone. */
export class NoopChannel implements ChannelPort {
  private seq = 0;

  constructor(readonly channel: ChannelName) {}

  start(): void {}
  async stop(): Promise<void> {}

  async send(batch: OutboundMessage[]): Promise<DeliveryOutcome[]> {
    return batch.map((m) => ({ messageId: m.messageId, status: 'accepted', providerIds: [`noop-${this.channel}-${++this.seq}`], parts: 1 }));
  }
}
