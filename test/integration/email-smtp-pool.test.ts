import { AddressInfo } from 'net';
import { SMTPServer, SMTPServerOptions, SMTPServerSession } from 'smtp-server';
import { SmtpConfig } from '../../src/config/app-config';
import { SmtpPool } from '../../src/email/smtp-pool';

/**
 * The email channel's SMTP pool against a real SMTP server (smtp-server, as the sink uses):
 * STARTTLS and AUTH as configured, the pool's size, reuse of a connection after a refusal and
 * after the relay ended it, SMTP_RATE_PER_SECOND, and closing.
 */

interface Relay {
  port: number;
  received: Array<{ to: string[]; secure: boolean; user?: string; raw: string }>;
  /** Connections opened so far, and the most open at once. */
  connections: { opened: number; open: number; most: number };
  stop(): Promise<void>;
}

async function startRelay(options: Partial<SMTPServerOptions> = {}): Promise<Relay> {
  const relay: Relay = { port: 0, received: [], connections: { opened: 0, open: 0, most: 0 }, stop: async () => undefined };
  const server = new SMTPServer({
    logger: false,
    disableReverseLookup: true,
    authOptional: true,
    allowInsecureAuth: true,
    onConnect: (_session, callback) => {
      relay.connections.opened++;
      relay.connections.most = Math.max(relay.connections.most, ++relay.connections.open);
      callback();
    },
    onClose: () => relay.connections.open--,
    onAuth: (auth, _session, callback) =>
      auth.username === 'outage' && auth.password === 'secret' ? callback(null, { user: auth.username }) : callback(new Error('Invalid username or password')),
    onRcptTo: (address, _session, callback) =>
      address.address.startsWith('bounce') ? callback(Object.assign(new Error('Mailbox unavailable'), { responseCode: 550 })) : callback(),
    onData: (stream, session: SMTPServerSession, callback) => {
      const chunks: Buffer[] = [];
      stream.on('data', (c: Buffer) => chunks.push(c));
      stream.on('end', () => {
        relay.received.push({
          to: session.envelope.rcptTo.map((r) => r.address), secure: session.secure, user: session.user as string | undefined, raw: Buffer.concat(chunks).toString(),
        });
        callback(null, `Ok: queued as Q${relay.received.length}`);
      });
    },
    ...options,
  });
  server.on('error', () => undefined);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  relay.port = (server.server.address() as AddressInfo).port;
  relay.stop = () => new Promise<void>((resolve) => {
    server.close(() => resolve());
    for (const c of (server as unknown as { connections: Set<{ close(): void }> }).connections) c.close();
  });
  return relay;
}

const config = (port: number, over: Partial<SmtpConfig> = {}): SmtpConfig => ({
  host: '127.0.0.1', port, from: 'noreply@example.net', secure: false, starttls: 'off',
  poolSize: 2, ratePerSecond: 0, timeoutMs: 5000, relayWaitSeconds: 1, messageIdDomain: 'example.net', ...over,
});

const envelope = (to: string) => ({ from: 'noreply@example.net', to: [to] });
const message = (n: number) => `From: noreply@example.net\r\nTo: user${n}@example.com\r\nSubject: test ${n}\r\n\r\n.line starting with a dot ${n}\r\n`;

let relay: Relay;
let sut: SmtpPool | undefined;

afterEach(async () => {
  sut?.close();
  sut = undefined;
  await relay?.stop();
});

