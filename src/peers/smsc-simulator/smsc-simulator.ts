import { createServer as createHttpServer, IncomingMessage, Server as HttpServer, ServerResponse } from 'http';
import { AddressInfo } from 'net';
import { createServer, DecodedMessage, PDU, Server, Session } from 'smpp';
import { formatReceiptText } from '../../sms/delivery-receipt';
import { encodeSms, readConcat } from '../../sms/segmentation';
import { SmppStatus } from '../../sms/smpp-status';
import { TokenBucket } from '../../sms/token-bucket';

/**
 * A local SMSC for the demo and the tests, on the smpp package's server side: binds with a
 * credential check, submit_sm answered at once with ids, receipts per part after a delay, MO
 * injection, and the faults an ESME must survive (throttling, disconnects, a malformed PDU,
 * a connection that stops answering).
 */

export type ReceiptStat = 'DELIVRD' | 'UNDELIV' | 'EXPIRED' | 'REJECTD';
const MESSAGE_STATE: Record<ReceiptStat, number> = { DELIVRD: 2, EXPIRED: 3, UNDELIV: 5, REJECTD: 8 };

export interface SmscSimulatorOptions {
  host?: string;
  /** 0 (default) picks a free port. */
  smppPort?: number;
  httpPort?: number;
  /** Accepted credentials; undefined accepts any. */
  systemId?: string;
  password?: string;
  /** Receipts per part after delayMs, stat drawn by weight; false sends none. */
  receipts?: { delayMs: number; outcomes?: Partial<Record<ReceiptStat, number>>; /** 'text': no receipted_message_id / message_state TLVs. */ form?: 'tlv+text' | 'text' } | false;
  /** submit_sm a second across all sessions before ESME_RTHROTTLED; 0 = no limit. */
  throttleRate?: number;
  /** Chance per submit_sm of dropping the connection instead of answering. */
  disconnectProbability?: number;
  /** Destination prefixes answered with ESME_RINVDSTADR. */
  rejectPrefixes?: string[];
  /** Messages kept for GET /messages. */
  keepMessages?: number;
  log?: (line: string) => void;
}

export interface SimPart {
  messageId: string;
  seq: number;
  dataCoding: number;
  esmClass: number;
  udh?: string;
  text: string;
}

export interface SimMessage {
  from: string;
  to: string;
  text: string;
  dataCoding: number;
  parts: SimPart[];
  totalParts: number;
  complete: boolean;
  receivedAt: string;
}

export interface SimStats {
  sessions: number;
  /** Bound sessions by mode. */
  bound: Record<string, number>;
  binds: number;
  unbinds: number;
  bindsRefused: number;
  submitted: number;
  throttled: number;
  rejected: number;
  disconnects: number;
  receiptsSent: number;
  receiptsAcked: number;
  receiptsWaiting: number;
  moSent: number;
  /** deliver_sm of MO messages (and of sendDeliver) the ESME acknowledged, or refused with an error status. */
  moAcked: number;
  moRefused: number;
  /** Those sent and not answered yet. */
  moUnanswered: number;
  malformedSent: number;
  /** When the first and the latest accepted submit_sm arrived (epoch ms), for time-to-first-SMS. */
  firstSubmitAt: number | null;
  lastSubmitAt: number | null;
}

export interface SmscSimulator {
  smppPort: number;
  httpPort: number;
  httpUrl: string;
  stats(): SimStats;
  messages(): SimMessage[];
  /** Drops every connection now, or only those bound as `mode`. */
  dropConnections(mode?: 'transceiver' | 'transmitter' | 'receiver'): number;
  /** Writes a PDU the codec cannot parse to every bound session. */
  sendMalformed(): number;
  /** Current connections stop answering anything (enquire_link included); new ones behave. */
  stall(): number;
  setThrottle(rate: number): void;
  setDisconnectProbability(p: number): void;
  /** Sends an MO message (split with a UDH when long); resolves with the number of parts sent. */
  sendMo(from: string, to: string, text: string): number;
  /** Sends one deliver_sm with these fields as given (a test's own receipt or odd PDU); false when nothing is bound to receive it. */
  sendDeliver(fields: Record<string, unknown>): boolean;
  stop(): Promise<void>;
}

interface SimSession {
  session: Session;
  mode?: 'transceiver' | 'transmitter' | 'receiver';
  systemId?: string;
  stalled: boolean;
  /** deliver_sm awaiting their resp, by sequence number. */
  awaiting: Map<number, Receipt>;
  /** MO deliver_sm awaiting their resp. */
  awaitingMo: Set<number>;
  corked: boolean;
}

