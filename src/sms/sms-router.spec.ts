import { DeliveryOutcome, OutboundMessage } from '../notifications/channel.port';
import { SmsAdapter } from './sms.adapter';
import { SmsRouter } from './sms-router';
import { routeOrder } from './sms-routing';

/** An SMSC that answers each message as `answer` says and remembers what it was given. */
function smsc(name: string, answer: (m: OutboundMessage) => DeliveryOutcome['status'] | 'down' | 'late') {
  const got: string[] = [];
  const adapter = {
    send: async (batch: OutboundMessage[]) =>
      batch.map((m): DeliveryOutcome => {
        got.push(m.messageId);
        const a = answer(m);
        if (a === 'accepted') return { messageId: m.messageId, status: 'accepted', providerIds: ['1'], parts: 1, provider: name };
        if (a === 'failed') return { messageId: m.messageId, status: 'failed', error: 'refused' };
        if (a === 'down') return { messageId: m.messageId, status: 'retry', error: `${name} has no bind`, untried: true, unavailable: true };
        return { messageId: m.messageId, status: 'retry', error: 'batch deadline passed', untried: a === 'late' };
      }),
  } as unknown as SmsAdapter;
  return { route: { name, prefixes: [], weight: 1, adapter }, got };
}

const texts = (n: number): OutboundMessage[] =>
  Array.from({ length: n }, (_, i) => ({ messageId: String(i), channel: 'sms', to: `+7913${1_000_000 + i}`, text: 'x' }));

describe(SmsRouter.name, () => {
  it('should send the texts of an SMSC without a bind through the next one, each once, when the first is down', async () => {
    const a = smsc('a', () => 'down');
    const b = smsc('b', () => 'accepted');
    const sut = new SmsRouter([a.route, b.route]);
    const outcomes = await sut.send(texts(40));
    expect(outcomes).toHaveLength(40);
    expect(outcomes.every((o) => o.status === 'accepted' && o.provider === 'b')).toBe(true);
    expect(b.got.sort()).toEqual(texts(40).map((m) => m.messageId).sort());
    // a was first choice for some of them only, and tried once for those.
    const firstA = texts(40).filter((m) => routeOrder([a.route, b.route], m.to)[0].name === 'a').map((m) => m.messageId);
    expect(firstA.length).toBeGreaterThan(0);
    expect(a.got.sort()).toEqual(firstA.sort());
  });

  it('should hand back untried and unavailable what no SMSC could take when all are down', async () => {
    const sut = new SmsRouter([smsc('a', () => 'down').route, smsc('b', () => 'down').route]);
    const outcomes = await sut.send(texts(10));
    expect(outcomes.every((o) => o.status === 'retry' && o.untried && o.unavailable)).toBe(true);
  });

  it('should not move a text whose SMSC answered, refused, or ran out of the batch time', async () => {
    const answers: Array<'accepted' | 'failed' | 'late' | 'retry'> = ['accepted', 'failed', 'late', 'retry'];
    const a = smsc('a', (m) => answers[Number(m.messageId) % 4]);
    const b = smsc('b', (m) => answers[Number(m.messageId) % 4]);
    const outcomes = await new SmsRouter([a.route, b.route]).send(texts(20));
    expect(outcomes).toHaveLength(20);
    expect(a.got.length + b.got.length).toBe(20);
  });
});
