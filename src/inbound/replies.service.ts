import { BeforeApplicationShutdown, Inject, Injectable, Logger, OnApplicationBootstrap, Optional } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import { CallListRepository } from '../calls/call-list.repository';
import { Clock } from '../common/clock';
import { maskPhone } from '../common/mask';
import { storableText } from '../common/storable-text';
import { toE164 } from '../common/validation';
import { APP_CONFIG, AppConfig } from '../config/app-config';
import { ChannelPort, SMS_CHANNEL } from '../notifications/channel.port';
import { InboundSms } from '../sms/inbound';
import { repliesCounter } from './inbound.metrics';
import { InboundOutcome, RepliesRepository, ReplyKind, Sender } from './replies.repository';
import { parseReply } from './reply-parser';
import { optInText, optOutText, statusText } from './reply-texts';

export type MoMessage = Extract<InboundSms, { kind: 'mo' }>;

const HOUR = 3_600_000;
const DAY = 24 * HOUR;
/** A concatenated reply whose other parts have not come within this long is given up on. */
const PART_WAIT_MS = HOUR;
/** How often a worker looks for answers a dead worker left unsent. */
const SWEEP_MS = 60_000;
/** An unsent answer older than this is failed, not sent: a STATUS or a confirmation that late would confuse more than help. */
const ANSWER_MAX_AGE_MS = HOUR;
const SWEEP_BATCH = 100;

interface Decision {
  outcome: InboundOutcome;
  subscriberId: number | null;
  incidentId: number | null;
  /** Written once the inbound row exists (feedback and ratings point at it). */
  record?: (em: EntityManager, inboundId: string) => Promise<InboundOutcome | void>;
  reply?: { kind: ReplyKind; subscriberId: number; text: string };
}

export type ReplyResult = { outcome: InboundOutcome | 'dropped' | 'waiting_for_parts'; replyId?: string };

/**
 * Subscribers' SMS replies: STOP / START, STATUS, a 1-5 rating after a follow-up, or free-text
 * feedback. Everything about one reply is decided and stored in one transaction, under a lock on
 * its number; our answer goes out after the commit (the SMSC is not kept waiting for it).
 */