interface SimAddress {
  ton: number;
  npi: number;
  addr: string;
}

/**
 * A receipt waiting to go out, kept small (a million may wait at 2M subscribers): the deliver_sm
 * is built from it when sent.
 */
interface Receipt {
  dueAt: number;
  messageId: string;
  stat: ReceiptStat;
  /** submit_sm's source and destination; the receipt goes the other way. */
  from: SimAddress;
  to: SimAddress;
  submittedAt: number;
  /** The first 20 characters of the text when plain ASCII, as SMSCs quote them. */
  text20: string;
}

/**
 * Receipts in the order they fall due. Taken from the front by an index, not Array.shift: with a
 * million waiting, every shift copied the whole array (most of the simulator's CPU at 2M).
 */
class ReceiptQueue {
  private items: Receipt[] = [];
  private head = 0;

  get length(): number {
    return this.items.length - this.head;
  }

  first(): Receipt | undefined {
    return this.items[this.head];
  }

  push(r: Receipt): void {
    this.items.push(r);
  }

  take(): Receipt | undefined {
    const r = this.items[this.head++];
    if (this.head > 4096 && this.head * 2 > this.items.length) {
      this.items = this.items.slice(this.head);
      this.head = 0;
    }
    return r;
  }

  /** Back to the front (sent on a connection that dropped before the answer). */
  putBack(r: Receipt): void {
    if (this.head > 0) this.items[--this.head] = r;
    else this.items.unshift(r);
  }
}

const BIND_COMMANDS: Record<string, SimSession['mode']> = {
  bind_transceiver: 'transceiver',
  bind_transmitter: 'transmitter',
  bind_receiver: 'receiver',
};
const ESME_RALYBND = 0x0005;
const ESME_RINVBNDSTS = 0x0004;
const RECEIPT_FLUSH_MS = 10;
/** Unanswered deliver_sm per bind, as SMSCs allow (commonly 10–100). */
const RECEIPT_WINDOW = 100;

function smscTime(d: Date): string {
  const p = (n: number) => String(n).padStart(2, '0');
  return `${p(d.getUTCFullYear() % 100)}${p(d.getUTCMonth() + 1)}${p(d.getUTCDate())}${p(d.getUTCHours())}${p(d.getUTCMinutes())}`;
}

function decodedText(value: Buffer | DecodedMessage | undefined): { text: string; udh?: Buffer } {
  if (!value) return { text: '' };
  if (Buffer.isBuffer(value)) return { text: value.toString('hex') };
  const text = typeof value.message === 'string' ? value.message : value.message.toString('hex');
  // The package hands the UDH back as its information elements; rebuild the header with its length octet.
  const udh = value.udh?.length ? Buffer.concat([Buffer.from([value.udh.reduce((n, ie) => n + ie.length, 0)]), ...value.udh]) : undefined;
  return { text, udh };
}

function pickStat(outcomes: Partial<Record<ReceiptStat, number>>): ReceiptStat {
  const entries = Object.entries(outcomes).filter(([, w]) => (w ?? 0) > 0) as [ReceiptStat, number][];
  const total = entries.reduce((n, [, w]) => n + w, 0);
  let r = Math.random() * total;
  for (const [stat, w] of entries) if ((r -= w) < 0) return stat;
  return 'DELIVRD';
}

function listen(server: { listen(port: number, host: string, cb: () => void): unknown; once(e: 'error', cb: (e: Error) => void): unknown; address(): unknown }, port: number, host: string): Promise<number> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => resolve((server.address() as AddressInfo).port));
  });
}

