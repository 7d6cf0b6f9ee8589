import { Logger } from '@nestjs/common';
import { once } from 'events';
import { connect } from 'net';
import { EmailAdapter } from '../../src/email/email.adapter';
import { createEmailAdapter } from '../../src/email/email.module';
import { OutboundMessage } from '../../src/notifications/channel.port';
import { SmtpSink, startSmtpSink } from '../../src/peers/smtp-sink/smtp-sink';

/**
 * Issue 5, item 5: the email channel over real SMTP to the local sink — what a relay receives,
 * and the outcome of each way a relay can answer (or not answer).
 */

const POOL_SIZE = 3;
let sink: SmtpSink;
let sut: EmailAdapter;
let seq = 0;

function emails(n: number, over: Partial<OutboundMessage> = {}): OutboundMessage[] {
  return Array.from({ length: n }, () => {
    const i = ++seq;
    return {
      messageId: String(1000 + i),
      channel: 'email',
      to: `subscriber${i}@example.ru`,
      subject: `Авария №${i}: нет интернета`,
      text: `Здравствуйте! Работы идут, ожидаемое время восстановления 18:00. (${i})`,
      html: `<p>Здравствуйте! Работы идут, ожидаемое время восстановления <b>18:00</b>. (${i})</p>`,
      unsubscribeUrl: `https://status.example.net/v1/public/unsubscribe?token=${i}.sig`,
      ...over,
    };
  });
}

async function received(messageIds: string[]) {
  const wanted = new Set(messageIds.map((id) => `<msg-${id}.outage-notifier@example.net>`));
  return (await sink.messages()).filter((m) => m.messageId && wanted.has(m.messageId));
}

/** An adapter of its own (pool of 2) for a test that runs a sink of its own. */
const smallAdapter = (port: number, relayWaitSeconds: number) =>
  createEmailAdapter({
    host: '127.0.0.1', port, from: 'noreply@example.net', secure: false, starttls: 'off',
    poolSize: 2, ratePerSecond: 0, timeoutMs: 5000, relayWaitSeconds, messageIdDomain: 'example.net',
  });

beforeAll(async () => {
  Logger.overrideLogger(['error']);
  sink = await startSmtpSink();
  sut = createEmailAdapter({
    host: '127.0.0.1',
    port: sink.smtpPort,
    from: 'Outage Notifier <noreply@example.net>',
    secure: false,
    starttls: 'opportunistic',
    poolSize: POOL_SIZE,
    ratePerSecond: 0,
    timeoutMs: 5000,
    relayWaitSeconds: 1,
    messageIdDomain: 'example.net',
  });
});

afterAll(async () => {
  await sut.stop(1000);
  await sink.stop();
});

afterEach(async () => {
  sink.setMode('accept');
  await sink.up();
});

