import SMTPConnection from 'nodemailer/lib/smtp-connection';
import type { ConnectionOptions } from 'tls';
import { SmtpConfig } from '../config/app-config';

/** As nodemailer's pool: a connection is replaced after this many messages, and quits after this long idle. */
const MESSAGES_PER_CONNECTION = 100;
const IDLE_MS = 4 * 60_000;

export interface SmtpEnvelope {
  from: string;
  to: string[];
}

/** What the email adapter needs of the relay: one message at a time per call, and a way to stop. */
export interface MailSender {
  /** Resolves with the relay's reply to the message; rejects with nodemailer's SMTP error (code, responseCode, response). */
  send(envelope: SmtpEnvelope, message: string | Buffer): Promise<{ response: string }>;
  close(): void;
}

/** One pooled connection: how many messages it carried, whether it is still there. */
interface Pooled {
  smtp: SMTPConnection;
  sent: number;
  alive: boolean;
  idle?: NodeJS.Timeout;
}

/**
 * Up to `poolSize` SMTP connections to the relay, each carrying one message at a time, opened on
 * demand (STARTTLS and AUTH per config) and kept for the next message. It is nodemailer's own
 * SMTPConnection, as its pool uses it, without the pool's per-message machinery (a MailMessage,
 * a stream for the text, abort signals, ids): the message is our own MIME, written as it is.
 * Errors are SMTPConnection's, so the adapter reads them as before.
 */
export class SmtpPool implements MailSender {
  private readonly idle: Pooled[] = [];
  /** Callers waiting for a free slot (one per connection). */
  private readonly waiting: Array<{ resolve: () => void; reject: (e: Error) => void }> = [];
  private busy = 0;
  private closed = false;
  /** Messages started in the current second, for SMTP_RATE_PER_SECOND. */
  private rate = { since: 0, count: 0 };

  /** `tls`: options for the TLS socket, as nodemailer's (a test relay's own certificate). */
  constructor(
    private readonly smtp: SmtpConfig,
    private readonly tls?: ConnectionOptions,
  ) {}

  async send(envelope: SmtpEnvelope, message: string | Buffer): Promise<{ response: string }> {
    await this.take();
    try {
      await this.throttle();
      for (let again = true; ; again = false) {
        const conn = this.idle.pop() ?? (await this.connect());
        const reused = conn.sent > 0;
        try {
          const response = await this.transact(conn, envelope, message);
          this.release(conn);
          return { response };
        } catch (e) {
          await this.afterFailure(conn, e);
          // A kept connection the relay ended just as it was used: once more on a new one, as
          // nodemailer's pool requeues such a message (the Message-ID stays the same).
          if (!(again && reused && !this.closed && droppedConnection(e))) throw e;
        }
      }
    } finally {
      this.give();
    }
  }

  /** Idle connections quit at once, waiting callers fail; a message on the wire finishes (the adapter waits for it). */
  close(): void {
    this.closed = true;
    for (const w of this.waiting.splice(0)) w.reject(poolClosed());
    for (const conn of this.idle.splice(0)) this.drop(conn, true);
  }

  private take(): Promise<void> {
    if (this.closed) return Promise.reject(poolClosed());
    if (this.busy < this.smtp.poolSize) {
      this.busy++;
      return Promise.resolve();
    }
    return new Promise((resolve, reject) => this.waiting.push({ resolve, reject }));
  }

  /** The slot goes straight to the next waiting caller, if any. */
  private give(): void {
    const next = this.waiting.shift();
    if (next) next.resolve();
    else this.busy--;
  }

  private async throttle(): Promise<void> {
    const limit = this.smtp.ratePerSecond;
    if (!limit) return;
    for (;;) {
      const now = Date.now();
      if (now - this.rate.since >= 1000) this.rate = { since: now, count: 0 };
      if (this.rate.count < limit) {
        this.rate.count++;
        return;
      }
      await new Promise((resolve) => setTimeout(resolve, this.rate.since + 1000 - now));
    }
  }

