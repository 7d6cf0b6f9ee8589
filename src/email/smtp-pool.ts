import type { Socket } from 'net';
import SMTPConnection from 'nodemailer/lib/smtp-connection';
import type { ConnectionOptions } from 'tls';
import { SmtpConfig } from '../config/app-config';
import { smtpPoolConnections } from './email.metrics';
import { SmtpEnvelope, SmtpError, SmtpSession, Transaction } from './smtp-session';

export type { SmtpEnvelope } from './smtp-session';

/** As nodemailer's pool: a connection is replaced after this many messages, and quits after this long idle. */
const MESSAGES_PER_CONNECTION = 100;
const IDLE_MS = 4 * 60_000;

/**
 * Messages an open connection carries at once: one whose data is on the wire and the next, whose
 * commands leave with that data's final dot (RFC 2920). A caller keeps the pool busy with
 * SMTP_POOL_SIZE × this many messages in flight.
 */
export const MESSAGES_PER_OPEN_CONNECTION = 2;

/** What the email adapter needs of the relay: one message at a time per call, and a way to stop. */
export interface MailSender {
  /** Resolves with the relay's reply to the message; rejects with an SMTP error shaped as nodemailer's (code, responseCode, response). */
  send(envelope: SmtpEnvelope, message: string | Buffer): Promise<{ response: string }>;
  close(): void;
}

interface Pending extends Transaction {
  /** Sent once more already, after its connection was lost. */
  again: boolean;
  /** Handed to a connection that had carried a message before. */
  reused: boolean;
}

interface Connection {
  session: SmtpSession;
  /** Messages handed to it so far. */
  sent: number;
  lastUsed: number;
  idle?: NodeJS.Timeout;
}

/**
 * Up to `poolSize` SMTP connections to the relay, opened on demand and kept for the next message.
 * nodemailer's SMTPConnection sets each one up (greeting, EHLO, STARTTLS and AUTH per config);
 * then our SmtpSession writes the mail transactions on its socket, pipelined when the relay
 * offers it. A message goes to an idle connection, else to a new one, else to an open one with
 * room (MESSAGES_PER_OPEN_CONNECTION), else waits. Errors are shaped as nodemailer's.
 */
export class SmtpPool implements MailSender {
  private readonly connections = new Set<Connection>();
  private readonly waiting: Pending[] = [];
  private closed = false;
  /** Messages started in the current second, for SMTP_RATE_PER_SECOND. */
  private rate = { since: 0, count: 0 };
  private rateTimer?: NodeJS.Timeout;

  /** `tls`: options for the TLS socket, as nodemailer's (a test relay's own certificate). */
  constructor(
    private readonly smtp: SmtpConfig,
    private readonly tls?: ConnectionOptions,
  ) {
    smtpPoolConnections.set({ state: 'max' }, smtp.poolSize);
    smtpPoolConnections.set({ state: 'in_use' }, 0);
  }

  send(envelope: SmtpEnvelope, message: string | Buffer): Promise<{ response: string }> {
    if (this.closed) return Promise.reject(poolClosed());
    return new Promise((resolve, reject) => {
      const tx: Pending = {
        envelope, message, dataWritten: false, again: false, reused: false,
        finish: (error, response) => {
          // A kept connection the relay ended before this message went out: once more on a new
          // one, as nodemailer's pool requeues such a message.
          if (error && !tx.again && tx.reused && !tx.dataWritten && !this.closed && droppedConnection(error)) {
            tx.again = true;
            this.waiting.unshift(tx);
          } else if (error) reject(error);
          else resolve({ response: response! });
          this.dispatch();
        },
      };
      this.waiting.push(tx);
      this.dispatch();
    });
  }

  /** Waiting messages fail, connections quit once the messages handed to them are answered. */
  close(): void {
    this.closed = true;
    clearTimeout(this.rateTimer);
    for (const tx of this.waiting.splice(0)) tx.finish(poolClosed());
    this.dispatch();
  }

  private dispatch(): void {
    while (this.waiting.length && this.mayStart()) {
      const conn = this.pick();
      if (!conn) break;
      const tx = this.waiting.shift()!;
      this.rate.count++;
      tx.reused = conn.sent > 0;
      conn.sent++;
      conn.lastUsed = Date.now();
      conn.session.add(tx);
    }
    let inUse = 0;
    for (const conn of this.connections) {
      if (conn.session.load > 0) inUse++;
      else if (this.closed || conn.sent >= MESSAGES_PER_CONNECTION) this.retire(conn);
    }
    smtpPoolConnections.set({ state: 'in_use' }, inUse);
  }

