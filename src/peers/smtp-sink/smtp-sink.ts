import { createServer as createHttpServer, IncomingMessage, Server as HttpServer, ServerResponse } from 'http';
import { AddressInfo } from 'net';
import { simpleParser } from 'mailparser';
import { SMTPServer, SMTPServerDataStream, SMTPServerError, SMTPServerSession } from 'smtp-server';
import { renderInbox, renderMessage } from './inbox.html';

/**
 * A local SMTP relay for the demo and the tests: takes every message (or answers 4xx / 5xx, or
 * keeps its port closed, on request), keeps the latest in memory and shows them in a web inbox.
 */

/** accept: 250; tempfail: 451 at RCPT TO; reject: 550 at RCPT TO. */
export type SinkMode = 'accept' | 'tempfail' | 'reject';
export const SINK_MODES: readonly SinkMode[] = ['accept', 'tempfail', 'reject'];

export interface SmtpSinkOptions {
  host?: string;
  /** 0 (default) picks a free port. */
  smtpPort?: number;
  httpPort?: number;
  mode?: SinkMode;
  /** Start with the SMTP port closed (the HTTP side is up). */
  down?: boolean;
  /** Messages kept; the oldest go first. */
  keep?: number;
  /** Bytes of message source kept, all messages together. */
  keepBytes?: number;
  log?: (line: string) => void;
}

export interface SinkMessage {
  id: number;
  /** The relay's queue id, as in its 250 reply. */
  queueId: string;
  receivedAt: string;
  envelope: { from: string; to: string[] };
  from: string;
  to: string;
  subject: string;
  messageId?: string;
  text?: string;
  /** Only an actual text/html part; false when there is none. */
  html: string | false;
  /** Lower-case names; repeated headers joined by newlines; folded lines unfolded. */
  headers: Record<string, string>;
  size: number;
}

export interface SinkStats {
  up: boolean;
  mode: SinkMode;
  connections: number;
  received: number;
  refused: number;
  kept: number;
}

export interface SmtpSink {
  smtpPort: number;
  httpPort: number;
  httpUrl: string;
  /** Oldest first. */
  messages(): Promise<SinkMessage[]>;
  /** The raw source of one kept message. */
  source(id: number): Buffer | undefined;
  stats(): SinkStats;
  setMode(mode: SinkMode): void;
  /** Closes the SMTP port and drops its connections: clients get "connection refused". */
  down(): Promise<void>;
  /** Listens again on the same port. */
  up(): Promise<void>;
  clear(): void;
  stop(): Promise<void>;
}

interface Kept {
  id: number;
  queueId: string;
  receivedAt: string;
  envelope: { from: string; to: string[] };
  raw: Buffer;
  /** Parsed on first read, not on receipt: receiving stays cheap under load. */
  parsed?: Promise<SinkMessage>;
}

const MAX_MESSAGE_BYTES = 10 * 1024 * 1024;
const REPLIES: Record<Exclude<SinkMode, 'accept'>, { code: number; text: string }> = {
  tempfail: { code: 451, text: 'Mailbox temporarily unavailable, try again later (smtp-sink: tempfail)' },
  reject: { code: 550, text: 'Mailbox unavailable (smtp-sink: reject)' },
};

function listen(server: { listen(port: number, host: string, cb: () => void): unknown; once(e: 'error', cb: (e: Error) => void): unknown; address(): unknown }, port: number, host: string): Promise<number> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => resolve((server.address() as AddressInfo).port));
  });
}

async function parse(k: Kept): Promise<SinkMessage> {
  const mail = await simpleParser(k.raw, { skipTextToHtml: true, skipHtmlToText: true, skipImageLinks: true });
  const headers: Record<string, string> = {};
  for (const { key, line } of mail.headerLines) {
    const value = line.slice(line.indexOf(':') + 1).replace(/\r?\n[ \t]+/g, ' ').trim();
    headers[key] = key in headers ? `${headers[key]}\n${value}` : value;
  }
  const to = Array.isArray(mail.to) ? mail.to.map((a) => a.text).join(', ') : (mail.to?.text ?? '');
  return {
    id: k.id,
    queueId: k.queueId,
    receivedAt: k.receivedAt,
    envelope: k.envelope,
    from: mail.from?.text ?? '',
    to,
    subject: mail.subject ?? '',
    messageId: mail.messageId,
    text: mail.text,
    html: mail.html ?? false,
    headers,
    size: k.raw.length,
  };
}

function smtpError(mode: Exclude<SinkMode, 'accept'>): SMTPServerError {
  const e: SMTPServerError = new Error(REPLIES[mode].text);
  e.responseCode = REPLIES[mode].code;
  return e;
}