describe('email channel over SMTP', () => {
  it('should deliver a batch with text and HTML parts, one-click unsubscribe headers and our Message-IDs', async () => {
    const batch = emails(25);
    const outcomes = await sut.send(batch);

    expect(outcomes.map((o) => o.status)).toEqual(batch.map(() => 'accepted'));
    const got = await received(batch.map((m) => m.messageId));
    expect(got).toHaveLength(25);
    const sent = batch[7];
    const mail = got.find((m) => m.messageId === `<msg-${sent.messageId}.outage-notifier@example.net>`)!;
    expect(mail).toMatchObject({
      envelope: { from: 'noreply@example.net', to: [sent.to] },
      to: sent.to,
      subject: sent.subject,
      text: sent.text,
      html: sent.html,
    });
    expect(mail.from).toContain('noreply@example.net');
    expect(mail.headers['content-type']).toMatch(/^multipart\/alternative;/);
    expect(mail.headers['list-unsubscribe']).toBe(`<${sent.unsubscribeUrl}>`);
    expect(mail.headers['list-unsubscribe-post']).toBe('List-Unsubscribe=One-Click');
    // The outcome carries the relay's queue id for this very message.
    expect(outcomes[7]).toEqual({ messageId: sent.messageId, status: 'accepted', providerIds: [mail.queueId], parts: 1 });
  });

  it('should give the same Message-ID when the same message is sent again', async () => {
    const [m] = emails(1);
    await sut.send([m]);
    await sut.send([m]);
    const got = await received([m.messageId]);
    expect(got.map((g) => g.messageId)).toEqual([`<msg-${m.messageId}.outage-notifier@example.net>`, `<msg-${m.messageId}.outage-notifier@example.net>`]);
  });

  it('should answer retry with the reply while the relay answers 4xx, and deliver on the next call once it accepts', async () => {
    const batch = emails(5);
    sink.setMode('tempfail');
    const first = await sut.send(batch);
    expect(first.map((o) => o.status)).toEqual(batch.map(() => 'retry'));
    expect(first[0]).toMatchObject({ status: 'retry', error: expect.stringMatching(/^451 /) });
    expect(await received(batch.map((m) => m.messageId))).toHaveLength(0);

    sink.setMode('accept');
    const second = await sut.send(batch);
    expect(second.map((o) => o.status)).toEqual(batch.map(() => 'accepted'));
    expect(await received(batch.map((m) => m.messageId))).toHaveLength(5);
  });

  it('should fail with the relay\'s reason when it answers 5xx', async () => {
    sink.setMode('reject');
    const [outcome] = await sut.send(emails(1));
    expect(outcome).toMatchObject({ status: 'failed', error: '550 Mailbox unavailable (smtp-sink: reject)' });
  });

  it('should deliver to an international address (composed by nodemailer, sent with SMTPUTF8)', async () => {
    const [m] = emails(1, { to: 'иван@пример.рф' });
    const [outcome] = await sut.send([m]);
    expect(outcome.status).toBe('accepted');
    const [mail] = await received([m.messageId]);
    expect(mail).toMatchObject({ envelope: { to: ['иван@пример.рф'] }, subject: m.subject, text: m.text, html: m.html });
  });

  it('should fail only the message whose address is unusable and deliver the rest of the batch', async () => {
    const batch = [...emails(2), ...emails(1, { to: 'first@example.ru, second@example.ru' })];
    const outcomes = await sut.send(batch);
    expect(outcomes.map((o) => o.status)).toEqual(['accepted', 'accepted', 'failed']);
  });

  it('should wait for a relay that is down, then hand the batch back untried (no try used), and deliver once it is back', async () => {
    await sut.send(emails(POOL_SIZE)); // pooled connections open, then cut by the outage
    const batch = emails(6);
    await sink.down();
    const started = Date.now();
    const first = await sut.send(batch);
    expect(Date.now() - started).toBeGreaterThanOrEqual(900); // it knocked for SMTP_RELAY_WAIT_SECONDS (1 s here)
    expect(first).toEqual(batch.map((m) => ({ messageId: m.messageId, status: 'retry', untried: true, error: expect.stringContaining('ECONNREFUSED') })));
    expect(first[0]).toMatchObject({ error: expect.stringMatching(/^relay unreachable: /) });

    await sink.up();
    const second = await sut.send(batch);
    expect(second.map((o) => o.status)).toEqual(batch.map(() => 'accepted'));
    expect(await received(batch.map((m) => m.messageId))).toHaveLength(6);
  });

  it('should deliver within the same batch when the relay comes back while it waits', async () => {
    const own = await startSmtpSink();
    const adapter = smallAdapter(own.smtpPort, 30);
    try {
      await own.down();
      const batch = emails(4);
      const sending = adapter.send(batch);
      setTimeout(() => void own.up(), 1500);
      const outcomes = await sending;
      expect(outcomes.map((o) => o.status)).toEqual(batch.map(() => 'accepted'));
      const got = (await own.messages()).map((m) => m.messageId);
      expect(got).toEqual(expect.arrayContaining(batch.map((m) => `<msg-${m.messageId}.outage-notifier@example.net>`)));
    } finally {
      await adapter.stop(1000);
      await own.stop();
    }
  });

  it('should keep the sink up when a client resets its connection in the middle of a message', async () => {
    const client = connect(sink.smtpPort, '127.0.0.1');
    await once(client, 'data'); // the banner
    client.write('EHLO reset.example\r\n');
    await once(client, 'data');
    client.write('MAIL FROM:<noc@example.net>\r\n'); // a reset inside a transaction is what the server reports
    await once(client, 'data');
    client.resetAndDestroy();
    await new Promise((r) => setTimeout(r, 100));
    const outcomes = await sut.send(emails(1));
    expect(outcomes.map((o) => o.status)).toEqual(['accepted']);
  });

  it('should use no more connections than the pool size for a large batch', async () => {
    let most = 0;
    const watch = setInterval(() => (most = Math.max(most, sink.stats().connections)), 1);
    const outcomes = await sut.send(emails(200));
    clearInterval(watch);
    expect(outcomes.every((o) => o.status === 'accepted')).toBe(true);
    expect(most).toBeGreaterThan(0);
    expect(most).toBeLessThanOrEqual(POOL_SIZE);
  });
});

describe('email channel shutdown', () => {
  it('should deliver the batch in flight before closing the pool, and answer retry afterwards', async () => {
    const own = await startSmtpSink();
    const adapter = smallAdapter(own.smtpPort, 1);
    try {
      const batch = emails(100);
      const sending = adapter.send(batch);
      await adapter.stop(10_000);
      const outcomes = await sending;
      expect(outcomes.every((o) => o.status === 'accepted')).toBe(true);
      expect(own.stats().received).toBe(100);

      const [late] = await adapter.send(emails(1));
      expect(late).toMatchObject({ status: 'retry' });
    } finally {
      await own.stop();
    }
  });
});
