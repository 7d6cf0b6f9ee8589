import { AddressInfo, createServer, Server, Socket } from 'net';
import { SMTPServer, SMTPServerOptions, SMTPServerSession } from 'smtp-server';
import { SmtpConfig } from '../../src/config/app-config';
import { SmtpPool } from '../../src/email/smtp-pool';

/**
 * The email channel's SMTP pool against a real SMTP server (smtp-server, as the sink uses):
 * STARTTLS and AUTH as configured, the pool's size, reuse of a connection after a refusal and
 * after the relay ended it, SMTP_RATE_PER_SECOND, and closing; then the transactions on the wire
 * (through a TCP proxy that keeps what the client wrote) with and without PIPELINING.
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
    onRcptTo: (address, _session, callback) => {
      if (address.address.startsWith('bounce')) return callback(Object.assign(new Error('Mailbox unavailable'), { responseCode: 550 }));
      if (address.address.startsWith('later')) return callback(Object.assign(new Error('Mailbox busy, try later'), { responseCode: 451 }));
      callback();
    },
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

/**
 * Between the pool and the relay: keeps each chunk the client wrote, as it arrived (the client
 * writes again only after a reply, so a chunk is one write), and can cut the client's connection.
 */
interface Proxy {
  port: number;
  /** Per client connection, the chunks it wrote. */
  writes: string[][];
  /** Called with each chunk before it is passed on; return 'cut' to end that client connection there (after passing it on). */
  onChunk?: (chunk: string) => 'cut' | void;
  stop(): Promise<void>;
}

async function startProxy(target: number): Promise<Proxy> {
  const sockets = new Set<Socket>();
  const server: Server = createServer((client) => {
    const writes: string[] = [];
    proxy.writes.push(writes);
    const upstream = new Socket();
    for (const s of [client, upstream]) {
      sockets.add(s);
      s.setNoDelay(true);
      s.on('error', () => undefined);
      s.on('close', () => (client.destroy(), upstream.destroy()));
    }
    upstream.connect(target, '127.0.0.1');
    upstream.on('data', (d) => client.write(d));
    client.on('data', (d) => {
      const chunk = d.toString('latin1');
      writes.push(chunk);
      upstream.write(d);
      if (proxy.onChunk?.(chunk) === 'cut') client.destroy();
    });
  });
  const proxy: Proxy = {
    port: 0, writes: [],
    stop: () => new Promise<void>((resolve) => {
      for (const s of sockets) s.destroy();
      server.close(() => resolve());
    }),
  };
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  proxy.port = (server.address() as AddressInfo).port;
  return proxy;
}

/** Client writes that start a transaction (a MAIL FROM in them). */
const withMail = (writes: string[]) => writes.filter((w) => w.includes('MAIL FROM:'));

let relay: Relay;
let proxy: Proxy | undefined;
let sut: SmtpPool | undefined;