export async function startSmtpSink(options: SmtpSinkOptions = {}): Promise<SmtpSink> {
  const host = options.host ?? '127.0.0.1';
  const log = options.log ?? (() => undefined);
  const keep = options.keep ?? 1000;
  const keepBytes = options.keepBytes ?? 64 * 1024 * 1024;
  let mode: SinkMode = options.mode ?? 'accept';
  const kept: Kept[] = [];
  let keptBytes = 0;
  let nextId = 1;
  let received = 0;
  let refused = 0;

  const store = (raw: Buffer, session: SMTPServerSession): string => {
    const id = nextId++;
    const queueId = `SINK${id.toString(16).toUpperCase().padStart(8, '0')}`;
    const envelope = {
      from: session.envelope.mailFrom ? session.envelope.mailFrom.address : '',
      to: session.envelope.rcptTo.map((r) => r.address),
    };
    kept.push({ id, queueId, receivedAt: new Date().toISOString(), envelope, raw });
    keptBytes += raw.length;
    while (kept.length > keep || (keptBytes > keepBytes && kept.length > 1)) keptBytes -= kept.shift()!.raw.length;
    received++;
    return queueId;
  };

  const newSmtpServer = () => {
    const server = new SMTPServer({
      banner: 'Outage Notifier SMTP sink',
      logger: false,
      disabledCommands: ['STARTTLS'],
      disableReverseLookup: true,
      authOptional: true,
      allowInsecureAuth: true,
      size: MAX_MESSAGE_BYTES,
      onAuth: (auth, _session, callback) => callback(null, { user: auth.username ?? 'anonymous' }),
      onRcptTo: (_address, _session, callback) => {
        if (mode === 'accept') return callback();
        refused++;
        callback(smtpError(mode));
      },
      onData: (stream: SMTPServerDataStream, session, callback) => {
        const chunks: Buffer[] = [];
        stream.on('data', (chunk: Buffer) => chunks.push(chunk));
        stream.on('end', () => {
          if (stream.sizeExceeded) {
            const e: SMTPServerError = new Error('Message too big');
            e.responseCode = 552;
            return callback(e);
          }
          callback(null, `Ok: queued as ${store(Buffer.concat(chunks), session)}`);
        });
      },
    });
    // A client that resets its connection is routine; unheard, the 'error' would end the process.
    server.on('error', (e: Error & { code?: string }) => log(`SMTP connection error: ${e.code ?? e.message}`));
    return server;
  };

  let smtp: SMTPServer | undefined = newSmtpServer();
  const smtpPort = await listen(smtp.server, options.smtpPort ?? 0, host);

  const closeSmtp = (server: SMTPServer) =>
    new Promise<void>((resolve) => {
      server.close(() => resolve());
      for (const connection of server.connections) connection.close();
    });

  const http: HttpServer = createHttpServer((req, res) => void handleHttp(req, res));
  const httpPort = await listen(http, options.httpPort ?? 0, host);

  const parsed = (k: Kept) => (k.parsed ??= parse(k));

  const sink: SmtpSink = {
    smtpPort,
    httpPort,
    httpUrl: `http://${host}:${httpPort}`,
    messages: () => Promise.all(kept.map(parsed)),
    source: (id) => kept.find((k) => k.id === id)?.raw,
    stats: () => ({ up: smtp !== undefined, mode, connections: smtp?.connections.size ?? 0, received, refused, kept: kept.length }),
    setMode(next) {
      mode = next;
      log(`mode: ${mode}`);
    },
    async down() {
      if (!smtp) return;
      const server = smtp;
      smtp = undefined;
      await closeSmtp(server);
      log(`SMTP port ${smtpPort} closed`);
    },
    async up() {
      if (smtp) return;
      const server = newSmtpServer();
      await listen(server.server, smtpPort, host);
      smtp = server;
      log(`SMTP port ${smtpPort} open`);
    },
    clear() {
      kept.length = 0;
      keptBytes = 0;
    },
    async stop() {
      await sink.down();
      await new Promise((resolve) => http.close(resolve));
    },
  };
  if (options.down) await sink.down();

  async function handleHttp(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://sink');
    const json = (status: number, body: unknown) => {
      res.writeHead(status, { 'content-type': 'application/json; charset=utf-8' });
      res.end(JSON.stringify(body, null, 2));
    };
    const html = (status: number, body: string) => {
      // Emails are shown as they came; nothing in them may run or reach out.
      res.writeHead(status, { 'content-type': 'text/html; charset=utf-8', 'content-security-policy': "default-src 'none'; style-src 'unsafe-inline'; img-src data:" });
      res.end(body);
    };
    const one = (path: string) => kept.find((k) => k.id === Number(path.split('/')[2]));
    try {
      const { pathname } = url;
      if (req.method === 'GET' && pathname === '/') return html(200, renderInbox((await sink.messages()).reverse(), sink.stats()));
      if (req.method === 'GET' && /^\/view\/\d+$/.test(pathname)) {
        const k = one(pathname);
        return k ? html(200, renderMessage(await parsed(k))) : html(404, renderMessage(undefined));
      }
      if (req.method === 'GET' && pathname === '/messages') {
        const limit = Math.max(1, Math.min(keep, Number(url.searchParams.get('limit')) || 100));
        return json(200, (await Promise.all(kept.slice(-limit).map(parsed))).reverse());
      }
      if (req.method === 'GET' && /^\/messages\/\d+$/.test(pathname)) {
        const k = one(pathname);
        return k ? json(200, await parsed(k)) : json(404, { error: 'no such message (or no longer kept)' });
      }
      if (req.method === 'GET' && /^\/messages\/\d+\/source$/.test(pathname)) {
        const k = one(pathname);
        res.writeHead(k ? 200 : 404, { 'content-type': 'text/plain; charset=utf-8' });
        return void res.end(k ? k.raw : 'no such message');
      }
      if (req.method === 'DELETE' && pathname === '/messages') {
        sink.clear();
        return json(200, sink.stats());
      }
      if (req.method === 'GET' && pathname === '/stats') return json(200, sink.stats());
      const control = /^\/control\/(\w+)$/.exec(pathname)?.[1];
      if (req.method === 'POST' && control) {
        if (SINK_MODES.includes(control as SinkMode)) sink.setMode(control as SinkMode);
        else if (control === 'down') await sink.down();
        else if (control === 'up') await sink.up();
        else return json(404, { error: 'POST /control/{accept,tempfail,reject,down,up}' });
        return json(200, sink.stats());
      }
      return json(404, { error: 'GET /, /view/:id, /messages, /messages/:id, /messages/:id/source, /stats; DELETE /messages; POST /control/{accept,tempfail,reject,down,up}' });
    } catch (e) {
      return json(500, { error: (e as Error).message });
    }
  }

  return sink;
}
