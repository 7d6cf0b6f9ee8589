import type { Socket } from 'net';

/** A relay's reply longer than this (without a line end, or in lines) is not SMTP. */
const MAX_REPLY_CHARS = 64 * 1024;
const MAX_REPLY_LINES = 100;
const NON_ASCII = /[^\x00-\x7f]/;

export interface SmtpEnvelope {
  from: string;
  to: string[];
}

/** Shaped as nodemailer's SMTP errors, which smtp-outcome.ts reads. */
export type SmtpError = Error & { code: string; response?: string; responseCode?: number; command?: string };

/** One message for a session; `finish` is called once. */
export interface Transaction {
  readonly envelope: SmtpEnvelope;
  readonly message: string | Buffer;
  /** Set once any of the message itself went out: a resend may then duplicate it. */
  dataWritten: boolean;
  finish(error: SmtpError | undefined, response?: string): void;
}

/** What the relay's EHLO offered, of what the writer uses. */
export interface SessionFeatures {
  pipelining: boolean;
  smtputf8: boolean;
}

interface Reply {
  code: number;
  /** As the relay sent it, lines joined by "\n" (as nodemailer reports it). */
  text: string;
}

/** The writer's own state of a transaction. */
interface Flight {
  tx: Transaction;
  recipientsLeft: number;
  accepted: number;
  /** Why the transaction cannot go on (MAIL refused, every recipient refused). */
  refusal?: SmtpError;
  done: boolean;
}

/** A command (or the message) and what its reply means. DATA and QUIT end a pipelined group (RFC 2920 3.1). */
interface Step {
  kind: 'MAIL' | 'RCPT' | 'DATA' | 'BODY' | 'RSET' | 'QUIT';
  flight?: Flight;
  out: string | Buffer;
}

/**
 * SMTP mail transactions (RFC 5321 3.3) over a socket whose session is set up (greeting, EHLO,
 * STARTTLS, AUTH: done by nodemailer's SMTPConnection). With PIPELINING offered (RFC 2920) a
 * transaction's MAIL FROM, RCPT TO and DATA leave together, and once DATA is answered the message,
 * its final dot and the next transaction's commands leave in one write: one write a message.
 * Without it, one command at a time. Replies are matched to commands in the order sent.
 */
export class SmtpSession {
  private socket?: Socket;
  private features: SessionFeatures = { pipelining: false, smtputf8: false };
  /** Commands not written yet, in order. */
  private readonly unwritten: Step[] = [];
  /** Commands written, waiting for their replies, in order. */
  private readonly awaiting: Step[] = [];
  /** DATA or QUIT among `awaiting`: nothing more may be written until it is answered. */
  private groupEnds = 0;
  private input = '';
  private replyLines: string[] = [];
  private quitting = false;
  private ended = false;
  private flushing = false;
  /** Transactions handed over and not finished. */
  load = 0;

  /** `onEnd` is called once, when the session is over (quit, failed or dropped). */
  constructor(
    private readonly timeoutMs: number,
    private readonly onEnd: (session: SmtpSession) => void,
  ) {}

  /** Set up, and takes transactions. */
  get ready(): boolean {
    return this.socket !== undefined && !this.ended && !this.quitting;
  }

  /** Takes over a socket whose session is set up; transactions added before then start now. */
  attach(socket: Socket, features: SessionFeatures): void {
    if (this.ended) {
      socket.destroy();
      return;
    }
    this.socket = socket;
    this.features = features;
    socket.setEncoding('utf8');
    socket.setTimeout(this.timeoutMs);
    socket.on('data', (chunk: string) => this.read(chunk));
    socket.on('timeout', () => this.timedOut());
    socket.on('error', (e: Error) => this.fail(smtpError(e.message, 'ESOCKET')));
    socket.on('close', () => this.fail(smtpError('Connection closed unexpectedly', 'ECONNECTION')));
    this.flush();
  }

