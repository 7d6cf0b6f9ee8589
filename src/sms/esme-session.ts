import { connect, Socket } from 'net';
import { PDU, PduFields } from 'smpp';
import { decodeDeliverSm, DELIVER_SM, DeliverSm, deliverSmRespLength, InvalidDeliverSm, writeDeliverSmResp } from './deliver-sm';
import { SmppStatus, statusName } from './smpp-status';
import { PDU_HEADER, SubmitSm, submitSmLength, writeSubmitSm } from './submit-sm';

export type BindMode = 'transceiver' | 'transmitter' | 'receiver';
export type SessionState = 'connecting' | 'bound' | 'unbinding' | 'closed';

export const INTERFACE_VERSION_34 = 0x34;
const ESME_RINVBNDSTS = 0x0004;
const MAX_SEQUENCE = 0x7fffffff;
/** The package's limit, kept: a longer command_length is a broken stream, not a PDU. */
const MAX_PDU = 16384;
const SUBMIT_SM_RESP = 0x80000004;
/** Output buffer size: a tick's PDUs at a window of 100 fit in one. */
const OUTPUT_CHUNK = 64 * 1024;

export interface EsmeSessionOptions {
  host: string;
  port: number;
  systemId: string;
  password: string;
  systemType: string;
  mode: BindMode;
  /** Outstanding submit_sm this session may have at once. */
  window: number;
  responseTimeoutMs: number;
  /** Our keepalive: an enquire_link this often; one left unanswered for responseTimeoutMs kills the session. */
  enquireLinkMs: number;
}

/**
 * How a request ended. `not-sent`: nothing was written, sending it again cannot duplicate.
 * `no-response`: it was written and its answer never came (timeout, socket closed) — the SMSC
 * may or may not have acted on it.
 */
export type RequestResult =
  | { kind: 'response'; commandStatus: number; messageId?: string }
  | { kind: 'not-sent'; reason: string }
  | { kind: 'no-response'; reason: string };

export interface EsmeSessionHandlers {
  onBound(session: EsmeSession): void;
  /** A suspect session answered its probe and takes submits again. */
  onResumed(session: EsmeSession): void;
  onClosed(session: EsmeSession, reason: string): void;
  /** A deliver_sm (receipt or MO). Resolving acknowledges it; rejecting answers ESME_RX_T_APPN so the SMSC delivers it again. */
  onDeliver(deliver: DeliverSm, session: EsmeSession): Promise<void> | void;
  /** A deliver_sm whose fields cannot be read (why, naming the field): it is answered ESME_RX_P_APPN and the session goes on. */
  onUnreadable(session: EsmeSession, reason: string): void;
}

interface Pending {
  done: (r: RequestResult) => void;
  /** Date.now() after which the answer counts as not coming. */
  expiresAt: number;
  command: string;
}

/**
 * One SMPP bind over one TCP connection: connecting → bound → unbinding → closed, never reused —
 * a reconnect builds a new session. The smpp package is the codec for every PDU but those of the
 * two hot paths, which are ours: submit_sm (submit-sm.ts) and submit_sm_resp (read here) when
 * sending, deliver_sm and deliver_sm_resp (deliver-sm.ts) when receiving.
 * The socket, request table, timeouts, window and keepalive are ours too, because the package
 * never calls back a request whose socket closed. Every PDU is written into one output buffer,
 * and what a tick wrote leaves in one socket write at its end.
 */
export class EsmeSession {
  state: SessionState = 'connecting';
  private readonly socket: Socket;
  /** Octets of a PDU not yet whole, from earlier reads. */
  private input?: Buffer;
  /** Requests waiting for their answer, oldest first (every request has the same timeout). */
  private readonly pending = new Map<number, Pending>();
  /** One timer for the oldest waiting request, not one per request. */
  private timeoutTimer?: NodeJS.Timeout;
  private sequence = 0;
  private submitsInFlight = 0;
  private keepalive?: NodeJS.Timeout;
  private readonly connectTimer: NodeJS.Timeout;
  /** A submit went unanswered: no more submits here until an enquire_link shows the SMSC still answers. */
  private suspect = false;
  private drained?: () => void;
  /** The output buffer: octets before `flushed` are with the socket and never written over; a full one is left to them. */
  private output = Buffer.allocUnsafe(0);
  private used = 0;
  private flushed = 0;
  private flushQueued = false;
  private readonly flushAtTickEnd = () => {
    this.flushQueued = false;
    this.flush();
  };

