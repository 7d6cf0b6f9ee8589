import { Inject, Injectable, Logger, Optional } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';
import { UndeliveredReason } from '../calls/call-list';
import { CallListRepository } from '../calls/call-list.repository';
import { Clock } from '../common/clock';
import { UnsubscribeLinks } from '../email/unsubscribe-links';
import { APP_CONFIG, AppConfig } from '../config/app-config';
import { inLocale } from '../incidents/localized-text';
import { statusUrl } from '../incidents/public-code';
import { ChannelName, ChannelPort, DeliveryOutcome, EMAIL_CHANNEL, OutboundMessage, SMS_CHANNEL } from './channel.port';
import { decide, MessageKind } from './decide';
import { awakeToldSeconds, batchPhaseSeconds, firstHandedOverSeconds, messagesCounter, observeKpi, retriesCounter } from './delivery.metrics';
import { ClaimedThread, NotificationsRepository, SentMessage, ThreadUpdate } from './notifications.repository';
import { nextAllowedAt } from './quiet-hours';
import { TemplateService } from './templates/template.service';
import { SharedVars, sharedVars } from './templates/template-vars';

const HOUR = 3_600_000;
/** Kinds a subscriber flagged 24/7 gets at night during an outage; the rest wait for morning. */
const NIGHT_KINDS: MessageKind[] = ['notice', 'etr_change', 'restored', 'correction'];
/** A hand-over the channel could not complete is tried again after 30 s, doubling up to 15 min, 12 times (about 2 h). */
const RETRY_DELAY_MS = 30_000;
const RETRY_DELAY_MAX_MS = 15 * 60_000;
export const MAX_ATTEMPTS = 12;
/** Seconds of the lease kept back from the channels: time to record the batch and commit. */
const SEND_MARGIN_S = 30;

export type DeliveryResult =
  | { status: 'skipped'; reason: string }
  | { status: 'done'; threads: number; sent: number; deferred: number; retry: number; failed: number; ms: number; incidents: number[] };

type WakeAt = (t: ClaimedThread, at: number) => number;

interface Planned {
  thread: ClaimedThread;
  /** Written once its outcome is known (state, error, attempts, providerIds and provider are set then). */
  message: SentMessage;
  outbound: OutboundMessage;
}

type Counted = 'accepted' | 'failed' | 'untried' | 'temporary';

/**
 * Renders and sends one batch of a channel's due threads: claims them (row locks held by this
 * batch's transaction), decides per thread what to say from the incident's current state (DESIGN
 * principle 2), holds back what quiet hours, consent or the daily SMS cap forbid, hands the rest
 * to the channel, and writes threads, messages and parts in one statement before committing.
 *
 * The at-least-once window is the batch in flight: a worker that dies after handing messages over
 * and before its commit leaves no trace of them, its locks go with its connection, and the next
 * batch sends them again. Nothing is lost; at most one batch per dead job is doubled.
 */
