import { Logger } from '@nestjs/common';
import type { DeliverSm } from './deliver-sm';
import { BindMode, EsmeSession, RequestResult } from './esme-session';
import { InboundSms, toInboundSms } from './inbound';
import { reportBinds, smppReconnects, smppSubmitSeconds, smppThrottled, smppUnanswered } from './smpp.metrics';
import { classifyStatus, statusName } from './smpp-status';
import { SubmitSm } from './submit-sm';
import { TokenBucket } from './token-bucket';

export interface SmscClientOptions {
  name: string;
  host: string;
  port: number;
  systemId: string;
  password: string;
  systemType: string;
  /** Many SMSCs only take a transmitter + receiver pair; `transmitter` only sends (receipts come on receiverBinds). */
  bindMode: 'transceiver' | 'transmitter-receiver' | 'transmitter';
  /** Binds (pairs in transmitter-receiver mode) kept open at once. */
  binds: number;
  /** Receive-only binds besides those (receipts and replies): each adds the SMSC's window of unanswered deliver_sm. */
  receiverBinds?: number;
  /** Outstanding submit_sm per bind. */
  window: number;
  /** Messages a second for the whole SMSC account, and per bind; 0 = no limit. */
  maxRate: number;
  bindMaxRate: number;
  responseTimeoutMs: number;
  enquireLinkMs: number;
  /** How long a part may keep being retried (throttling, errors, no bind) before it comes back as `retry`. */
  retryBudgetMs: number;
  /** Sends of one part that got no answer before we stop resending it (see SubmitOutcome). */
  maxUnansweredSends?: number;
  /** Sends of one part answered with a transient error (0x08, 0x64). */
  maxTransientSends?: number;
  /** See ReceiptRules.plainTextReceipts (SMSC_PLAIN_TEXT_RECEIPTS); off unless this SMSC needs it. */
  plainTextReceipts?: boolean;
  reconnectMinMs?: number;
  reconnectMaxMs?: number;
}

/**
 * What became of one submit_sm.
 *
 * "Submitted but no response" (the response timed out, or the connection dropped after the PDU
 * was written): the SMSC may or may not have accepted it, and only a receipt could tell. We resend
 * it — on whichever bind is up, with the same UDH reference and part number, so a handset that
 * gets both copies of a part shows one message — up to maxUnansweredSends in all, within the
 * retry budget; after that the message comes back `retry` and the engine sends it again later.
 * That is at-least-once: a missed outage notice costs more than a rare duplicate, and the
 * duplicate's receipt is simply an unknown id for the receipts code.
 */
export type SubmitOutcome =
  | { status: 'accepted'; smscMessageId: string }
  /** `unavailable`: not handed over because the SMSC had no bind for the whole retry budget (another SMSC may take it). */
  | { status: 'retry'; error: string; untried?: boolean; unavailable?: boolean }
  | { status: 'failed'; error: string; commandStatus: number };

/** One message's parts: it is answered once, when the last of them is. */
interface Submission {
  outcomes: SubmitOutcome[];
  left: number;
  resolve: (o: SubmitOutcome[]) => void;
  /**
   * A part of it went to a bind: its other parts go too, past the deadline if need be. Cut there,
   * the handset would hold half a text and the engine would send the whole message again.
   */
  started: boolean;
}

interface Job {
  part: SubmitSm;
  of: Submission;
  /** This part's place in its message. */
  index: number;
  unanswered: number;
  transient: number;
  /** Set at the first setback; the part gives up with `retry` after it. */
  giveUpAt?: number;
  /** The caller's deadline (by `now()`): a part of a message not started by then comes back as untried `retry`. */
  deadline?: number;
  lastError?: string;
}

class Slot {
  session?: EsmeSession;
  bound = false;
  failures = 0;
  reconnectTimer?: NodeJS.Timeout;
  readonly submitSeconds;
  readonly throttled;
  readonly reconnects;
  readonly unanswered;
  constructor(
    readonly name: string,
    readonly mode: BindMode,
    readonly bucket: TokenBucket,
    smsc: string,
  ) {
    const labels = { smsc, bind: name };
    this.submitSeconds = smppSubmitSeconds.labels(labels);
    this.throttled = smppThrottled.labels(labels);
    this.reconnects = smppReconnects.labels(labels);
    this.unanswered = smppUnanswered.labels(labels);
  }
}