describe(SmtpPool.name, () => {
  it('should deliver the message as given (dot-stuffed on the wire) and return the relay\'s reply', async () => {
    relay = await startRelay();
    sut = new SmtpPool(config(relay.port));
    const info = await sut.send(envelope('user1@example.com'), Buffer.from(message(1)));
    expect(info.response).toMatch(/^250 Ok: queued as Q1$/);
    expect(relay.received).toEqual([{ to: ['user1@example.com'], secure: false, user: undefined, raw: message(1) }]);
  });

  it('should upgrade with STARTTLS and log in when the relay offers both', async () => {
    relay = await startRelay({ allowInsecureAuth: false });
    // smtp-server's own certificate is self-signed (and expired): accepted in this test only.
    sut = new SmtpPool(config(relay.port, { starttls: 'opportunistic', user: 'outage', password: 'secret' }), { rejectUnauthorized: false });
    await sut.send(envelope('user1@example.com'), message(1));
    expect(relay.received[0]).toMatchObject({ secure: true, user: 'outage' });
  });

  it('should stay in clear when STARTTLS is off, even if the relay offers it', async () => {
    relay = await startRelay();
    sut = new SmtpPool(config(relay.port, { starttls: 'off' }));
    await sut.send(envelope('user1@example.com'), message(1));
    expect(relay.received[0].secure).toBe(false);
  });

  it('should send nothing when STARTTLS is required and the relay does not offer it', async () => {
    relay = await startRelay({ disabledCommands: ['STARTTLS'] });
    sut = new SmtpPool(config(relay.port, { starttls: 'required' }));
    await expect(sut.send(envelope('user1@example.com'), message(1))).rejects.toMatchObject({ code: 'ETLS' });
    expect(relay.received).toHaveLength(0);
  });

  it('should fail with EAUTH when the relay refuses the login', async () => {
    relay = await startRelay();
    sut = new SmtpPool(config(relay.port, { user: 'outage', password: 'wrong' }));
    await expect(sut.send(envelope('user1@example.com'), message(1))).rejects.toMatchObject({ code: 'EAUTH', responseCode: 535 });
    expect(relay.received).toHaveLength(0);
  });

  it('should keep to the pool size and reuse its connections', async () => {
    relay = await startRelay();
    sut = new SmtpPool(config(relay.port, { poolSize: 3 }));
    const pool = sut;
    await Promise.all(Array.from({ length: 30 }, (_, i) => pool.send(envelope(`user${i}@example.com`), message(i))));
    expect(relay.received).toHaveLength(30);
    expect(relay.connections.most).toBeLessThanOrEqual(3);
    expect(relay.connections.opened).toBeLessThanOrEqual(3);
  });

  it('should reject a refused recipient with the reply and go on over the same connection', async () => {
    relay = await startRelay();
    sut = new SmtpPool(config(relay.port, { poolSize: 1 }));
    await expect(sut.send(envelope('bounce@example.com'), message(1))).rejects.toMatchObject({ code: 'EENVELOPE', responseCode: 550 });
    await sut.send(envelope('user2@example.com'), message(2));
    expect(relay.received.map((r) => r.to)).toEqual([['user2@example.com']]);
    expect(relay.connections.opened).toBe(1);
  });

  it('should open a new connection when the relay has ended an idle one', async () => {
    let ended!: () => void;
    const closed = new Promise<void>((resolve) => (ended = resolve));
    relay = await startRelay({ socketTimeout: 300, onClose: () => ended() });
    sut = new SmtpPool(config(relay.port, { poolSize: 1 }));
    await sut.send(envelope('user1@example.com'), message(1));
    await closed; // the relay's idle timeout ended the session
    await sut.send(envelope('user2@example.com'), message(2));
    expect(relay.received).toHaveLength(2);
    expect(relay.connections.opened).toBe(2);
  });

  it('should start no more than SMTP_RATE_PER_SECOND messages in a second', async () => {
    relay = await startRelay();
    sut = new SmtpPool(config(relay.port, { poolSize: 5, ratePerSecond: 4 }));
    const pool = sut;
    const started = Date.now();
    await Promise.all(Array.from({ length: 9 }, (_, i) => pool.send(envelope(`user${i}@example.com`), message(i))));
    // Four in the first second, four in the second, the ninth in the third.
    expect(Date.now() - started).toBeGreaterThanOrEqual(2000);
    expect(relay.received).toHaveLength(9);
  });

  it('should finish the message on the wire, fail those waiting and refuse new ones once closed', async () => {
    relay = await startRelay();
    sut = new SmtpPool(config(relay.port, { poolSize: 1 }));
    const first = sut.send(envelope('user1@example.com'), message(1));
    const waiting = sut.send(envelope('user2@example.com'), message(2)).catch((e: Error) => e);
    sut.close();
    await expect(first).resolves.toMatchObject({ response: expect.stringMatching(/^250 /) });
    expect(await waiting).toMatchObject({ message: 'Connection pool was closed' });
    await expect(sut.send(envelope('user3@example.com'), message(3))).rejects.toThrow('Connection pool was closed');
    expect(relay.received.map((r) => r.to)).toEqual([['user1@example.com']]);
  });
});
