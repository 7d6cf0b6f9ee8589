import { Logger } from '@nestjs/common';
import { OutboundMessage } from '../notifications/channel.port';
import { EmailAdapter } from './email.adapter';
import { MailSender, SmtpEnvelope } from './smtp-pool';

/** A pool whose sends finish when the test says so. */
class FakeTransport implements MailSender {
  inFlight = 0;
  maxInFlight = 0;
  closed = false;
  sent: SmtpEnvelope[] = [];
  private waiting: (() => void)[] = [];

  async send(envelope: SmtpEnvelope): Promise<{ response: string }> {
    this.sent.push(envelope);
    this.inFlight++;
    this.maxInFlight = Math.max(this.maxInFlight, this.inFlight);
    await new Promise<void>((resolve) => this.waiting.push(resolve));
    this.inFlight--;
    if (envelope.to[0].startsWith('bounce')) throw Object.assign(new Error('550 no such user'), { responseCode: 550, response: '550 no such user' });
    return { response: `250 Ok: queued as Q${this.sent.indexOf(envelope)}` };
  }

  /** Lets every send started so far finish. */
  async release(): Promise<void> {
    while (this.waiting.length) this.waiting.shift()!();
    await new Promise((r) => setImmediate(r));
  }

  close(): void {
    this.closed = true;
  }
}

const email = (i: number, to = `user${i}@example.com`): OutboundMessage => ({ messageId: `m${i}`, channel: 'email', to, subject: 's', text: 't' });

async function settle<T>(p: Promise<T>, transport: FakeTransport): Promise<T> {
  let done = false;
  void p.then(() => (done = true));
  while (!done) await transport.release();
  return p;
}

describe(EmailAdapter.name, () => {
  let transport: FakeTransport;
  let sut: EmailAdapter;

  beforeAll(() => Logger.overrideLogger(['error']));

  beforeEach(() => {
    transport = new FakeTransport();
    sut = new EmailAdapter(transport, { from: 'Outages <noreply@example.net>', messageIdDomain: 'example.net', concurrency: 3, relayWaitMs: 1000 });
  });

  it('should hand back what it has not started by the deadline as untried, and send the rest', async () => {
    const batch = Array.from({ length: 7 }, (_, i) => email(i));
    const sending = sut.send(batch, Date.now() + 60_000);
    await transport.release(); // the first three go out
    jest.spyOn(Date, 'now').mockReturnValue(Date.now() + 120_000); // then the deadline passes
    const outcomes = await settle(sending, transport);
    jest.restoreAllMocks();
    expect(outcomes.filter((o) => o.status === 'accepted')).toHaveLength(6); // three lanes each had one more under way
    expect(outcomes.at(-1)).toEqual({ messageId: 'm6', status: 'retry', error: 'batch deadline passed', untried: true });
    expect(transport.sent).toHaveLength(6);
  });

  it('should keep at most `concurrency` sends in flight and answer every message in batch order', async () => {
    const batch = Array.from({ length: 10 }, (_, i) => email(i));
    const outcomes = await settle(sut.send(batch), transport);
    expect(transport.maxInFlight).toBe(3);
    expect(outcomes.map((o) => o.messageId)).toEqual(batch.map((m) => m.messageId));
    expect(outcomes.every((o) => o.status === 'accepted')).toBe(true);
  });

  it('should fail only the refused message when the relay refuses one of a batch', async () => {
    const outcomes = await settle(sut.send([email(1), email(2, 'bounce@example.com'), email(3)]), transport);
    expect(outcomes.map((o) => o.status)).toEqual(['accepted', 'failed', 'accepted']);
  });

  it('should fail a message without touching the transport when its address is not a single address', async () => {
    const outcomes = await sut.send([email(1, 'a@example.com, b@example.com')]);
    expect(outcomes).toEqual([{ messageId: 'm1', status: 'failed', error: 'InvalidAddress: not a single email address' }]);
    expect(transport.sent).toHaveLength(0);
  });

  it('should finish the batch in flight before closing the pool when stopped', async () => {
    const sending = sut.send([email(1), email(2), email(3), email(4)]);
    await new Promise((r) => setImmediate(r));
    const stopping = sut.stop(5_000);
    await new Promise((r) => setImmediate(r));
    expect(transport.closed).toBe(false);

    const outcomes = await settle(sending, transport);
    await stopping;
    expect(outcomes.every((o) => o.status === 'accepted')).toBe(true);
    expect(transport.closed).toBe(true);
  });

  it('should wait for an unreachable relay, then hand the whole batch back untried, knocking no more for the rest', async () => {
    jest.useFakeTimers();
    try {
      let knocks = 0;
      const down: MailSender = {
        send: async () => {
          knocks++;
          throw Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:25'), { code: 'ESOCKET' });
        },
        close: () => undefined,
      };
      const adapter = new EmailAdapter(down, { from: 'noreply@example.net', messageIdDomain: 'example.net', concurrency: 2, relayWaitMs: 5000 });
      const sending = adapter.send(Array.from({ length: 6 }, (_, i) => email(i)));
      await jest.advanceTimersByTimeAsync(10_000);
      const outcomes = await sending;
      expect(outcomes).toEqual(
        Array.from({ length: 6 }, (_, i) => ({ messageId: `m${i}`, status: 'retry', untried: true, error: 'relay unreachable: ESOCKET: connect ECONNREFUSED 127.0.0.1:25' })),
      );
      // Two lanes knocked at 0, 1, 3 and 5 s (the last pause cut to the 5 s wait); the other four messages were not tried.
      expect(knocks).toBe(8);
    } finally {
      jest.useRealTimers();
    }
  });

  it('should answer retry without sending when a batch arrives after stop', async () => {
    await sut.stop();
    expect(await sut.send([email(1)])).toEqual([{ messageId: 'm1', status: 'retry', error: 'email channel is shutting down' }]);
    expect(transport.sent).toHaveLength(0);
  });
});