/** A FIFO that also takes jobs back at its head. */
class JobQueue {
  private items: Job[] = [];
  private head = 0;
  get length(): number {
    return this.items.length - this.head;
  }
  push(job: Job): void {
    this.items.push(job);
  }
  unshift(job: Job): void {
    if (this.head > 0) this.items[--this.head] = job;
    else this.items.unshift(job);
  }
  peek(): Job | undefined {
    return this.items[this.head];
  }
  shift(): Job | undefined {
    const job = this.items[this.head];
    this.items[this.head++] = undefined as unknown as Job;
    if (this.head > 1024 && this.head * 2 > this.items.length) {
      this.items = this.items.slice(this.head);
      this.head = 0;
    }
    return job;
  }
}

const now = () => performance.now();
const isBoundTransmitter = (s: Slot) => s.mode !== 'receiver' && s.session?.state === 'bound';

/**
 * One SMSC account: its binds (each reconnecting on its own with exponential back-off and jitter),
 * one queue of parts to submit, the account's and each bind's rate limit, a window per bind, and a
 * pause whenever the SMSC says it is throttled or in trouble.
 */
export class SmscClient {
  private readonly logger: Logger;
  private readonly slots: Slot[] = [];
  private readonly queue = new JobQueue();
  private readonly bucket: TokenBucket;
  private pausedUntil = 0;
  private backoffMs: number;
  private pumping = false;
  private wakeTimer?: NodeJS.Timeout;
  private wakeAt = Infinity;
  private nextSlot = 0;
  private unavailableSince = now();
  private stopping = false;
  private idle?: () => void;
  private unreport?: () => void;
  private inboundHandler: (event: InboundSms) => Promise<void> | void;
  readonly counters = { submitted: 0, accepted: 0, failed: 0, retried: 0, throttled: 0, unanswered: 0, binds: 0, disconnects: 0, inbound: 0 };

  private static readonly PAUSE_MIN_MS = 20;
  private static readonly PAUSE_MAX_MS = 2000;

  constructor(private readonly opts: SmscClientOptions) {
    this.logger = new Logger(`SmscClient:${opts.name}`);
    this.bucket = new TokenBucket(opts.maxRate);
    this.backoffMs = SmscClient.PAUSE_MIN_MS;
    this.inboundHandler = (event) => this.logger.debug({ msg: 'inbound SMS with no handler yet', kind: event.kind });
    const modes: BindMode[] = opts.bindMode === 'transmitter-receiver' ? ['transmitter', 'receiver'] : [opts.bindMode];
    for (let i = 0; i < opts.binds; i++) {
      for (const mode of modes) this.slots.push(new Slot(`${mode}#${i + 1}`, mode, new TokenBucket(mode === 'receiver' ? 0 : opts.bindMaxRate), opts.name));
    }
    // Numbered after the pairs' receivers, so every bind has a label of its own.
    const pairs = modes.includes('receiver') ? opts.binds : 0;
    for (let i = 1; i <= (opts.receiverBinds ?? 0); i++) this.slots.push(new Slot(`receiver#${pairs + i}`, 'receiver', new TokenBucket(0), opts.name));
  }

  /** Where receipts and MO messages go; the deliver_sm is acknowledged when the handler resolves. */
  onInbound(handler: (event: InboundSms) => Promise<void> | void): void {
    this.inboundHandler = handler;
  }

  /** The SMSC's name: its route's, in metrics, logs and the parts it took. */
  get name(): string {
    return this.opts.name;
  }

  start(): void {
    this.unreport = reportBinds({
      smsc: this.opts.name,
      binds: () => this.slots.map((s) => ({ bind: s.name, bound: s.session?.state === 'bound', inFlight: s.session?.inFlight ?? 0 })),
    });
    this.unavailableSince = now();
    for (const slot of this.slots) this.open(slot);
    this.scheduleWake(this.unavailableSince + this.opts.retryBudgetMs);
  }

  /** Binds up and able to submit. */
  get boundTransmitters(): number {
    return this.slots.filter(isBoundTransmitter).length;
  }

  get queued(): number {
    return this.queue.length;
  }

  /**
   * Queues one message's submit_sm parts; resolves, in the parts' order, once each is accepted,
   * refused, or given up on. `deadline` (epoch ms): a message none of whose parts went out by then
   * comes back as untried `retry`. Never rejects.
   */
  submit(parts: SubmitSm[], deadline?: number): Promise<SubmitOutcome[]> {
    if (this.stopping || parts.length === 0) return Promise.resolve(parts.map(() => ({ status: 'retry', error: 'SMS channel is shutting down' })));
    return new Promise((resolve) => {
      const of: Submission = { outcomes: new Array(parts.length), left: parts.length, resolve, started: false };
      // The caller's deadline is wall-clock (epoch ms); this client keeps time by performance.now().
      const until = deadline === undefined ? undefined : now() + (deadline - Date.now());
      for (let index = 0; index < parts.length; index++) this.queue.push({ part: parts[index], of, index, unanswered: 0, transient: 0, deadline: until });
      this.pump();
    });
  }