afterEach(async () => {
  sut?.close();
  sut = undefined;
  await proxy?.stop();
  proxy = undefined;
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

describe(`${SmtpPool.name} on the wire`, () => {
  const sendAll = (pool: SmtpPool, recipients: string[]) =>
    Promise.allSettled(recipients.map((to, i) => pool.send(envelope(to), message(i))));

  it('should send MAIL FROM, RCPT TO and DATA together and each message with the next envelope, when the relay offers PIPELINING', async () => {
    relay = await startRelay();
    proxy = await startProxy(relay.port);
    sut = new SmtpPool(config(proxy.port, { poolSize: 1 }));
    const results = await sendAll(sut, Array.from({ length: 20 }, (_, i) => `user${i}@example.com`));
    expect(results.every((r) => r.status === 'fulfilled')).toBe(true);
    expect(relay.received.map((r) => r.to[0])).toEqual(Array.from({ length: 20 }, (_, i) => `user${i}@example.com`));
    expect(relay.received.map((r) => r.raw)).toEqual(Array.from({ length: 20 }, (_, i) => message(i)));
    const [writes] = proxy.writes;
    const starts = withMail(writes);
    expect(starts).toHaveLength(20);
    for (const w of starts) expect(w).toMatch(/MAIL FROM:<noreply@example\.net>\r\nRCPT TO:<user\d+@example\.com>\r\nDATA\r\n$/);
    // From the second message on, the envelope leaves in the same write as the previous message and its final dot.
    for (const w of starts.slice(1)) expect(w).toMatch(/^From: noreply@example\.net\r\n[^]*\r\n\.\r\nMAIL FROM:/);
    expect(writes.filter((w) => w.includes('\r\n.\r\n'))).toHaveLength(20);
  });

  it('should send one command at a time when the relay does not offer PIPELINING', async () => {
    relay = await startRelay({ hidePIPELINING: true });
    proxy = await startProxy(relay.port);
    sut = new SmtpPool(config(proxy.port, { poolSize: 1 }));
    const results = await sendAll(sut, Array.from({ length: 6 }, (_, i) => `user${i}@example.com`));
    expect(results.every((r) => r.status === 'fulfilled')).toBe(true);
    expect(relay.received.map((r) => r.raw)).toEqual(Array.from({ length: 6 }, (_, i) => message(i)));
    const [writes] = proxy.writes;
    const commands = writes.filter((w) => !w.endsWith('\r\n.\r\n'));
    // Every write of a command is that one command; the messages (with their dots) come alone.
    for (const w of commands) expect(w).toMatch(/^[^\r\n]*\r\n$/);
    expect(withMail(writes)).toEqual(Array.from({ length: 6 }, () => 'MAIL FROM:<noreply@example.net>\r\n'));
    expect(writes.filter((w) => w.startsWith('RCPT TO:'))).toHaveLength(6);
    expect(writes.filter((w) => w === 'DATA\r\n')).toHaveLength(6);
    expect(writes.filter((w) => w.endsWith('\r\n.\r\n'))).toHaveLength(6);
  });

  it('should fail a refused recipient of a pipelined batch with its reply, reset, and deliver the others over the same connection', async () => {
    relay = await startRelay();
    proxy = await startProxy(relay.port);
    sut = new SmtpPool(config(proxy.port, { poolSize: 1 }));
    const to = ['user0@example.com', 'bounce1@example.com', 'user2@example.com', 'later3@example.com', 'user4@example.com', 'bounce5@example.com'];
    const results = await sendAll(sut, to);
    expect(results.map((r) => r.status)).toEqual(['fulfilled', 'rejected', 'fulfilled', 'rejected', 'fulfilled', 'rejected']);
    expect((results[1] as PromiseRejectedResult).reason).toMatchObject({ code: 'EENVELOPE', responseCode: 550, command: 'RCPT TO' });
    expect((results[3] as PromiseRejectedResult).reason).toMatchObject({ code: 'EENVELOPE', responseCode: 451 });
    expect((results[5] as PromiseRejectedResult).reason).toMatchObject({ code: 'EENVELOPE', responseCode: 550 });
    expect(relay.received.map((r) => ({ to: r.to[0], raw: r.raw }))).toEqual([0, 2, 4].map((i) => ({ to: to[i], raw: message(i) })));
    expect(relay.connections.opened).toBe(1);
    // The refused transaction is reset before the next one starts, in the same write.
    expect(proxy.writes[0].filter((w) => /^RSET\r\nMAIL FROM:/.test(w))).toHaveLength(2);
  });

  it('should lose no message when the connection drops in the middle of a pipelined batch: each is accepted once or fails', async () => {
    relay = await startRelay();
    proxy = await startProxy(relay.port);
    let dots = 0;
    // Cut the client's connection right after the write carrying the 4th message's final dot and the 5th's envelope.
    proxy.onChunk = (chunk) => (chunk.includes('\r\n.\r\nMAIL FROM:') && ++dots === 4 ? 'cut' : undefined);
    sut = new SmtpPool(config(proxy.port, { poolSize: 1 }));
    const to = Array.from({ length: 10 }, (_, i) => `user${i}@example.com`);
    const results = await sendAll(sut, to);
    expect(dots).toBeGreaterThanOrEqual(4);
    const received = relay.received.map((r) => r.to[0]);
    for (const [i, r] of results.entries()) {
      // Accepted: at the relay exactly once. Not at the relay: reported as failed.
      if (r.status === 'fulfilled') expect(received.filter((x) => x === to[i])).toEqual([to[i]]);
      if (!received.includes(to[i])) expect(r.status).toBe('rejected');
    }
    // The message whose data was on the wire is reported (its fate is unknown); the one whose
    // envelope rode along goes again on a new connection.
    const failed = results.flatMap((r, i) => (r.status === 'rejected' ? [i] : []));
    expect(failed).toEqual([3]);
    expect(['ECONNECTION', 'ESOCKET']).toContain((results[3] as PromiseRejectedResult).reason.code);
    expect(results[4].status).toBe('fulfilled');
    expect(relay.connections.opened).toBe(2);
  });

  it('should send a lone dot when a relay answers DATA with 354 after refusing every recipient (RFC 2920 3.1), then reset', async () => {
    // smtp-server refuses such a DATA itself, so this relay is scripted: it takes DATA whatever came before.
    const seen: string[] = [];
    const scripted = createServer((socket) => {
      let data = false;
      let input = '';
      socket.write('220 scripted ESMTP\r\n');
      socket.on('data', (d) => {
        input += d.toString('latin1');
        for (let end = input.indexOf('\r\n'); end >= 0; end = input.indexOf('\r\n')) {
          const line = input.slice(0, end);
          input = input.slice(end + 2);
          seen.push(line);
          if (data) {
            if (line === '.') (data = false), socket.write('250 Ok: queued\r\n');
            continue;
          }
          const verb = line.slice(0, 4).toUpperCase();
          if (verb === 'EHLO') socket.write('250-scripted\r\n250 PIPELINING\r\n');
          else if (verb === 'RCPT') socket.write(line.includes('bounce') ? '550 No such user\r\n' : '250 Ok\r\n');
          else if (verb === 'DATA') (data = true), socket.write('354 Go ahead\r\n');
          else if (verb === 'QUIT') socket.end('221 Bye\r\n');
          else socket.write('250 Ok\r\n');
        }
      });
    });
    await new Promise<void>((resolve) => scripted.listen(0, '127.0.0.1', resolve));
    relay = { port: 0, received: [], connections: { opened: 0, open: 0, most: 0 }, stop: () => new Promise((resolve) => scripted.close(() => resolve())) };
    sut = new SmtpPool(config((scripted.address() as AddressInfo).port, { poolSize: 1 }));
    const results = await sendAll(sut, ['bounce0@example.com', 'user1@example.com']);
    expect(results[0]).toMatchObject({ status: 'rejected', reason: { code: 'EENVELOPE', responseCode: 550 } });
    expect(results[1]).toMatchObject({ status: 'fulfilled', value: { response: '250 Ok: queued' } });
    const afterHello = seen.slice(seen.findIndex((l) => l.startsWith('MAIL')));
    expect(afterHello.slice(0, 9)).toEqual([
      'MAIL FROM:<noreply@example.net>', 'RCPT TO:<bounce0@example.com>', 'DATA', '.', 'RSET',
      'MAIL FROM:<noreply@example.net>', 'RCPT TO:<user1@example.com>', 'DATA', 'From: noreply@example.net',
    ]);
  });
});
