import { Inject, Injectable, Logger, Optional } from '@nestjs/common';
import { Clock } from '../common/clock';
import { UnsubscribeLinks } from '../email/unsubscribe-links';
import { APP_CONFIG, AppConfig } from '../config/app-config';
import { ChannelPort, DeliveryOutcome, EMAIL_CHANNEL, OutboundMessage, SMS_CHANNEL } from './channel.port';
import { decide, MessageKind } from './decide';
import { ClaimedThread, MessageOutcome, NewMessage, NotificationsRepository, ThreadUpdate } from './notifications.repository';
import { isQuietAt, nextAllowedAt } from './quiet-hours';
import { TemplateService } from './templates/template.service';

const HOUR = 3_600_000;
/** Kinds a subscriber flagged 24/7 gets at night during an outage; the rest wait for morning. */
const NIGHT_KINDS: MessageKind[] = ['notice', 'etr_change', 'restored', 'correction'];
const RETRY_DELAY_MS = 30_000;

export type DeliveryResult =
  | { status: 'skipped'; reason: string }
  | { status: 'done'; threads: number; sent: number; deferred: number; retry: number; failed: number; ms: number };

interface Planned {
  thread: ClaimedThread;
  kind: MessageKind;
  message: NewMessage;
  outbound?: OutboundMessage;
}

/**
 * Renders and sends one claimed batch: decides per thread what to say from the incident's
 * current state (DESIGN principle 2), holds back what quiet hours, consent or the daily SMS cap
 * forbid, hands the rest to the channel adapters, and records everything with batched writes.
 */