  /** Lets queued and in-flight parts finish (up to drainMs), then unbinds every session. */
  async stop(drainMs = 10_000): Promise<void> {
    this.stopping = true;
    if (this.queue.length > 0 || this.inFlight() > 0) {
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, drainMs);
        this.idle = () => {
          clearTimeout(timer);
          resolve();
        };
        this.pump();
      });
    }
    while (this.queue.length) this.finish(this.queue.shift()!, { status: 'retry', error: 'SMS channel is shutting down' });
    clearTimeout(this.wakeTimer);
    this.unreport?.();
    await Promise.all(
      this.slots.map(async (slot) => {
        clearTimeout(slot.reconnectTimer);
        await slot.session?.unbind(drainMs);
      }),
    );
  }

  private inFlight(): number {
    return this.slots.reduce((n, s) => n + (s.session?.inFlight ?? 0), 0);
  }

  private open(slot: Slot): void {
    const session = new EsmeSession(
      slot.name,
      {
        host: this.opts.host,
        port: this.opts.port,
        systemId: this.opts.systemId,
        password: this.opts.password,
        systemType: this.opts.systemType,
        mode: slot.mode,
        window: this.opts.window,
        responseTimeoutMs: this.opts.responseTimeoutMs,
        enquireLinkMs: this.opts.enquireLinkMs,
      },
      {
        onBound: () => {
          slot.failures = 0;
          slot.bound = true;
          this.counters.binds++;
          this.logger.log({ msg: 'bound', bind: slot.name, host: this.opts.host, port: this.opts.port });
          this.pump();
        },
        onResumed: () => this.pump(),
        onClosed: (_s, reason) => this.onSessionClosed(slot, reason),
        onDeliver: (deliver) => this.deliver(deliver, slot),
        onUnreadable: (_s, reason) => this.logger.warn({ msg: 'deliver_sm unreadable: refused for good (ESME_RX_P_APPN)', bind: slot.name, reason }),
      },
    );
    slot.session = session;
  }

  private onSessionClosed(slot: Slot, reason: string): void {
    this.counters.disconnects++;
    // The clock for "SMSC unavailable" starts when the last bound transmitter goes, not at each failed attempt.
    if (slot.bound && slot.mode !== 'receiver' && this.boundTransmitters === 0) this.unavailableSince = now();
    slot.bound = false;
    if (this.stopping) return;
    const min = this.opts.reconnectMinMs ?? 500;
    const max = this.opts.reconnectMaxMs ?? 30_000;
    // Full jitter keeps many workers from reconnecting to a recovering SMSC in step.
    const ceiling = Math.min(max, min * 2 ** slot.failures);
    const delay = Math.round(min / 2 + Math.random() * (ceiling - min / 2));
    slot.failures++;
    slot.reconnects.inc();
    this.logger.warn({ msg: 'session closed; reconnecting', bind: slot.name, reason, delayMs: delay });
    slot.reconnectTimer = setTimeout(() => this.open(slot), delay);
    this.scheduleWake(this.unavailableSince + this.opts.retryBudgetMs);
    this.pump();
  }

  private async deliver(deliver: DeliverSm, slot: Slot): Promise<void> {
    this.counters.inbound++;
    const event = toInboundSms(deliver, { plainTextReceipts: this.opts.plainTextReceipts ?? false });
    event.smsc = this.opts.name;
    event.bind = slot.name;
    await this.inboundHandler(event);
  }

  private scheduleWake(at: number): void {
    if (at >= this.wakeAt && this.wakeTimer) return;
    clearTimeout(this.wakeTimer);
    this.wakeAt = at;
    this.wakeTimer = setTimeout(
      () => {
        this.wakeTimer = undefined;
        this.wakeAt = Infinity;
        this.pump();
      },
      Math.max(0, at - now()),
    );
  }

  /** A bound transmitter with room in its window and a token in its bucket, round robin; else when to look again. */
  private pickSlot(): { slot?: Slot; retryInMs?: number } {
    let retryInMs: number | undefined;
    for (let i = 0; i < this.slots.length; i++) {
      const slot = this.slots[(this.nextSlot + i) % this.slots.length];
      if (!slot.session?.canSubmit) continue;
      const wait = slot.bucket.waitMs();
      if (wait === 0) {
        this.nextSlot = (this.nextSlot + i + 1) % this.slots.length;
        return { slot };
      }
      retryInMs = Math.min(retryInMs ?? wait, wait);
    }
    return { retryInMs };
  }

  /** Hands queued parts to binds while windows, tokens and the pause allow. Woken by answers, binds and timers. */
  private pump(): void {
    if (this.pumping) return;
    this.pumping = true;
    try {
      while (this.queue.length > 0) {
        const t = now();
        const head = this.queue.peek()!;
        if (head.deadline !== undefined && t > head.deadline && !head.of.started) {
          const untried = head.lastError === undefined;
          this.finish(this.queue.shift()!, { status: 'retry', error: head.lastError ?? 'batch deadline passed', untried });
          continue;
        }
        if (head.giveUpAt !== undefined && t > head.giveUpAt) {
          this.finish(this.queue.shift()!, { status: 'retry', error: head.lastError ?? 'retry budget spent' });
          continue;
        }
        if (t - this.unavailableSince > this.opts.retryBudgetMs && !this.slots.some(isBoundTransmitter)) {
          // Never handed over: with the SMSC away, waiting is not a failed try.
          const error = `SMSC ${this.opts.name} unavailable: no bind for ${Math.round((t - this.unavailableSince) / 1000)} s`;
          this.finish(this.queue.shift()!, { status: 'retry', error, untried: head.lastError === undefined, unavailable: true });
          continue;
        }
        if (t < this.pausedUntil) {
          this.scheduleWake(this.pausedUntil);
          break;
        }
        const { slot, retryInMs } = this.pickSlot();
        if (!slot) {
          if (retryInMs !== undefined) this.scheduleWake(t + retryInMs);
          break; // otherwise an answer freeing a window, or a bind, wakes us
        }
        const wait = this.bucket.waitMs();
        if (wait > 0) {
          this.scheduleWake(t + wait);
          break;
        }
        this.bucket.tryTake();
        slot.bucket.tryTake();
        const job = this.queue.shift()!;
        job.of.started = true;
        this.counters.submitted++;
        slot.session!.submit(job.part, (r) => this.onResult(job, r, slot, t));
      }
    } finally {
      this.pumping = false;
    }
    if (this.idle && this.queue.length === 0 && this.inFlight() === 0) this.idle();
  }

  private onResult(job: Job, r: RequestResult, slot: Slot, sentAt: number): void {
    if (r.kind === 'response') {
      slot.submitSeconds.observe((now() - sentAt) / 1000);
      const status = r.commandStatus;
      const kind = classifyStatus(status);
      if (kind === 'ok') {
        this.backoffMs = SmscClient.PAUSE_MIN_MS;
        this.finish(job, { status: 'accepted', smscMessageId: r.messageId ?? '' });
      } else if (kind === 'permanent') {
        this.finish(job, { status: 'failed', error: statusName(status), commandStatus: status });
      } else {
        if (kind === 'throttle') {
          this.counters.throttled++;
          slot.throttled.inc();
        }
        this.pause();
        if (kind === 'transient' && ++job.transient >= (this.opts.maxTransientSends ?? 3)) {
          this.finish(job, { status: 'retry', error: statusName(status) });
        } else {
          this.again(job, statusName(status));
        }
      }
    } else if (r.kind === 'not-sent') {
      this.again(job, r.reason);
    } else {
      this.counters.unanswered++;
      slot.unanswered.inc();
      if (++job.unanswered >= (this.opts.maxUnansweredSends ?? 2)) this.finish(job, { status: 'retry', error: `no answer from the SMSC: ${r.reason}` });
      else this.again(job, r.reason);
    }
    this.pump();
  }

  /** Throttled or SMSC trouble: stop every bind for a while, doubling while it goes on. */
  private pause(): void {
    const t = now();
    if (t < this.pausedUntil) return; // one burst of refusals is one pause
    this.pausedUntil = t + this.backoffMs;
    this.backoffMs = Math.min(SmscClient.PAUSE_MAX_MS, this.backoffMs * 2);
  }

  private again(job: Job, error: string): void {
    job.lastError = error;
    job.giveUpAt ??= now() + this.opts.retryBudgetMs;
    this.counters.retried++;
    this.queue.unshift(job);
  }

  private finish(job: Job, outcome: SubmitOutcome): void {
    if (outcome.status === 'accepted') this.counters.accepted++;
    else if (outcome.status === 'failed') this.counters.failed++;
    const of = job.of;
    of.outcomes[job.index] = outcome;
    if (--of.left === 0) of.resolve(of.outcomes);
  }
}