  constructor(
    readonly name: string,
    private readonly opts: EsmeSessionOptions,
    private readonly handlers: EsmeSessionHandlers,
  ) {
    this.socket = connect({ host: opts.host, port: opts.port });
    this.socket.setNoDelay(true);
    this.socket.on('connect', () => {
      clearTimeout(this.connectTimer);
      void this.bind();
    });
    this.socket.on('data', (chunk: Buffer) => this.read(chunk));
    this.socket.on('error', (e: Error) => this.destroy(`socket error: ${e.message}`));
    this.socket.on('close', () => this.closed('connection closed'));
    // The bind has its own response timeout; this covers a TCP connect that never completes.
    this.connectTimer = setTimeout(() => this.state === 'connecting' && this.destroy('connect timed out'), opts.responseTimeoutMs);
  }

  get mode(): BindMode {
    return this.opts.mode;
  }

  get inFlight(): number {
    return this.submitsInFlight;
  }

  /** Bound, allowed to submit, and below its window. */
  get canSubmit(): boolean {
    return this.state === 'bound' && !this.suspect && this.opts.mode !== 'receiver' && this.submitsInFlight < this.opts.window;
  }

  /**
   * Submits one part within the window; `done` learns how it ended, once, never during this call
   * (an answer calls it as it is read: no promise a part on the hot path).
   */
  submit(part: SubmitSm, done: (r: RequestResult) => void): void {
    const refused = this.refusal();
    if (refused) return queueMicrotask(() => done(refused));
    let length: number;
    try {
      length = submitSmLength(part);
    } catch (e) {
      return queueMicrotask(() => done({ kind: 'not-sent', reason: `could not encode submit_sm: ${(e as Error).message}` }));
    }
    const sequence = this.nextSequence();
    const at = this.reserve(length); // may start a new output buffer
    writeSubmitSm(part, sequence, length, this.output, at);
    this.submitsInFlight++;
    this.expect('submit_sm', sequence, done);
  }