@Injectable()
export class DeliveryService {
  private readonly logger = new Logger(DeliveryService.name);

  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly clock: Clock,
    private readonly repo: NotificationsRepository,
    private readonly templates: TemplateService,
    private readonly unsubscribe: UnsubscribeLinks,
    @Optional() @Inject(SMS_CHANNEL) private readonly sms?: ChannelPort,
    @Optional() @Inject(EMAIL_CHANNEL) private readonly email?: ChannelPort,
  ) {}

  async deliver(claimId: string): Promise<DeliveryResult> {
    const started = Date.now();
    await this.repo.renewClaim(claimId, new Date(this.clock.now().getTime() + this.config.notifications.leaseSeconds * 1000));
    const threads = await this.repo.loadClaim(claimId, this.config.defaultTimezone, this.config.defaultQuietHours);
    if (threads.length === 0) return { status: 'skipped', reason: 'nothing left under this claim' };
    const now = this.clock.now();
    const policy = this.config.notifications;
    const loaded = Date.now();
    const smsHistory = await this.repo.recentSms(
      threads.filter((t) => t.channel === 'sms').map((t) => t.subscriber_id),
      new Date(now.getTime() - 24 * HOUR),
    );

    const updates = new Map<string, ThreadUpdate>();
    const planned: Planned[] = [];
    let deferred = 0;
    for (const t of threads) {
      const keep = this.unchanged(t);
      const wake = (at: number) => new Date(this.wakeAt(t, at));
      if (!(t.channel === 'sms' ? t.sms_ok : t.email_ok)) {
        updates.set(t.id, { ...keep, state: 'idle', suppressed: `${t.channel} not allowed or no address` });
        continue;
      }
      const decision = decide(
        { status: t.status, version: t.version, etr: t.etr, startedAt: t.started_at, resolvedAt: t.resolved_at },
        { channel: t.channel, toldVersion: t.told_version, toldKind: t.told_kind, toldEtr: t.told_etr, toldAt: t.told_at },
        now,
        policy,
      );
      if (decision.action === 'none') {
        const timer = decision.recheckAt;
        updates.set(t.id, { ...keep, toldVersion: t.version, state: timer ? 'due' : 'idle', sendAfter: timer ? wake(timer.getTime()) : now });
        continue;
      }
      const bypass = t.quiet_bypass && t.kind === 'outage' && NIGHT_KINDS.includes(decision.kind);
      const quiet = this.respectsQuietHours(t) && isQuietAt(now.getTime(), t.timezone, { start: t.quiet_start, end: t.quiet_end });
      if (quiet && !bypass) {
        // Came due in waking hours but reached us at night (a backlog): wait for morning.
        updates.set(t.id, { ...keep, state: 'due', sendAfter: wake(now.getTime()) });
        deferred++;
        continue;
      }
      if (t.channel === 'sms') {
        const history = smsHistory.get(t.subscriber_id) ?? [];
        if (history.length >= policy.smsDailyCap) {
          // Over the cap: the content waits (and coalesces with later changes) until a slot frees.
          const free = history[policy.smsDailyCap - 1].getTime() + 24 * HOUR;
          updates.set(t.id, { ...keep, state: 'due', sendAfter: wake(free) });
          deferred++;
          continue;
        }
        smsHistory.set(t.subscriber_id, [now, ...history]);
      }
      planned.push(this.render(t, decision.kind, now, quiet && bypass));
    }

    const decided = Date.now();
    const ids = await this.repo.insertMessages(planned.map((p) => p.message), now);
    await this.repo.supersede(
      planned.map((p) => p.thread.id),
      planned.map((p) => p.message.dedupeKey),
    );
    for (const p of planned) {
      // No id back: this very message went out on an earlier attempt, so it is not sent again.
      const id = ids.get(p.message.dedupeKey);
      p.outbound = id ? { ...p.outbound!, messageId: id } : undefined;
    }
    const written = Date.now();
    const outcomes = await this.send(planned.flatMap((p) => (p.outbound ? [p.outbound] : [])));
    const handed = Date.now();

    const messageOutcomes: MessageOutcome[] = [];
    const parts: Array<{ messageId: string; part: number; providerId: string }> = [];
    let sent = 0;
    let retry = 0;
    let failed = 0;
    for (const p of planned) {
      const t = p.thread;
      const outcome = p.outbound ? outcomes.get(p.outbound.messageId) : undefined;
      if (p.outbound && !outcome) throw new Error(`channel gave no outcome for message ${p.outbound.messageId}`);
      if (outcome?.status === 'retry') {
        retry++;
        messageOutcomes.push({ id: outcome.messageId, state: 'sending', error: `retry: ${outcome.error}`, providerIds: [] });
        updates.set(t.id, { ...this.unchanged(t), state: 'due', sendAfter: new Date(now.getTime() + RETRY_DELAY_MS) });
        continue;
      }
      if (outcome?.status === 'failed') {
        failed++;
        messageOutcomes.push({ id: outcome.messageId, state: 'failed', error: outcome.error, providerIds: [] });
        updates.set(t.id, { ...this.unchanged(t), state: 'idle', suppressed: `delivery failed: ${outcome.error}` });
        continue;
      }
      if (outcome?.status === 'accepted') {
        sent++;
        messageOutcomes.push({ id: outcome.messageId, state: 'accepted', error: null, providerIds: outcome.providerIds });
        outcome.providerIds.forEach((providerId, i) => parts.push({ messageId: outcome.messageId, part: i + 1, providerId }));
      }
      // Accepted now, or already sent on an earlier attempt (the message existed): the thread was told.
      updates.set(t.id, this.told(t, p.kind, now));
    }
    await this.repo.recordOutcomes(messageOutcomes, parts, now);
    await this.repo.release(claimId, now, [...updates.values()]);
    const ms = Date.now() - started;
    // Where a batch's time goes: load, decide and render, write messages, channels, record outcomes.
    const phases = { load: loaded - started, decide: decided - loaded, write: written - decided, send: handed - written, record: started + ms - handed };
    this.logger.debug({ msg: 'batch delivered', claimId, threads: threads.length, sent, deferred, retry, failed, ms, phases });
    return { status: 'done', threads: threads.length, sent, deferred, retry, failed, ms };
  }

  private respectsQuietHours(t: ClaimedThread): boolean {
    return t.channel === 'sms' || this.config.notifications.emailQuietHours;
  }

  private wakeAt(t: ClaimedThread, at: number): number {
    return this.respectsQuietHours(t) ? nextAllowedAt(at, t.timezone, { start: t.quiet_start, end: t.quiet_end }) : at;
  }

  private unchanged(t: ClaimedThread): ThreadUpdate {
    return {
      id: t.id, seenVersion: t.version, state: 'idle', sendAfter: this.clock.now(), toldVersion: t.told_version, toldKind: t.told_kind,
      toldEtr: t.told_etr, toldAt: t.told_at, reassurances: t.reassurances, suppressed: null,
    };
  }

  /** The thread after telling `kind`: and when to look at it again (reassurance or follow-up). */
  private told(t: ClaimedThread, kind: MessageKind, now: Date): ThreadUpdate {
    const p = this.config.notifications;
    const update: ThreadUpdate = {
      id: t.id, seenVersion: t.version, state: 'idle', sendAfter: now, toldVersion: t.version, toldKind: kind, toldEtr: t.etr, toldAt: now,
      reassurances: t.reassurances + (kind === 'reassurance' ? 1 : 0), suppressed: null,
    };
    const open = t.status !== 'resolved' && t.status !== 'cancelled';
    if (open) return { ...update, state: 'due', sendAfter: new Date(this.wakeAt(t, now.getTime() + p.reassuranceHours * HOUR)) };
    if ((kind === 'restored' || kind === 'summary') && t.channel === 'sms') {
      const at = now.getTime() + p.followupHours * HOUR;
      return { ...update, state: 'due', sendAfter: new Date(this.wakeAt(t, at)) };
    }
    return update;
  }

  private render(t: ClaimedThread, kind: MessageKind, now: Date, quietBypass: boolean): Planned {
    const unsubscribeUrl = t.channel === 'email' ? this.unsubscribe.unsubscribeUrl(t.subscriber_id) : undefined;
    const rendered = this.templates.render({
      kind,
      locale: t.locale,
      channel: t.channel,
      timezone: t.timezone,
      now,
      subscriberName: t.name,
      incident: {
        code: t.code, title: t.title, kind: t.kind, status: t.status, startedAt: t.started_at, etr: t.etr, previousEtr: t.told_etr,
        etrSlips: t.etr_slips, resolvedAt: t.resolved_at, publicMessage: t.public_message,
      },
      manager: t.manager_name ? { name: t.manager_name, phone: t.manager_phone! } : null,
      statusUrl: `${this.config.publicBaseUrl}/status/${t.code}`,
      unsubscribeUrl,
    });
    const serial = kind === 'reassurance' ? `:${t.reassurances + 1}` : '';
    return {
      thread: t,
      kind,
      message: {
        threadId: t.id, incidentId: t.incident_id, subscriberId: t.subscriber_id, channel: t.channel, kind, version: t.version,
        dedupeKey: `${t.id}:${t.version}:${kind}${serial}`, recipient: t.channel === 'sms' ? t.phone! : t.email!,
        subject: rendered.subject ?? null, body: rendered.text, quietBypass,
      },
      outbound: { messageId: '', channel: t.channel, to: t.channel === 'sms' ? t.phone! : t.email!, ...rendered, unsubscribeUrl },
    };
  }

  private async send(messages: OutboundMessage[]): Promise<Map<string, DeliveryOutcome>> {
    const byChannel = { sms: messages.filter((m) => m.channel === 'sms'), email: messages.filter((m) => m.channel === 'email') };
    const results = await Promise.all(
      (['sms', 'email'] as const).map(async (channel) => {
        if (byChannel[channel].length === 0) return [];
        const port = channel === 'sms' ? this.sms : this.email;
        if (!port) return byChannel[channel].map((m) => ({ messageId: m.messageId, status: 'retry' as const, error: `no ${channel} channel configured` }));
        return port.send(byChannel[channel]);
      }),
    );
    return new Map(results.flat().map((o) => [o.messageId, o]));
  }
}