export async function startSmscSimulator(options: SmscSimulatorOptions = {}): Promise<SmscSimulator> {
  const host = options.host ?? '127.0.0.1';
  const log = options.log ?? (() => undefined);
  const keep = options.keepMessages ?? 10_000;
  const sessions = new Set<SimSession>();
  const stats = { binds: 0, unbinds: 0, bindsRefused: 0, submitted: 0, throttled: 0, rejected: 0, disconnects: 0, receiptsSent: 0, receiptsAcked: 0, moSent: 0, moAcked: 0, moRefused: 0, malformedSent: 0,
    firstSubmitAt: null as number | null, lastSubmitAt: null as number | null };
  const messages: SimMessage[] = [];
  const assembling = new Map<string, SimMessage>();
  const receipts = new ReceiptQueue();
  let nextId = 0x10000;
  let throttle = new TokenBucket(options.throttleRate ?? 0);
  let disconnectProbability = options.disconnectProbability ?? 0;
  let receiverTurn = 0;

  const send = (s: SimSession, pdu: PDU) => {
    if (!s.corked) {
      s.corked = true;
      s.session.socket.cork();
      process.nextTick(() => {
        s.corked = false;
        s.session.socket.uncork();
      });
    }
    s.session.send(pdu);
  };

  const record = (pdu: PDU, messageId: string) => {
    const short = decodedText(pdu.short_message);
    const payload = decodedText(pdu.message_payload);
    const { text, udh } = payload.text ? payload : short;
    const concat = udh ? readConcat(udh) : undefined;
    const dataCoding = pdu.data_coding ?? 0;
    const part: SimPart = { messageId, seq: concat?.seq ?? 1, dataCoding, esmClass: pdu.esm_class ?? 0, udh: udh?.toString('hex'), text };
    const from = pdu.source_addr ?? '';
    const to = pdu.destination_addr ?? '';
    const key = concat && `${from}|${to}|${concat.reference}|${concat.total}`;
    let message = key ? assembling.get(key) : undefined;
    if (!message) {
      message = { from, to, text: '', dataCoding, parts: [], totalParts: concat?.total ?? 1, complete: false, receivedAt: new Date().toISOString() };
      messages.push(message);
      if (messages.length > keep) messages.splice(0, messages.length - keep);
      if (key) assembling.set(key, message);
    }
    message.parts.push(part);
    message.parts.sort((a, b) => a.seq - b.seq);
    message.text = message.parts.map((p) => p.text).join('');
    if (message.parts.length >= message.totalParts) {
      message.complete = true;
      if (key) assembling.delete(key);
    }
  };

  const scheduleReceipt = (pdu: PDU, messageId: string) => {
    if (!options.receipts || !(pdu.registered_delivery ?? 0)) return;
    const { text } = decodedText(pdu.short_message);
    const now = Date.now();
    receipts.push({
      dueAt: now + options.receipts.delayMs,
      messageId,
      stat: pickStat(options.receipts.outcomes ?? { DELIVRD: 1 }),
      from: { ton: pdu.source_addr_ton ?? 0, npi: pdu.source_addr_npi ?? 0, addr: pdu.source_addr ?? '' },
      to: { ton: pdu.dest_addr_ton ?? 0, npi: pdu.dest_addr_npi ?? 0, addr: pdu.destination_addr ?? '' },
      submittedAt: now,
      text20: /^[A-Za-z0-9 .,!?:-]*$/.test(text.slice(0, 20)) ? text.slice(0, 20) : '',
    });
  };

  /** The deliver_sm of a receipt: from the recipient back to the sender, with the text form and (unless 'text') the TLVs. */
  const receiptFields = (r: Receipt): Record<string, unknown> => {
    const { from, to } = r;
    const text = formatReceiptText({
      id: String(parseInt(r.messageId, 16)).padStart(10, '0'),
      stat: r.stat,
      err: r.stat === 'DELIVRD' ? '000' : r.stat === 'REJECTD' ? '011' : '001',
      submitDate: smscTime(new Date(r.submittedAt)),
      doneDate: smscTime(new Date(r.dueAt)),
      text: r.text20,
    });
    const tlvs = options.receipts && options.receipts.form === 'text' ? {} : { receipted_message_id: r.messageId, message_state: MESSAGE_STATE[r.stat] };
    return {
      ...tlvs,
      source_addr_ton: to.ton, source_addr_npi: to.npi, source_addr: to.addr,
      dest_addr_ton: from.ton, dest_addr_npi: from.npi, destination_addr: from.addr,
      esm_class: 0x04, data_coding: 0, short_message: Buffer.from(text, 'ascii'),
    };
  };

  const receivers = () => [...sessions].filter((s) => (s.mode === 'transceiver' || s.mode === 'receiver') && !s.stalled && s.session.socket.writable);

  const deliver = (fields: Record<string, unknown>): SimSession | undefined => {
    const rx = receivers();
    if (rx.length === 0) return undefined;
    const s = rx[receiverTurn++ % rx.length];
    const pdu = new PDU('deliver_sm', fields);
    send(s, pdu);
    s.awaitingMo.add(pdu.sequence_number);
    return s;
  };

  const flushReceipts = () => {
    const now = Date.now();
    for (let r = receipts.first(); r && r.dueAt <= now; r = receipts.first()) {
      // Like a real SMSC, at most a window of unanswered deliver_sm per bind: the ESME's pace holds receipts back.
      const rx = receivers().filter((c) => c.awaiting.size < RECEIPT_WINDOW);
      if (rx.length === 0) return; // kept until a receiver binds or answers
      receipts.take();
      const s = rx[receiverTurn++ % rx.length];
      const pdu = new PDU('deliver_sm', receiptFields(r));
      send(s, pdu);
      s.awaiting.set(pdu.sequence_number, r);
      stats.receiptsSent++;
    }
  };
  const receiptTimer = setInterval(flushReceipts, RECEIPT_FLUSH_MS);
  receiptTimer.unref();

  const onSubmit = (s: SimSession, pdu: PDU) => {
    if (s.mode !== 'transceiver' && s.mode !== 'transmitter') return send(s, pdu.response({ command_status: ESME_RINVBNDSTS }));
    if (disconnectProbability > 0 && Math.random() < disconnectProbability) {
      stats.disconnects++;
      return s.session.destroy();
    }
    if (!throttle.tryTake()) {
      stats.throttled++;
      return send(s, pdu.response({ command_status: SmppStatus.THROTTLED }));
    }
    const dest = pdu.destination_addr ?? '';
    if (options.rejectPrefixes?.some((p) => dest.startsWith(p))) {
      stats.rejected++;
      return send(s, pdu.response({ command_status: SmppStatus.INVALID_DESTINATION }));
    }
    const messageId = (nextId++).toString(16).toUpperCase();
    stats.submitted++;
    stats.lastSubmitAt = Date.now();
    stats.firstSubmitAt ??= stats.lastSubmitAt;
    send(s, pdu.response({ message_id: messageId }));
    record(pdu, messageId);
    scheduleReceipt(pdu, messageId);
  };

  const onPdu = (s: SimSession, pdu: PDU) => {
    if (s.stalled) return;
    const bindMode = BIND_COMMANDS[pdu.command];
    if (bindMode) {
      if (s.mode) return send(s, pdu.response({ command_status: ESME_RALYBND }));
      if (options.systemId !== undefined && pdu.system_id !== options.systemId) {
        stats.bindsRefused++;
        return send(s, pdu.response({ command_status: SmppStatus.INVALID_SYSTEM_ID }));
      }
      if (options.password !== undefined && pdu.password !== options.password) {
        stats.bindsRefused++;
        return send(s, pdu.response({ command_status: SmppStatus.INVALID_PASSWORD }));
      }
      s.mode = bindMode;
      s.systemId = pdu.system_id;
      stats.binds++;
      log(`bound ${bindMode} as ${pdu.system_id} (interface version 0x${(pdu.interface_version ?? 0).toString(16)})`);
      return send(s, pdu.response({ system_id: 'SMSCSIM' }));
    }
    switch (pdu.command) {
      case 'submit_sm':
        return onSubmit(s, pdu);
      case 'enquire_link':
        return send(s, pdu.response());
      case 'unbind':
        send(s, pdu.response());
        stats.unbinds++;
        log(`${s.mode ?? 'unbound'} session unbound by the ESME`);
        s.mode = undefined;
        return s.session.close();
      case 'deliver_sm_resp': {
        if (s.awaitingMo.delete(pdu.sequence_number)) {
          if (pdu.command_status === 0) stats.moAcked++;
          else stats.moRefused++;
          return;
        }
        const r = s.awaiting.get(pdu.sequence_number);
        s.awaiting.delete(pdu.sequence_number);
        if (r && pdu.command_status === 0) stats.receiptsAcked++;
        else if (r) receipts.push({ ...r, dueAt: Date.now() + 1000 }); // refused: try again later
        return;
      }
      default:
        if (pdu.isResponse()) return;
        return send(s, pdu.response({ command_status: SmppStatus.INVALID_COMMAND_ID }));
    }
  };

  const smpp: Server = createServer({}, (session: Session) => {
    const s: SimSession = { session, stalled: false, awaiting: new Map(), awaitingMo: new Set(), corked: false };
    sessions.add(s);
    session.socket.setNoDelay(true);
    session.on('pdu', (pdu: PDU) => onPdu(s, pdu));
    session.on('error', (e: Error) => {
      log(`${s.mode ?? 'unbound'} session dropped: ${e.message}`);
      session.destroy();
    });
    session.on('close', () => {
      sessions.delete(s);
      // Receipts sent on a dropped connection were never acknowledged: send them again.
      for (const r of s.awaiting.values()) receipts.putBack(r);
    });
  });
  const smppPort = await listen(smpp, options.smppPort ?? 0, host);

  const http: HttpServer = createHttpServer((req, res) => void handleHttp(req, res));
  const httpPort = await listen(http, options.httpPort ?? 0, host);

  const sim: SmscSimulator = {
    smppPort,
    httpPort,
    httpUrl: `http://${host}:${httpPort}`,
    stats: () => {
      const bound: Record<string, number> = {};
      for (const x of sessions) if (x.mode) bound[x.mode] = (bound[x.mode] ?? 0) + 1;
      const moUnanswered = [...sessions].reduce((n, s) => n + s.awaitingMo.size, 0);
      return { sessions: sessions.size, bound, receiptsWaiting: receipts.length, moUnanswered, ...stats };
    },
    messages: () => messages,
    dropConnections(mode) {
      const dropped = [...sessions].filter((s) => mode === undefined || s.mode === mode);
      for (const s of dropped) s.session.destroy();
      stats.disconnects += dropped.length;
      return dropped.length;
    },
    sendMalformed() {
      let n = 0;
      // command_length 8: shorter than a PDU header, which the codec cannot parse.
      for (const s of sessions) if (s.mode && s.session.socket.writable) n += +s.session.socket.write(Buffer.from([0, 0, 0, 8, 0, 0, 0, 0]));
      stats.malformedSent += n;
      return n;
    },
    stall() {
      for (const s of sessions) s.stalled = true;
      return sessions.size;
    },
    setThrottle(rate) {
      throttle = new TokenBucket(rate);
    },
    setDisconnectProbability(p) {
      disconnectProbability = p;
    },
    sendMo(from, to, text) {
      const { dataCoding, pdus } = encodeSms(text, { gsmDataCoding: 0, longMessages: 'udh' });
      const sender = from.replace(/^\+/, '');
      const alnum = /\D/.test(to.replace(/^\+/, ''));
      let sent = 0;
      for (const p of pdus) {
        const s = deliver({
          source_addr_ton: 1,
          source_addr_npi: 1,
          source_addr: sender,
          dest_addr_ton: alnum ? 5 : 1,
          dest_addr_npi: alnum ? 0 : 1,
          destination_addr: to.replace(/^\+/, ''),
          esm_class: p.esmClass,
          data_coding: dataCoding,
          short_message: p.shortMessage,
        });
        if (s) sent++;
      }
      stats.moSent += sent;
      return sent;
    },
    sendDeliver(fields) {
      return deliver(fields) !== undefined;
    },
    async stop() {
      clearInterval(receiptTimer);
      for (const s of sessions) s.session.destroy();
      await Promise.all([new Promise((r) => smpp.close(r)), new Promise((r) => http.close(r))]);
    },
  };

  async function handleHttp(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://sim');
    const reply = (status: number, body: unknown) => {
      res.writeHead(status, { 'content-type': 'application/json; charset=utf-8' });
      res.end(JSON.stringify(body, null, 2));
    };
    try {
      if (req.method === 'GET' && url.pathname === '/stats') return reply(200, sim.stats());
      if (req.method === 'GET' && url.pathname === '/messages') {
        const limit = Math.max(1, Math.min(keep, Number(url.searchParams.get('limit')) || 100));
        return reply(200, messages.slice(-limit).reverse());
      }
      if (req.method === 'POST' && url.pathname === '/mo') {
        let raw = '';
        for await (const chunk of req) raw += chunk;
        const body = JSON.parse(raw || '{}') as { from?: unknown; to?: unknown; text?: unknown };
        if (typeof body.from !== 'string' || typeof body.to !== 'string' || typeof body.text !== 'string' || !/^\+?\d{7,15}$/.test(body.from)) {
          return reply(400, { error: 'body must be {"from": "+7913…", "to": "Outages", "text": "…"}' });
        }
        const parts = sim.sendMo(body.from, body.to, body.text);
        return reply(parts ? 202 : 503, parts ? { parts } : { error: 'no receiver or transceiver is bound' });
      }
      if (req.method === 'POST' && url.pathname === '/control/disconnect') return reply(200, { dropped: sim.dropConnections() });
      if (req.method === 'POST' && url.pathname === '/control/malformed') return reply(200, { sent: sim.sendMalformed() });
      if (req.method === 'POST' && url.pathname === '/control/stall') return reply(200, { stalled: sim.stall() });
      return reply(404, { error: 'GET /messages, GET /stats, POST /mo, POST /control/{disconnect,malformed,stall}' });
    } catch (e) {
      return reply(400, { error: (e as Error).message });
    }
  }

  return sim;
}