  /** An idle connection, else a new one, else the least busy open one with room. */
  private pick(): Connection | undefined {
    let best: Connection | undefined;
    for (const conn of this.connections) {
      const { session } = conn;
      if (!session.ready || conn.sent >= MESSAGES_PER_CONNECTION || session.load >= MESSAGES_PER_OPEN_CONNECTION) continue;
      if (!best || session.load < best.session.load) best = conn;
    }
    if (best?.session.load === 0 || this.connections.size >= this.smtp.poolSize) return best;
    return this.open();
  }

  private mayStart(): boolean {
    const limit = this.smtp.ratePerSecond;
    if (!limit) return true;
    const now = Date.now();
    if (now - this.rate.since >= 1000) this.rate = { since: now, count: 0 };
    if (this.rate.count < limit) return true;
    this.rateTimer ??= setTimeout(() => {
      this.rateTimer = undefined;
      this.dispatch();
    }, this.rate.since + 1000 - now);
    return false;
  }

  private open(): Connection {
    const { smtp } = this;
    const conn: Connection = { session: new SmtpSession(smtp.timeoutMs, () => this.ended(conn)), sent: 0, lastUsed: Date.now() };
    this.connections.add(conn);
    const connection = new SMTPConnection({
      host: smtp.host,
      port: smtp.port,
      secure: smtp.secure,
      requireTLS: smtp.starttls === 'required',
      ignoreTLS: smtp.starttls === 'off',
      connectionTimeout: smtp.timeoutMs,
      greetingTimeout: smtp.timeoutMs,
      socketTimeout: smtp.timeoutMs,
      tls: this.tls,
    });
    let settled = false;
    const settle = (err?: Error | null) => {
      if (settled) return;
      settled = true;
      if (err) {
        connection.close();
        return conn.session.fail(err as SmtpError);
      }
      const { _supportedExtensions: offered } = connection as unknown as { _supportedExtensions: string[] };
      conn.session.attach(takeSocket(connection), { pipelining: offered.includes('PIPELINING'), smtputf8: offered.includes('SMTPUTF8') });
      conn.idle = setTimeout(() => this.idle(conn), IDLE_MS).unref();
      this.dispatch();
    };
    connection.on('error', (err: Error) => settle(err));
    connection.once('end', () => settle(Object.assign(new Error('Connection closed unexpectedly'), { code: 'ECONNECTION' })));
    connection.connect((err) => {
      if (err) return settle(err);
      // As nodemailer's pool: log in when the relay offers AUTH.
      if (!smtp.user || !connection.allowsAuth) return settle();
      connection.login({ user: smtp.user, pass: smtp.password }, (loginErr) => settle(loginErr));
    });
    return conn;
  }

  /** An idle connection says goodbye after IDLE_MS; one used since is looked at again then. */
  private idle(conn: Connection): void {
    const left = conn.lastUsed + IDLE_MS - Date.now();
    if (conn.session.load === 0 && left <= 0) return this.retire(conn);
    conn.idle = setTimeout(() => this.idle(conn), Math.max(left, 1000)).unref();
  }

  /** Never handed a message again; quits once its messages are answered. */
  private retire(conn: Connection): void {
    this.connections.delete(conn);
    clearTimeout(conn.idle);
    conn.session.quit();
  }

  /** The session is over: its messages are finished (or handed back), a new connection may open. */
  private ended(conn: Connection): void {
    this.connections.delete(conn);
    clearTimeout(conn.idle);
    this.dispatch();
  }
}

/**
 * Takes the socket of a set-up SMTPConnection: its own listeners come off (the ones its close()
 * removes), so from here on only the session reads and writes it.
 */
function takeSocket(connection: SMTPConnection): Socket {
  const c = connection as unknown as Record<'_onSocketData' | '_onSocketTimeout' | '_onSocketClose' | '_onSocketEnd' | '_onSocketError', (...args: unknown[]) => void>;
  const socket = connection._socket as Socket;
  socket.setTimeout(0);
  socket.removeListener('data', c._onSocketData);
  socket.removeListener('timeout', c._onSocketTimeout);
  socket.removeListener('close', c._onSocketClose);
  socket.removeListener('end', c._onSocketEnd);
  socket.removeListener('error', c._onSocketError);
  connection.removeAllListeners();
  connection.on('error', () => undefined);
  // nodemailer renaming its listeners would leave two readers on one socket.
  if (socket.listenerCount('data') || socket.listenerCount('timeout')) throw new Error("nodemailer's SMTPConnection kept its socket listeners");
  return socket;
}

/** The relay ended the session without a reply to the message (not a 4xx / 5xx about it). */
function droppedConnection(e: SmtpError): boolean {
  return e.responseCode === 421 || ((e.code === 'ECONNECTION' || e.code === 'ESOCKET') && e.responseCode === undefined);
}

const poolClosed = (): SmtpError => Object.assign(new Error('Connection pool was closed'), { code: 'ECLOSED' });