  /** Drains in-flight submits (up to drainMs), unbinds, closes. */
  async unbind(drainMs: number): Promise<void> {
    if (this.state === 'closed') return;
    if (this.state === 'connecting') return this.destroy('shutting down before bound');
    this.state = 'unbinding';
    if (this.submitsInFlight > 0) {
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, drainMs);
        this.drained = () => {
          clearTimeout(timer);
          resolve();
        };
      });
    }
    if (this.isClosed()) return;
    const closed = new Promise<void>((resolve) => this.socket.once('close', () => resolve()));
    await this.request('unbind');
    this.close();
    // A peer that never closes its side must not hold the shutdown.
    const timer = setTimeout(() => this.destroy('unbind: peer did not close'), this.opts.responseTimeoutMs);
    await closed;
    clearTimeout(timer);
  }

  destroy(reason: string): void {
    if (this.state === 'closed') return;
    this.socket.destroy();
    this.closed(reason);
  }

  private isClosed(): boolean {
    return this.state === 'closed';
  }

  private async bind(): Promise<void> {
    const command = `bind_${this.opts.mode}`;
    const result = await this.request(command, {
      system_id: this.opts.systemId,
      password: this.opts.password,
      system_type: this.opts.systemType,
      interface_version: INTERFACE_VERSION_34,
      addr_ton: 0,
      addr_npi: 0,
      address_range: '',
    });
    if (result.kind !== 'response') return this.destroy(`${command}: ${result.reason}`);
    if (result.commandStatus !== SmppStatus.OK) return this.destroy(`${command} refused: ${statusName(result.commandStatus)}`);
    if (this.state !== 'connecting') return;
    this.state = 'bound';
    this.keepalive = setInterval(() => void this.enquireLink(), this.opts.enquireLinkMs);
    this.handlers.onBound(this);
  }

  private async enquireLink(): Promise<void> {
    const result = await this.request('enquire_link');
    if (result.kind === 'no-response') this.destroy(`enquire_link unanswered: ${result.reason}`);
  }

  /** Resending an unanswered part into a session that has stopped answering would only lose it again. */
  private async probe(): Promise<void> {
    if (this.suspect || this.state !== 'bound') return;
    this.suspect = true;
    await this.enquireLink();
    if (this.state !== 'bound') return;
    this.suspect = false;
    this.handlers.onResumed(this);
  }

  private nextSequence(): number {
    this.sequence = this.sequence >= MAX_SEQUENCE ? 1 : this.sequence + 1;
    return this.sequence;
  }

  /** Why nothing can be written now, if so. */
  private refusal(): RequestResult | undefined {
    if (this.state === 'closed') return { kind: 'not-sent', reason: 'session closed' };
    if (!this.socket.writable) return { kind: 'not-sent', reason: 'socket not writable' };
    return undefined;
  }

  /** A request other than submit_sm, encoded by the package. */
  private request(command: string, fields: PduFields = {}): Promise<RequestResult> {
    const refused = this.refusal();
    if (refused) return Promise.resolve(refused);
    const sequence = this.nextSequence();
    let pdu: Buffer;
    try {
      pdu = new PDU(command, { ...fields, sequence_number: sequence }).toBuffer();
    } catch (e) {
      return Promise.resolve({ kind: 'not-sent', reason: `could not encode ${command}: ${(e as Error).message}` });
    }
    this.write(pdu);
    return new Promise((resolve) => this.expect(command, sequence, resolve));
  }

  private expect(command: string, sequence: number, done: (r: RequestResult) => void): void {
    this.pending.set(sequence, { done, expiresAt: Date.now() + this.opts.responseTimeoutMs, command });
    this.armTimeout();
  }

  private settle(sequence: number, result: RequestResult): void {
    const p = this.pending.get(sequence);
    if (!p) return; // an answer after its timeout
    this.pending.delete(sequence);
    if (p.command === 'submit_sm' && --this.submitsInFlight === 0) this.drained?.();
    p.done(result);
  }

  private armTimeout(): void {
    if (this.timeoutTimer || this.pending.size === 0) return;
    const oldest = this.pending.values().next().value!;
    this.timeoutTimer = setTimeout(() => this.expireOverdue(), Math.max(0, oldest.expiresAt - Date.now()));
  }

  /** Settles every request whose answer is overdue, then waits for the next oldest. */
  private expireOverdue(): void {
    this.timeoutTimer = undefined;
    const t = Date.now();
    for (const [sequence, p] of this.pending) {
      if (p.expiresAt > t) break;
      if (p.command === 'submit_sm') void this.probe();
      this.settle(sequence, { kind: 'no-response', reason: `no ${p.command}_resp within ${this.opts.responseTimeoutMs} ms` });
    }
    this.armTimeout();
  }

  /** Room for `length` octets in the output buffer, at the returned offset; what a tick wrote leaves at its end. */
  private reserve(length: number): number {
    if (this.output.length - this.used < length) {
      this.flush();
      this.output = Buffer.allocUnsafe(Math.max(OUTPUT_CHUNK, length));
      this.used = this.flushed = 0;
    }
    if (!this.flushQueued) {
      this.flushQueued = true;
      process.nextTick(this.flushAtTickEnd);
    }
    const at = this.used;
    this.used += length;
    return at;
  }

  private write(pdu: Buffer): void {
    const at = this.reserve(pdu.length); // may start a new output buffer
    pdu.copy(this.output, at);
  }

  /** Many PDUs written in one tick leave in one TCP write instead of one each. */
  private flush(): void {
    if (this.used === this.flushed) return;
    if (this.state !== 'closed' && this.socket.writable) this.socket.write(this.output.subarray(this.flushed, this.used));
    this.flushed = this.used;
  }

  /** Ends our side once what is written has left. */
  private close(): void {
    this.flush();
    this.socket.end();
  }

  private reply(pdu: PDU, status = 0): void {
    if (this.state === 'closed' || !this.socket.writable) return;
    this.write(pdu.response(status ? { command_status: status } : {}).toBuffer());
  }

  private answerDeliver(sequence: number, status: number): void {
    if (this.state === 'closed' || !this.socket.writable) return;
    const at = this.reserve(deliverSmRespLength(status)); // first: it may start a new output buffer
    writeDeliverSmResp(sequence, status, this.output, at);
  }

  /** Splits the stream into PDUs; one that cannot be framed or read ends the session, as nothing after it can be trusted (a deliver_sm is refused instead, see onPdu). */
  private read(chunk: Buffer): void {
    const data = this.input ? Buffer.concat([this.input, chunk]) : chunk;
    let o = 0;
    while (data.length - o >= 4) {
      const length = data.readUInt32BE(o);
      if (length < PDU_HEADER || length > MAX_PDU) return this.destroy(`PDU error: command_length ${length}`);
      if (data.length - o < length) break;
      const pdu = data.subarray(o, o + length);
      o += length;
      try {
        this.onPdu(pdu);
      } catch (e) {
        return this.destroy(`PDU error: ${(e as Error).message}`);
      }
      if (this.state === 'closed') return;
    }
    this.input = o < data.length ? data.subarray(o) : undefined;
  }

  /** submit_sm_resp is read here (a message_id after the header, absent on some refusals), deliver_sm by deliver-sm.ts; any other PDU by the package. */
  private onPdu(bytes: Buffer): void {
    const commandId = bytes.readUInt32BE(4);
    if (commandId === SUBMIT_SM_RESP) {
      let end = PDU_HEADER;
      while (end < bytes.length && bytes[end] !== 0) end++;
      const messageId = end > PDU_HEADER ? bytes.toString('ascii', PDU_HEADER, end) : undefined;
      return this.settle(bytes.readUInt32BE(12), { kind: 'response', commandStatus: bytes.readUInt32BE(8), messageId });
    }
    if (commandId === DELIVER_SM) {
      const sequence = bytes.readUInt32BE(12);
      let deliver: DeliverSm;
      try {
        deliver = decodeDeliverSm(bytes);
      } catch (e) {
        if (!(e instanceof InvalidDeliverSm)) throw e;
        // Its length was right, so the stream is still in step: refuse this one for good (the SMSC would
        // only send the same octets again, and ending the session would bring them back on every bind).
        this.handlers.onUnreadable(this, e.message);
        return this.answerDeliver(sequence, SmppStatus.PERMANENT_APP_ERROR);
      }
      return void Promise.resolve()
        .then(() => this.handlers.onDeliver(deliver, this))
        .then(
          () => this.answerDeliver(sequence, SmppStatus.OK),
          () => this.answerDeliver(sequence, SmppStatus.TEMPORARY_APP_ERROR),
        );
    }
    const pdu = new PDU(bytes);
    if (pdu.isResponse()) return this.settle(pdu.sequence_number, { kind: 'response', commandStatus: pdu.command_status, messageId: pdu.message_id });
    switch (pdu.command) {
      case 'enquire_link':
        return this.reply(pdu);
      case 'unbind':
        this.reply(pdu);
        this.state = 'unbinding';
        this.close();
        return;
      case 'alert_notification':
      case 'outbind':
        return; // neither has a response
      default:
        // 'unknown' becomes generic_nack ESME_RINVCMDID inside response(); a known request an ESME does not serve is out of bind state.
        return this.reply(pdu, pdu.command === 'unknown' ? SmppStatus.INVALID_COMMAND_ID : ESME_RINVBNDSTS);
    }
  }

  /** Ends the session once: every request still waiting learns its answer will not come. */
  private closed(reason: string): void {
    if (this.state === 'closed') return;
    this.state = 'closed';
    clearTimeout(this.connectTimer);
    clearInterval(this.keepalive);
    clearTimeout(this.timeoutTimer);
    // The owner learns of the close before the requests do: a part it sends again must not find this bind still counted.
    this.handlers.onClosed(this, reason);
    for (const sequence of [...this.pending.keys()]) this.settle(sequence, { kind: 'no-response', reason });
    this.drained?.();
  }
}