@Injectable()
export class RepliesService implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger(RepliesService.name);
  private readonly sending = new Set<Promise<void>>();
  private sweepTimer?: NodeJS.Timeout;

  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly clock: Clock,
    private readonly repo: RepliesRepository,
    private readonly callList: CallListRepository,
    @Optional() @Inject(SMS_CHANNEL) private readonly sms?: ChannelPort,
  ) {}

  async receive(mo: MoMessage): Promise<ReplyResult> {
    const at = this.clock.now();
    const sender = toE164(mo.from, this.config.defaultPhoneRegion) ?? mo.from;
    // A NUL (UCS-2 0x0000, or a byte 0 of Latin-1) cannot be stored and means nothing in a reply.
    const text = storableText(mo.text);
    const result = await this.repo.transaction((em) => this.store(em, { ...mo, text }, sender, at));
    if (result.outcome !== 'waiting_for_parts') repliesCounter.inc({ outcome: result.outcome });
    if (result.reply) this.answer(result.reply.id, sender, result.reply.text);
    return { outcome: result.outcome, replyId: result.reply?.id };
  }

  private async store(em: EntityManager, mo: MoMessage, sender: string, at: Date) {
    await this.repo.lockSender(em, sender);
    let text = mo.text;
    if (mo.concat && mo.concat.total > 1) {
      const whole = await this.repo.addPart(em, { sender, ...mo.concat, body: mo.text, at }, new Date(at.getTime() - PART_WAIT_MS));
      if (whole === undefined) return { outcome: 'waiting_for_parts' as const };
      text = whole;
    }
    const limit = this.config.inbound.hourlyReplyLimit;
    if ((await this.repo.countSince(em, sender, new Date(at.getTime() - HOUR))) >= limit) {
      const dropped = await this.repo.countDropped(em, sender, at);
      this.logger.warn({ msg: 'sms reply over the hourly limit dropped', from: maskPhone(sender), limit, droppedThisHour: dropped });
      return { outcome: 'dropped' as const };
    }
    const senders = await this.repo.findSenders(em, sender, this.config.defaultTimezone);
    const decision = senders.length === 0 ? this.unknown() : await this.decide(em, senders, text, at);
    const { subscriberId, incidentId } = decision;
    const inboundId = await this.repo.insertInbound(em, {
      sender, recipient: mo.to, body: text, dataCoding: mo.dataCoding, subscriberId, incidentId, outcome: decision.outcome, at,
    });
    const revised = await decision.record?.(em, inboundId);
    if (revised) await this.repo.setOutcome(em, inboundId, revised);
    const outcome = revised ?? decision.outcome;
    const r = decision.reply;
    const reply = r && {
      id: await this.repo.insertReply(em, { inboundId, kind: r.kind, subscriberId: r.subscriberId, recipient: sender, body: r.text, at }),
      text: r.text,
    };
    this.logger.log({ msg: 'sms reply', from: maskPhone(sender), outcome, subscriberId, incidentId, answered: !!reply });
    return { outcome, reply };
  }

  onApplicationBootstrap(): void {
    if (!this.sms) return;
    this.sweepTimer = setInterval(() => {
      this.sweepUnsentAnswers().catch((err) => this.logger.warn({ msg: 'sweep of unsent answers failed', err }));
    }, SWEEP_MS);
    this.sweepTimer.unref();
  }

  async beforeApplicationShutdown(): Promise<void> {
    clearInterval(this.sweepTimer);
    await Promise.allSettled([...this.sending]);
  }

  /**
   * Our answers are stored with the reply and sent after the commit; a worker killed in between
   * leaves them 'sending'. Those older than any send can last (twice the SMS retry budget, at least
   * five minutes) are sent now, unless older than ANSWER_MAX_AGE_MS: those are failed.
   */
  async sweepUnsentAnswers(): Promise<{ resent: number; failed: number }> {
    const now = this.clock.now().getTime();
    const at = new Date(now);
    const failed = await this.repo.failUnsentReplies(new Date(now - ANSWER_MAX_AGE_MS), at, 'never sent: the worker stopped before sending it');
    const stuckAfter = Math.max(5 * 60_000, 2 * this.config.smsc.retryBudgetSeconds * 1000);
    const unsent = await this.repo.claimUnsentReplies(new Date(now - stuckAfter), at, SWEEP_BATCH);
    for (const r of unsent) this.answer(r.id, r.recipient, r.body);
    if (failed + unsent.length > 0) this.logger.warn({ msg: 'answers left unsent by a stopped worker', resent: unsent.length, failed });
    return { resent: unsent.length, failed };
  }

  /** Numbers we do not know are kept, never answered: an answer would confirm the number is live. */
  private unknown(): Decision {
    return { outcome: 'unknown_sender', subscriberId: null, incidentId: null };
  }

  private async decide(em: EntityManager, senders: Sender[], text: string, at: Date): Promise<Decision> {
    const ids = senders.map((s) => s.id);
    const first = senders[0];
    const command = parseReply(text);
    switch (command.kind) {
      case 'stop': {
        // One number, one opt-out: every subscriber on it stops getting SMS. Those left with no
        // channel at all go on the call lists of their open incidents instead.
        const changed = await this.repo.setOptedOut(em, ids, true, at);
        const callTasks = changed.length ? await this.callList.addOptedOut(em, changed, this.config.callListFlags) : 0;
        if (callTasks) this.logger.log({ msg: 'opted out with no other channel: put on call lists', subscriberIds: changed, callTasks });
        const reply = changed.length > 0 ? { kind: 'opt_out' as const, subscriberId: first.id, text: optOutText(first.locale) } : undefined;
        return { outcome: 'opted_out', subscriberId: first.id, incidentId: null, reply };
      }
      case 'start': {
        const changed = await this.repo.setOptedOut(em, ids, false, at);
        const reply = changed.length > 0 ? { kind: 'opt_in' as const, subscriberId: first.id, text: optInText(first.locale) } : undefined;
        return { outcome: 'opted_in', subscriberId: first.id, incidentId: null, reply };
      }
      case 'status': {
        const open = await this.repo.openIncidents(em, ids);
        const body = statusText(first.locale, open, at, first.timezone, this.config.publicBaseUrl);
        return { outcome: 'status', subscriberId: first.id, incidentId: null, reply: { kind: 'status', subscriberId: first.id, text: body } };
      }
      case 'rating':
        return this.rating(em, ids, command.rating, at);
      case 'text': {
        if (command.text === '') return { outcome: 'empty', subscriberId: first.id, incidentId: null };
        const latest = await this.repo.latestIncident(em, ids);
        const subscriberId = latest?.subscriber_id ?? first.id;
        const incidentId = latest?.incident_id ?? null;
        return {
          outcome: 'feedback', subscriberId, incidentId,
          record: (tx, inboundId) =>
            this.repo.insertFeedback(tx, { incidentId, managerId: latest?.manager_id ?? null, subscriberId, inboundId, body: command.text, at }),
        };
      }
    }
  }

  /**
   * A digit rates the incident of the newest follow-up sent to this number within the window,
   * if its subscriber is (still) among those affected. The first rating stands: a second one
   * is kept as an inbound message, not counted (so ratings cannot be stuffed or changed by SMS).
   */
  private async rating(em: EntityManager, ids: number[], rating: number, at: Date): Promise<Decision> {
    const since = new Date(at.getTime() - this.config.inbound.ratingWindowDays * DAY);
    const followup = await this.repo.latestFollowup(em, ids, since, at);
    if (!followup || !(await this.repo.isAffected(em, followup.incident_id, followup.subscriber_id))) {
      return { outcome: 'rating_refused', subscriberId: followup?.subscriber_id ?? ids[0], incidentId: followup?.incident_id ?? null };
    }
    const { incident_id: incidentId, subscriber_id: subscriberId } = followup;
    const managerId = await this.repo.managerOf(em, incidentId);
    return {
      outcome: 'rating', subscriberId, incidentId,
      record: async (tx, inboundId) => {
        const counted = await this.repo.insertRating(tx, { incidentId, managerId, subscriberId, inboundId, rating, at });
        return counted ? undefined : 'rating_repeated';
      },
    };
  }

  /** Sends our answer as a one-message batch straight through the SMS channel (opt-out does not apply to it). */
  private answer(replyId: string, to: string, text: string): void {
    const sms = this.sms;
    if (!sms) return;
    const task = (async () => {
      const [outcome] = await sms.send([{ messageId: `reply-${replyId}`, channel: 'sms', to, text }]);
      const recorded =
        outcome.status === 'accepted'
          ? { state: 'accepted' as const, error: null, providerIds: outcome.providerIds, provider: outcome.provider }
          : { state: 'failed' as const, error: outcome.status === 'retry' ? `retry: ${outcome.error}` : outcome.error, providerIds: [] };
      await this.repo.recordReplyOutcome(replyId, recorded, this.clock.now());
      if (outcome.status !== 'accepted') this.logger.warn({ msg: 'answer to sms reply not sent', replyId, to: maskPhone(to), status: outcome.status });
    })().catch((err) => this.logger.error({ msg: 'answer to sms reply failed', replyId, err }));
    this.sending.add(task);
    void task.finally(() => this.sending.delete(task));
  }
}