@Injectable()
export class DeliveryService {
  private readonly logger = new Logger(DeliveryService.name);

  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @InjectDataSource() private readonly db: DataSource,
    private readonly clock: Clock,
    private readonly repo: NotificationsRepository,
    private readonly templates: TemplateService,
    private readonly unsubscribe: UnsubscribeLinks,
    private readonly callList: CallListRepository,
    @Optional() @Inject(SMS_CHANNEL) private readonly sms?: ChannelPort,
    @Optional() @Inject(EMAIL_CHANNEL) private readonly email?: ChannelPort,
  ) {}

  get batchSize(): number {
    return this.config.notifications.batchSize;
  }

  /** Delivers the next batch of the channel's due threads; `threads` tells whether it was a full one. */
  async deliver(channel: ChannelName): Promise<DeliveryResult> {
    const runner = this.db.createQueryRunner();
    await runner.connect();
    await runner.startTransaction();
    let result: DeliveryResult;
    let accepted: number[];
    try {
      [result, accepted] = await this.deliverIn(runner.manager, channel);
      await runner.commitTransaction();
    } catch (err) {
      await runner.rollbackTransaction().catch(() => undefined);
      throw err;
    } finally {
      await runner.release();
    }
    await this.recordKpis(result, accepted);
    return result;
  }

  /**
   * The KPIs "declare to first message" and "to every awake subscriber told", after the commit, so
   * the batch's locks are not held while incident rows are written; one worker wins each row, so
   * each incident counts once. Whether the awake are all told is asked only once the channel looks
   * drained (a batch that was not full, or found nothing): the last batch to commit sees all the others.
   */
  private async recordKpis(result: DeliveryResult, accepted: number[]): Promise<void> {
    const now = this.clock.now();
    try {
      if (accepted.length > 0) observeKpi(firstHandedOverSeconds, await this.repo.markFirstHandedOver(accepted, now));
      if (result.status === 'skipped') observeKpi(awakeToldSeconds, await this.repo.markAwakeNotified(now));
      else if (result.threads < this.batchSize) observeKpi(awakeToldSeconds, await this.repo.markAwakeNotified(now, result.incidents));
    } catch (err) {
      this.logger.warn({ msg: 'delivery KPIs not recorded', err });
    }
  }

  /** The batch's result and the incidents of which it had messages accepted. */
  private async deliverIn(em: EntityManager, channel: ChannelName): Promise<[DeliveryResult, number[]]> {
    const started = Date.now();
    const policy = this.config.notifications;
    // The claim is this transaction. The channels get until a while before the lease ends to hand
    // messages over (what is left comes back untried); a worker hung past the lease loses the claim.
    const deadline = Date.now() + Math.max(policy.leaseSeconds / 2, policy.leaseSeconds - SEND_MARGIN_S) * 1000;
    await em.query(`SELECT set_config('idle_in_transaction_session_timeout', $1, true)`, [String(policy.leaseSeconds * 1000)]);
    const now = this.clock.now();
    const threads = await this.repo.claim(em, channel, now, policy.batchSize, this.config.defaultTimezone, this.config.defaultQuietHours);
    if (threads.length === 0) return [{ status: 'skipped', reason: 'nothing due' }, []];
    const loaded = Date.now();

    const wakeAt = this.wakeClock();
    const updates = new Map<string, ThreadUpdate>();
    const planned: Planned[] = [];
    const smsHistory = new Map<number, Date[]>();
    const shared = new Map<string, SharedVars>();
    let deferred = 0;
    for (const t of threads) {
      if (t.due_version > t.incident.version) {
        // Marked due for a version committed after this claim read the incident: look again at once.
        updates.set(t.id, this.unchanged(t, now, { state: 'due' }));
        continue;
      }
      if (!(t.channel === 'sms' ? t.sms_ok : t.email_ok)) {
        updates.set(t.id, this.unchanged(t, now, { state: 'idle', suppressed: `${t.channel} not allowed or no address` }));
        continue;
      }
      const decision = decide(
        { status: t.incident.status, version: t.incident.version, etr: t.incident.etr, startedAt: t.incident.started_at, resolvedAt: t.incident.resolved_at },
        { channel: t.channel, toldVersion: t.told_version, toldKind: t.told_kind, toldEtr: t.told_etr, toldAt: t.told_at },
        now,
        policy,
      );
      if (decision.action === 'none') {
        const timer = decision.recheckAt;
        updates.set(t.id, this.unchanged(t, now, { toldVersion: t.incident.version, state: timer ? 'due' : 'idle', sendAfter: timer ? new Date(wakeAt(t, timer.getTime())) : now }));
        continue;
      }
      const bypass = t.quiet_bypass && t.incident.kind === 'outage' && NIGHT_KINDS.includes(decision.kind);
      const quiet = wakeAt(t, now.getTime()) > now.getTime();
      if (quiet && !bypass) {
        // Came due in waking hours but reached us at night (a backlog): wait for morning.
        updates.set(t.id, this.unchanged(t, now, { state: 'due', sendAfter: new Date(wakeAt(t, now.getTime())) }));
        deferred++;
        continue;
      }
      if (t.channel === 'sms') {
        // The same subscriber may come twice in a batch (two incidents): count what this batch sends too.
        const history = smsHistory.get(t.subscriber_id) ?? t.recent_sms ?? [];
        if (history.length >= policy.smsDailyCap) {
          // Over the cap: the content waits (and coalesces with later changes) until a slot frees.
          const free = new Date(history[policy.smsDailyCap - 1]).getTime() + 24 * HOUR;
          updates.set(t.id, this.unchanged(t, now, { state: 'due', sendAfter: new Date(wakeAt(t, free)) }));
          deferred++;
          continue;
        }
        smsHistory.set(t.subscriber_id, [now, ...history]);
      }
      planned.push(this.render(t, decision.kind, now, quiet && bypass, shared));
    }

    const decided = Date.now();
    const outcomes = await this.send(channel, planned.map((p) => p.outbound), deadline);
    const handed = Date.now();

    const messages: SentMessage[] = [];
    // DESIGN: people whose texts did not get through deserve a call (by email only when they take no texts).
    const undelivered: Array<{ incidentId: number; subscriberId: number; reason: UndeliveredReason }> = [];
    let sent = 0;
    let retry = 0;
    let failed = 0;
    // Outcomes by kind, counted into the metrics once per (outcome, kind) after the loop.
    const counted = new Map<MessageKind, Partial<Record<Counted, number>>>();
    const count = (outcome: Counted, kind: MessageKind) => {
      let byOutcome = counted.get(kind);
      if (!byOutcome) counted.set(kind, (byOutcome = {}));
      byOutcome[outcome] = (byOutcome[outcome] ?? 0) + 1;
    };
    const acceptedIncidents = new Set<number>();
    for (const p of planned) {
      const t = p.thread;
      const outcome = outcomes.get(p.outbound.messageId);
      if (!outcome) throw new Error(`channel gave no outcome for message ${p.outbound.messageId}`);
      const attempts = t.attempts + 1;
      if (outcome.status === 'retry' && outcome.untried) {
        // Never handed over (the channel was slower than the batch, or had no SMSC bind): due again now, not a try.
        retry++;
        count('untried', p.message.kind);
        updates.set(t.id, this.unchanged(t, now, { state: 'due' }));
      } else if (outcome.status === 'retry' && attempts < MAX_ATTEMPTS) {
        retry++;
        count('temporary', p.message.kind);
        const delay = Math.min(RETRY_DELAY_MS * 2 ** t.attempts, RETRY_DELAY_MAX_MS);
        updates.set(t.id, this.unchanged(t, now, { state: 'due', sendAfter: new Date(now.getTime() + delay), attempts, lastError: outcome.error }));
      } else if (outcome.status !== 'accepted') {
        failed++;
        count('failed', p.message.kind);
        const error = outcome.status === 'retry' ? `gave up after ${attempts} attempts: ${outcome.error}` : outcome.error;
        messages.push(Object.assign(p.message, { state: 'failed', error, attempts }));
        if (t.channel === 'sms' || !t.sms_ok) {
          const gaveUp = outcome.status === 'retry' ? { attempts } : {};
          undelivered.push({ incidentId: t.incident_id, subscriberId: t.subscriber_id, reason: { code: 'undelivered', channel: t.channel, error: outcome.error, ...gaveUp } });
        }
        updates.set(t.id, this.unchanged(t, now, { state: 'idle', suppressed: `delivery failed: ${error}`, attempts, lastError: error }));
      } else {
        sent++;
        count('accepted', p.message.kind);
        acceptedIncidents.add(t.incident_id);
        const m = p.message;
        m.attempts = attempts;
        m.providerIds = outcome.providerIds;
        m.provider = outcome.provider;
        messages.push(m);
        updates.set(t.id, this.told(t, p.message.kind, now, wakeAt));
      }
    }
    await this.repo.record(em, [...updates.values()], messages, now);
    await this.callList.addUndelivered(em, undelivered, this.config.callListFlags);
    const ms = Date.now() - started;
    // Where a batch's time goes: claim and read, decide and render, channel, record.
    const phases = { claim: loaded - started, decide: decided - loaded, send: handed - decided, record: started + ms - handed };
    for (const [phase, phaseMs] of Object.entries(phases)) batchPhaseSeconds.observe({ channel, phase }, phaseMs / 1000);
    const retries: Partial<Record<'untried' | 'temporary', number>> = {};
    for (const [kind, n] of counted) {
      // Handed over: what the channel tried (not what came back untried), whatever its answer.
      const handed = (n.accepted ?? 0) + (n.failed ?? 0) + (n.temporary ?? 0);
      if (handed > 0) messagesCounter.inc({ channel, kind, outcome: 'handed_over' }, handed);
      if (n.accepted) messagesCounter.inc({ channel, kind, outcome: 'accepted' }, n.accepted);
      if (n.failed) messagesCounter.inc({ channel, kind, outcome: 'failed' }, n.failed);
      for (const reason of ['untried', 'temporary'] as const) if (n[reason]) retries[reason] = (retries[reason] ?? 0) + n[reason];
    }
    for (const [reason, n] of Object.entries(retries)) retriesCounter.inc({ channel, reason }, n);
    this.logger.debug({ msg: 'batch delivered', channel, threads: threads.length, sent, deferred, retry, failed, ms, phases });
    const incidents = [...new Set(threads.map((t) => t.incident_id))];
    return [{ status: 'done', threads: threads.length, sent, deferred, retry, failed, ms, incidents }, [...acceptedIncidents]];
  }

  /**
   * The earliest instant at or after `at` outside the thread's quiet hours (`at` itself when the
   * channel ignores them). The answer depends only on (zone, window, instant), so a batch
   * computes it once per group, not per thread (DESIGN principle 3).
   */
  private wakeClock(): WakeAt {
    const known = new Map<string, number>();
    return (t, at) => {
      if (t.channel !== 'sms' && !this.config.notifications.emailQuietHours) return at;
      const key = `${t.timezone}|${t.quiet_start}|${t.quiet_end}|${at}`;
      let wake = known.get(key);
      if (wake === undefined) known.set(key, (wake = nextAllowedAt(at, t.timezone, { start: t.quiet_start, end: t.quiet_end })));
      return wake;
    };
  }

  /** The thread as claimed (idle from now, no error), with `change` over it. */
  private unchanged(t: ClaimedThread, now: Date, change?: Partial<ThreadUpdate>): ThreadUpdate {
    const update: ThreadUpdate = {
      id: t.id, state: 'idle', sendAfter: now, toldVersion: t.told_version, toldKind: t.told_kind, toldEtr: t.told_etr, toldAt: t.told_at,
      reassurances: t.reassurances, suppressed: null, attempts: t.attempts, lastError: null,
    };
    return change ? Object.assign(update, change) : update;
  }

  /** The thread after telling `kind`: and when to look at it again (reassurance or follow-up). */
  private told(t: ClaimedThread, kind: MessageKind, now: Date, wakeAt: WakeAt): ThreadUpdate {
    const p = this.config.notifications;
    const update: ThreadUpdate = {
      id: t.id, state: 'idle', sendAfter: now, toldVersion: t.incident.version, toldKind: kind, toldEtr: t.incident.etr, toldAt: now,
      reassurances: t.reassurances + (kind === 'reassurance' ? 1 : 0), suppressed: null, attempts: 0, lastError: null,
    };
    const open = t.incident.status !== 'resolved' && t.incident.status !== 'cancelled';
    if (open) {
      update.state = 'due';
      update.sendAfter = new Date(wakeAt(t, now.getTime() + p.reassuranceHours * HOUR));
    } else if ((kind === 'restored' || kind === 'summary') && t.channel === 'sms') {
      update.state = 'due';
      update.sendAfter = new Date(wakeAt(t, now.getTime() + p.followupHours * HOUR));
    }
    return update;
  }

  /**
   * The thread's message. What does not depend on the reader (the incident's words and times in
   * their language and zone) is computed once per batch for all readers who share it, in `shared`.
   */
  private render(t: ClaimedThread, kind: MessageKind, now: Date, quietBypass: boolean, shared: Map<string, SharedVars>): Planned {
    const unsubscribeUrl = t.channel === 'email' ? this.unsubscribe.unsubscribeUrl(t.subscriber_id) : undefined;
    const i = t.incident;
    const key = `${t.incident_id}|${kind}|${t.locale}|${t.channel}|${t.timezone}|${t.told_etr?.getTime()}`;
    let vars = shared.get(key);
    if (!vars) {
      vars = sharedVars({
        kind,
        locale: t.locale,
        channel: t.channel,
        timezone: t.timezone,
        now,
        incident: {
          code: i.code, title: inLocale(i.title, i.titles, t.locale), kind: i.kind, status: i.status, startedAt: i.started_at, etr: i.etr,
          previousEtr: t.told_etr, etrSlips: i.etr_slips, resolvedAt: i.resolved_at,
          publicMessage: inLocale(i.public_message, i.public_messages, t.locale),
        },
        manager: i.manager_name ? { name: i.manager_name, phone: i.manager_phone! } : null,
        statusUrl: statusUrl(this.config.publicBaseUrl, i.code, t.locale),
      });
      shared.set(key, vars);
    }
    const rendered = this.templates.renderFor(vars, { kind, locale: t.locale, channel: t.channel, subscriberName: t.name, unsubscribeUrl });
    const serial = kind === 'reassurance' ? `:${t.reassurances + 1}` : '';
    const recipient = t.channel === 'sms' ? t.phone! : t.email!;
    const dedupeKey = `${t.id}:${i.version}:${kind}${serial}`;
    return {
      thread: t,
      message: {
        id: t.message_id, threadId: t.id, incidentId: t.incident_id, subscriberId: t.subscriber_id, channel: t.channel, kind,
        version: i.version, dedupeKey, recipient, subject: rendered.subject ?? null,
        body: rendered.text, quietBypass, state: 'accepted', error: null, attempts: 0, providerIds: [],
      },
      outbound: { messageId: t.message_id, key: dedupeKey, channel: t.channel, to: recipient, ...rendered, unsubscribeUrl },
    };
  }

  private async send(channel: ChannelName, messages: OutboundMessage[], deadline: number): Promise<Map<string, DeliveryOutcome>> {
    if (messages.length === 0) return new Map();
    const port = channel === 'sms' ? this.sms : this.email;
    const outcomes: DeliveryOutcome[] = port
      ? await port.send(messages, deadline)
      : messages.map((m) => ({ messageId: m.messageId, status: 'retry', error: `no ${channel} channel configured` }));
    return new Map(outcomes.map((o) => [o.messageId, o]));
  }
}