  add(tx: Transaction): void {
    const flight: Flight = { tx, recipientsLeft: tx.envelope.to.length, accepted: 0, done: false };
    this.load++;
    const utf8 = this.features.smtputf8 && (NON_ASCII.test(tx.envelope.from) || tx.envelope.to.some((to) => NON_ASCII.test(to)));
    this.unwritten.push({ kind: 'MAIL', flight, out: `MAIL FROM:<${tx.envelope.from}>${utf8 ? ' SMTPUTF8' : ''}\r\n` });
    for (const to of tx.envelope.to) this.unwritten.push({ kind: 'RCPT', flight, out: `RCPT TO:<${to}>\r\n` });
    this.unwritten.push({ kind: 'DATA', flight, out: 'DATA\r\n' }, { kind: 'BODY', flight, out: '' });
    this.flush();
  }

  /** No reply for the timeout: the session is over; idle that long (SMTP_TIMEOUT_MS), it says goodbye. */
  private timedOut(): void {
    if (this.awaiting.length || this.quitting) this.fail(smtpError('Timeout', 'ETIMEDOUT'));
    else if (this.load === 0) this.quit();
  }

  /** Says goodbye once every transaction handed over is finished. */
  quit(): void {
    if (this.quitting || this.ended) return;
    this.quitting = true;
    if (!this.socket) return this.fail(smtpError('Connection closed', 'ECONNECTION'));
    this.unwritten.push({ kind: 'QUIT', out: 'QUIT\r\n' });
    this.flush();
  }

  /** Ends the session (or notes that it ended): every transaction not finished fails with `error`. */
  fail(error: SmtpError): void {
    if (this.ended) return;
    this.ended = true;
    this.socket?.destroy();
    for (const step of [...this.awaiting.splice(0), ...this.unwritten.splice(0)]) if (step.flight) this.finish(step.flight, error);
    this.onEnd(this);
  }

  /** Writes at the end of this turn of the event loop, once the replies read and the messages added in it are handled. */
  private flush(): void {
    if (this.flushing) return;
    this.flushing = true;
    setImmediate(() => {
      this.flushing = false;
      this.pump();
    });
  }

  /** Writes what may be written now, in one write: everything up to a DATA (pipelining), else one command. */
  private pump(): void {
    const socket = this.socket;
    if (!socket || this.ended) return;
    const pieces: Array<string | Buffer> = [];
    while (this.unwritten.length && (this.features.pipelining ? this.groupEnds === 0 : this.awaiting.length === 0)) {
      const step = this.unwritten.shift()!;
      if (step.kind === 'BODY' && step.flight) {
        step.out = dataOf(step.flight.tx.message);
        step.flight.tx.dataWritten = true;
      }
      if (step.kind === 'DATA' || step.kind === 'QUIT') this.groupEnds++;
      this.awaiting.push(step);
      pieces.push(step.out);
    }
    if (!pieces.length) return;
    if (pieces.every((p) => typeof p === 'string')) return void socket.write(pieces.join(''));
    socket.cork();
    for (const piece of pieces) socket.write(piece);
    socket.uncork();
  }

  private read(chunk: string): void {
    const input = this.input + chunk;
    let start = 0;
    for (let end = input.indexOf('\n'); end >= 0 && !this.ended; end = input.indexOf('\n', start)) {
      const line = input.slice(start, input.charCodeAt(end - 1) === 13 ? end - 1 : end);
      start = end + 1;
      // "250-…" lines continue a reply, "250 …" (or "250") ends it (RFC 5321 4.2.1).
      if (line.charCodeAt(3) === 45) {
        if (this.replyLines.push(line) > MAX_REPLY_LINES) return this.fail(smtpError('Server response exceeds maximum allowed size', 'EPROTOCOL'));
        continue;
      }
      const code = /^[2-5]\d\d$/.test(line.slice(0, 3)) ? Number(line.slice(0, 3)) : 0;
      const text = this.replyLines.length ? [...this.replyLines.splice(0), line].join('\n') : line;
      if (!code) return this.fail(smtpError('Invalid reply from the relay', 'EPROTOCOL', { code: 0, text }));
      this.reply({ code, text });
    }
    this.input = start < input.length ? input.slice(start) : '';
    if (this.input.length > MAX_REPLY_CHARS) return this.fail(smtpError('Server response exceeds maximum allowed size', 'EPROTOCOL'));
    this.flush();
  }

