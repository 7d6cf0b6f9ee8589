import { ChannelPort, DeliveryOutcome, OutboundMessage } from '../notifications/channel.port';
import { InboundSms } from './inbound';
import { SmsAdapter } from './sms.adapter';
import { routeOrder, Routable } from './sms-routing';

export interface SmsRoute extends Routable {
  adapter: SmsAdapter;
}

/**
 * The SMS channel over several SMSCs: each text goes to the first SMSC of its route order (see
 * routeOrder); one that comes back because that SMSC had no bind for its retry budget goes on to
 * the next, still untried, so waiting out an SMSC outage never uses up a message's tries.
 * All of a text's parts go through one SMSC (the handset joins parts by the SMSC's UDH reference).
 */
export class SmsRouter implements ChannelPort {
  readonly channel = 'sms' as const;

  constructor(private readonly routes: SmsRoute[]) {}

  start(): void {
    for (const r of this.routes) r.adapter.start();
  }

  async stop(drainMs?: number): Promise<void> {
    await Promise.all(this.routes.map((r) => r.adapter.stop(drainMs)));
  }

  /** Binds up and able to submit, all SMSCs together, for the readiness report. */
  get boundBinds(): number {
    return this.routes.reduce((n, r) => n + r.adapter.boundBinds, 0);
  }

  /** Receipts and MO replies from every SMSC, each tagged with the SMSC it came from. */
  onInbound(handler: (event: InboundSms) => Promise<void> | void): void {
    for (const r of this.routes) r.adapter.onInbound(handler);
  }

  send(batch: OutboundMessage[], deadline?: number): Promise<DeliveryOutcome[]> {
    // One SMSC (it has no prefixes: config requires a route for every number): nowhere else to go.
    if (this.routes.length === 1) return this.routes[0].adapter.send(batch, deadline);
    const orders = new Map(batch.map((m) => [m.messageId, routeOrder(this.routes, m.to)]));
    return this.sendVia(batch, 0, orders, deadline);
  }

  /** Hands each message to its hop-th SMSC, one batch per SMSC; what that SMSC could not take for want of a bind moves on a hop. */
  private async sendVia(batch: OutboundMessage[], hop: number, orders: Map<string, SmsRoute[]>, deadline?: number): Promise<DeliveryOutcome[]> {
    const bySmsc = new Map<SmsRoute, OutboundMessage[]>();
    for (const m of batch) {
      const route = orders.get(m.messageId)![hop];
      const group = bySmsc.get(route);
      if (group) group.push(m);
      else bySmsc.set(route, [m]);
    }
    const results = await Promise.all(
      [...bySmsc].map(async ([route, messages]) => {
        const outcomes = await route.adapter.send(messages, deadline);
        const byId = new Map(messages.map((m) => [m.messageId, m]));
        const onward = outcomes.filter((o) => o.status === 'retry' && o.unavailable && orders.get(o.messageId)!.length > hop + 1);
        if (onward.length === 0) return outcomes;
        const moved = new Set(onward.map((o) => o.messageId));
        const further = await this.sendVia(onward.map((o) => byId.get(o.messageId)!), hop + 1, orders, deadline);
        return [...outcomes.filter((o) => !moved.has(o.messageId)), ...further];
      }),
    );
    return results.flat();
  }
}