  private connect(): Promise<Pooled> {
    const { smtp } = this;
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
    const conn: Pooled = { smtp: connection, sent: 0, alive: true };
    return new Promise((resolve, reject) => {
      let settled = false;
      const settle = (err?: Error | null) => {
        if (settled) return;
        settled = true;
        if (!err) {
          corkReplies(connection);
          return resolve(conn);
        }
        this.drop(conn);
        reject(err);
      };
      // After the handshake an error reaches the message's own callback, or finds the connection idle: it is gone either way.
      connection.on('error', (err: Error) => (settled ? (conn.alive = false) : settle(err)));
      connection.once('end', () => {
        this.forget(conn);
        settle(Object.assign(new Error('Connection closed unexpectedly'), { code: 'ECONNECTION' }));
      });
      connection.connect((err) => {
        if (err) return settle(err);
        // As nodemailer's pool: log in when the relay offers AUTH.
        if (!smtp.user || !connection.allowsAuth) return settle();
        connection.login({ user: smtp.user, pass: smtp.password }, (loginErr) => settle(loginErr));
      });
    });
  }

  private transact(conn: Pooled, envelope: SmtpEnvelope, message: string | Buffer): Promise<string> {
    clearTimeout(conn.idle);
    conn.sent++;
    return new Promise((resolve, reject) => conn.smtp.send(envelope, message, (err, info) => (err ? reject(err) : resolve(info!.response))));
  }

  private release(conn: Pooled): void {
    if (!conn.alive || this.closed || conn.sent >= MESSAGES_PER_CONNECTION) return this.drop(conn, true);
    if (conn.idle) conn.idle.refresh();
    else {
      conn.idle = setTimeout(() => this.retire(conn), IDLE_MS);
      conn.idle.unref();
    }
    this.idle.push(conn);
  }

  /** A connection left idle for IDLE_MS says goodbye. */
  private retire(conn: Pooled): void {
    if (this.idle.includes(conn)) this.drop(conn, true);
  }

  /** The connection has ended (the relay closed it, it failed, or we did): never handed out again. */
  private forget(conn: Pooled): void {
    conn.alive = false;
    clearTimeout(conn.idle);
    const i = this.idle.indexOf(conn);
    if (i >= 0) this.idle.splice(i, 1);
  }

  /**
   * A refusal of this message leaves the session usable once reset (as nodemailer's pool does);
   * anything else (no reply, 421, a broken session) ends the connection.
   */
  private async afterFailure(conn: Pooled, e: unknown): Promise<void> {
    const { code, responseCode } = (e ?? {}) as { code?: string; responseCode?: number };
    if (conn.alive && (code === 'EENVELOPE' || code === 'EMESSAGE') && responseCode !== 421) {
      const reset = await new Promise<boolean>((resolve) => conn.smtp.reset((err) => resolve(!err)));
      if (reset) return this.release(conn);
    }
    this.drop(conn);
  }

  private drop(conn: Pooled, politely = false): void {
    const alive = conn.alive;
    this.forget(conn);
    if (politely && alive) conn.smtp.quit();
    else conn.smtp.close();
  }
}

/** The relay ended the session without a reply to the message (not a 4xx / 5xx about it). */
function droppedConnection(e: unknown): boolean {
  const { code, responseCode } = (e ?? {}) as { code?: string; responseCode?: number };
  return responseCode === 421 || ((code === 'ECONNECTION' || code === 'ESOCKET') && responseCode === undefined);
}

const poolClosed = () => Object.assign(new Error('Connection pool was closed'), { code: 'ECLOSED' });

/**
 * SMTPConnection answers the 354 to DATA with two writes, each a system call: the message, then the
 * final dot (a tick later, through its dot-stuffing stream). With the socket corked from a reply's
 * arrival until the ticks its handling schedules have run, they leave in one.
 */
function corkReplies(connection: SMTPConnection): void {
  const socket = connection._socket;
  if (!socket) return;
  let corked = false;
  socket.prependListener('data', () => {
    if (corked) return;
    corked = true;
    socket.cork();
    setImmediate(() => {
      corked = false;
      socket.uncork();
    });
  });
}