  private reply(reply: Reply): void {
    const step = this.awaiting.shift();
    if (!step) return this.fail(smtpError('Unexpected reply from the relay', 'EPROTOCOL', reply));
    if (step.kind === 'DATA' || step.kind === 'QUIT') this.groupEnds--;
    if (step.kind === 'QUIT') return void this.socket?.end();
    // 421: the relay is closing the session; nothing sent on it will be answered.
    if (reply.code === 421) return this.fail(smtpError('Server closed the connection', 'ECONNECTION', reply, step.kind));
    const ok = reply.code < 400;
    const flight = step.flight;
    if (!flight) {
      // RSET, or the lone dot after a refused envelope (whose reply means nothing).
      if (step.kind === 'RSET' && !ok) this.fail(smtpError('Could not reset the session', 'EPROTOCOL', reply, 'RSET'));
      return;
    }
    switch (step.kind) {
      case 'MAIL':
        if (!ok) this.refuse(flight, smtpError('Mail command failed', 'EENVELOPE', reply, 'MAIL FROM'));
        return;
      case 'RCPT':
        if (ok) flight.accepted++;
        if (--flight.recipientsLeft === 0 && flight.accepted === 0) {
          this.refuse(flight, smtpError("Can't send mail - all recipients were rejected", 'EENVELOPE', reply, 'RCPT TO'));
        }
        return;
      case 'DATA':
        if (reply.code === 354 && !flight.refusal) return;
        // The message is next in line (nothing after a DATA is written before its reply).
        if (reply.code === 354) {
          // RFC 2920 3.1: a DATA accepted after every recipient was refused gets a lone dot.
          this.unwritten[0] = { kind: 'BODY', out: '.\r\n' };
          this.unwritten.splice(1, 0, reset());
        } else this.unwritten[0] = reset();
        this.finish(flight, flight.refusal ?? smtpError('Data command failed', 'EENVELOPE', reply, 'DATA'));
        return;
      case 'BODY':
        // The end of the data ends the transaction whatever the reply (RFC 5321 4.1.1.4): no RSET needed.
        this.finish(flight, ok ? undefined : smtpError('Message failed', 'EMESSAGE', reply, 'DATA'), reply.text);
        return;
    }
  }

  /**
   * The transaction cannot go on. Pipelined, its DATA is already on the wire and its reply decides
   * what follows; one command at a time, the rest of it is dropped and the session reset.
   */
  private refuse(flight: Flight, error: SmtpError): void {
    flight.refusal ??= error;
    if (!this.unwritten.some((s) => s.flight === flight && s.kind === 'DATA')) return;
    const rest = this.unwritten.filter((s) => s.flight !== flight);
    this.unwritten.splice(0, this.unwritten.length, reset(), ...rest);
    this.finish(flight, flight.refusal);
  }

  private finish(flight: Flight, error: SmtpError | undefined, response?: string): void {
    if (flight.done) return;
    flight.done = true;
    this.load--;
    flight.tx.finish(error, response);
  }
}

const reset = (): Step => ({ kind: 'RSET', out: 'RSET\r\n' });

/** Error text as nodemailer writes it: "Message failed: 550 …". */
export function smtpError(message: string, code: string, reply?: Reply, command?: string): SmtpError {
  const error = new Error(reply ? `${message}: ${reply.text}` : message) as SmtpError;
  error.code = code;
  if (reply) {
    error.response = reply.text;
    if (reply.code) error.responseCode = reply.code;
  }
  if (command) error.command = command;
  return error;
}

/**
 * The message as DATA carries it (RFC 5321 4.5.2): every line break CRLF (a bare CR or LF could
 * let a relay see an early end of the data), a dot starting a line doubled, and the final dot.
 */
export function dataOf(message: string | Buffer): string | Buffer {
  const text = typeof message === 'string' ? message : message.toString('latin1');
  const lines = UNSAFE.test(text) ? text.replace(/\r\n|\r|\n/g, '\r\n').replace(/(^|\n)\./g, '$1..') : text;
  const data = lines.length === 0 || lines.endsWith('\r\n') ? `${lines}.\r\n` : `${lines}\r\n.\r\n`;
  return typeof message === 'string' ? data : Buffer.from(data, 'latin1');
}

/** A bare CR, a bare LF, or a dot at the start of a line. */
const UNSAFE = /\r(?!\n)|(?<!\r)\n|(?:^|\n)\./;
