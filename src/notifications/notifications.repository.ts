import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';
import { execute } from '../common/sql';
import { MessageKind } from './decide';

/** One (zone, quiet window, 24/7) group of a planned incident and the send times computed for it. */
export interface PlanGroup {
  timezone: string;
  quietStart: number;
  quietEnd: number;
  bypass: boolean;
  count: number;
}

export interface TimedGroup extends PlanGroup {
  smsAt: Date;
  emailAt: Date;
}

/** Everything the sender needs about one claimed thread, read in one query per batch. */
export interface ClaimedThread {
  id: string;
  incident_id: number;
  subscriber_id: number;
  channel: 'sms' | 'email';
  quiet_bypass: boolean;
  due_version: number;
  told_version: number;
  told_kind: MessageKind | null;
  told_etr: Date | null;
  told_at: Date | null;
  reassurances: number;
  // subscriber
  name: string;
  phone: string | null;
  email: string | null;
  locale: 'ru' | 'en';
  timezone: string;
  quiet_start: number;
  quiet_end: number;
  flags: string[];
  sms_ok: boolean;
  email_ok: boolean;
  // incident
  code: string;
  title: string;
  kind: 'outage' | 'degradation' | 'maintenance';
  status: string;
  version: number;
  started_at: Date;
  etr: Date | null;
  etr_slips: number;
  resolved_at: Date | null;
  public_message: string | null;
  manager_name: string | null;
  manager_phone: string | null;
}

export interface NewMessage {
  threadId: string;
  incidentId: number;
  subscriberId: number;
  channel: 'sms' | 'email';
  kind: MessageKind;
  version: number;
  dedupeKey: string;
  recipient: string;
  subject: string | null;
  body: string;
  quietBypass: boolean;
}

export interface ThreadUpdate {
  id: string;
  /** The incident version this batch read: a newer due_version means it changed meanwhile. */
  seenVersion: number;
  state: 'idle' | 'due';
  sendAfter: Date;
  toldVersion: number;
  toldKind: MessageKind | null;
  toldEtr: Date | null;
  toldAt: Date | null;
  reassurances: number;
  suppressed: string | null;
}

export interface MessageOutcome {
  id: string;
  state: 'accepted' | 'failed' | 'sending';
  error: string | null;
  providerIds: string[];
}

// The same coalescing in every query, so groups computed in TypeScript join back exactly.
const ZONE = `coalesce(s.timezone, a.effective_timezone, $2::text)`;
const QSTART = `coalesce(s.quiet_start, $3::smallint)`;
const QEND = `coalesce(s.quiet_end, $4::smallint)`;
const BYPASS = `('24x7' = ANY(s.flags))`;
const SMS_OK = `(s.phone IS NOT NULL AND s.sms_consent AND s.sms_opted_out_at IS NULL)`;
const EMAIL_OK = `(s.email IS NOT NULL AND s.email_consent)`;

@Injectable()
export class NotificationsRepository {
  constructor(@InjectDataSource() private readonly db: DataSource) {}

  async planState(em: EntityManager, incidentId: number) {
    const rows = await em.query(`SELECT version, planned_version, status, kind FROM incidents WHERE id = $1`, [incidentId]);
    return rows[0] as { version: number; planned_version: number; status: string; kind: string } | undefined;
  }

  /** The highest affected subscriber id: planning walks the impact in slices up to it. */
  async maxAffectedId(em: EntityManager, incidentId: number): Promise<number> {
    const rows = await em.query(`SELECT coalesce(max(subscriber_id), 0) AS n FROM incident_impact WHERE incident_id = $1`, [incidentId]);
    return Number(rows[0].n);
  }

  /** The affected subscribers grouped by what their send time depends on. */
  async planGroups(em: EntityManager, incidentId: number, defaultZone: string, quiet: { start: number; end: number }): Promise<PlanGroup[]> {
    const rows = await em.query(
      `SELECT ${ZONE} AS tz, ${QSTART} AS qs, ${QEND} AS qe, ${BYPASS} AS bypass, count(*)::int AS n
       FROM incident_impact ii JOIN subscribers s ON s.id = ii.subscriber_id JOIN areas a ON a.id = s.area_id
       WHERE ii.incident_id = $1 AND ii.removed_at IS NULL
       GROUP BY 1, 2, 3, 4`,
      [incidentId, defaultZone, quiet.start, quiet.end],
    );
    return rows.map((r: any) => ({ timezone: r.tz, quietStart: r.qs, quietEnd: r.qe, bypass: r.bypass, count: r.n }));
  }

  /**
   * Marks every thread of the incident due at its group's send time, creating the threads of
   * subscribers not yet seen, in one statement for all groups. A thread a worker holds stays
   * claimed; the worker sees the newer due_version when it lets go.
   */
  async markDue(
    em: EntityManager,
    incidentId: number,
    version: number,
    groups: TimedGroup[],
    defaultZone: string,
    quiet: { start: number; end: number },
    slice: { tiers: string[]; fromId: number; toId: number },
  ): Promise<number> {
    return execute(
      em,
      `WITH g AS MATERIALIZED (
         SELECT tz || '|' || qs || '|' || qe || '|' || bypass AS key, sms_at, email_at, bypass
         FROM unnest($5::text[], $6::smallint[], $7::smallint[], $8::boolean[], $9::timestamptz[], $10::timestamptz[])
           AS g(tz, qs, qe, bypass, sms_at, email_at))
       INSERT INTO notification_threads AS t (incident_id, subscriber_id, channel, priority, state, send_after, due_version, quiet_bypass)
       SELECT $1, s.id, ch.channel, CASE s.tier WHEN 'vip' THEN 0 WHEN 'business' THEN 1 ELSE 2 END, 'due',
              CASE ch.channel WHEN 'sms' THEN g.sms_at ELSE g.email_at END, $11, g.bypass
       FROM incident_impact ii
       JOIN subscribers s ON s.id = ii.subscriber_id
       JOIN areas a ON a.id = s.area_id
       -- one hashable key per group, so a million rows join their group by hash, not by scanning groups
       JOIN g ON g.key = ${ZONE} || '|' || ${QSTART} || '|' || ${QEND} || '|' || ${BYPASS}
       CROSS JOIN LATERAL (VALUES ('sms'::notification_channel, ${SMS_OK}), ('email'::notification_channel, ${EMAIL_OK})) ch(channel, ok)
       WHERE ii.incident_id = $1 AND ii.removed_at IS NULL AND ch.ok
         AND ii.subscriber_id >= $13 AND ii.subscriber_id < $14 AND s.tier = ANY($12::subscriber_tier[])
       ON CONFLICT (incident_id, subscriber_id, channel) DO UPDATE
         SET due_version = greatest(t.due_version, excluded.due_version), quiet_bypass = excluded.quiet_bypass,
             state = CASE WHEN t.state = 'claimed' THEN t.state ELSE 'due'::thread_state END,
             send_after = CASE WHEN t.state = 'claimed' THEN t.send_after ELSE excluded.send_after END`,
      [
        incidentId, defaultZone, quiet.start, quiet.end,
        groups.map((g) => g.timezone), groups.map((g) => g.quietStart), groups.map((g) => g.quietEnd), groups.map((g) => g.bypass),
        groups.map((g) => g.smsAt), groups.map((g) => g.emailAt), version, slice.tiers, slice.fromId, slice.toId,
      ],
    );
  }

  /** Threads of subscribers a narrower scope released say nothing more. */
  async idleReleased(em: EntityManager, incidentId: number): Promise<number> {
    return execute(
      em,
      `UPDATE notification_threads t SET state = 'idle', suppressed = 'no longer affected'
       FROM incident_impact ii
       WHERE t.incident_id = $1 AND ii.incident_id = $1 AND ii.subscriber_id = t.subscriber_id
         AND ii.removed_at IS NOT NULL AND t.state = 'due'`,
      [incidentId],
    );
  }

  async markPlanned(em: EntityManager, incidentId: number, version: number): Promise<void> {
    await em.query(`UPDATE incidents SET planned_version = greatest(planned_version, $2) WHERE id = $1`, [incidentId, version]);
  }

  /** Incidents changed since they were last planned: the dispatcher re-derives these after a crash. */
  async unplannedIncidents(): Promise<Array<{ id: number; version: number }>> {
    return this.db.query(`SELECT id, version FROM incidents WHERE planned_version < version ORDER BY id`);
  }

  /** Claims up to `limit` due threads whose time has come, vip and business first. */
  async claim(claimId: string, now: Date, leaseUntil: Date, limit: number): Promise<number> {
    return execute(
      this.db.manager,
      `UPDATE notification_threads SET state = 'claimed', claim_id = $1, claimed_until = $3
       WHERE id IN (SELECT id FROM notification_threads
                    WHERE state = 'due' AND send_after <= $2
                    ORDER BY priority, send_after LIMIT $4
                    FOR UPDATE SKIP LOCKED)`,
      [claimId, now, leaseUntil, limit],
    );
  }

  /** Claims whose worker died: due again, so another worker picks them up. */
  async expireLeases(now: Date): Promise<number> {
    return execute(
      this.db.manager,
      `UPDATE notification_threads SET state = 'due', claim_id = NULL, claimed_until = NULL
       WHERE state = 'claimed' AND claimed_until < $1`,
      [now],
    );
  }

  /**
   * Restarts the lease when a worker begins the batch: time spent waiting in the queue does not
   * count, so only a worker that dies (or stalls past a whole lease) hands its threads over.
   */
  async renewClaim(claimId: string, leaseUntil: Date): Promise<void> {
    await this.db.query(`UPDATE notification_threads SET claimed_until = $2 WHERE claim_id = $1 AND state = 'claimed'`, [
      claimId,
      leaseUntil,
    ]);
  }

  async loadClaim(claimId: string, defaultZone: string, quiet: { start: number; end: number }): Promise<ClaimedThread[]> {
    return this.db.query(
      `SELECT t.id, t.incident_id, t.subscriber_id, t.channel, t.quiet_bypass, t.due_version, t.told_version, t.told_kind,
              t.told_etr, t.told_at, t.reassurances,
              s.name, s.phone, s.email, s.locale, ${ZONE} AS timezone, ${QSTART} AS quiet_start, ${QEND} AS quiet_end, s.flags,
              ${SMS_OK} AS sms_ok, ${EMAIL_OK} AS email_ok,
              i.code, i.title, i.kind, i.status, i.version, i.started_at, i.etr, i.etr_slips, i.resolved_at, i.public_message,
              m.name AS manager_name, m.phone AS manager_phone
       FROM notification_threads t
       JOIN subscribers s ON s.id = t.subscriber_id
       JOIN areas a ON a.id = s.area_id
       JOIN incidents i ON i.id = t.incident_id
       LEFT JOIN outage_managers m ON m.id = i.manager_id
       WHERE t.claim_id = $1 AND t.state = 'claimed'`,
      [claimId, defaultZone, quiet.start, quiet.end],
    );
  }

  /** SMS sent to these subscribers since `since`, newest first: for the rolling 24-hour cap. */
  async recentSms(subscriberIds: number[], since: Date): Promise<Map<number, Date[]>> {
    if (subscriberIds.length === 0) return new Map();
    const rows: Array<{ subscriber_id: number; times: Date[] }> = await this.db.query(
      `SELECT subscriber_id, array_agg(created_at ORDER BY created_at DESC) AS times FROM messages
       WHERE channel = 'sms' AND subscriber_id = ANY($1) AND created_at > $2 AND state <> 'failed'
       GROUP BY subscriber_id`,
      [subscriberIds, since],
    );
    return new Map(rows.map((r) => [r.subscriber_id, r.times]));
  }

  /**
   * Writes the messages about to be handed to a channel, before handing them over: a message
   * already recorded for the same thread, version and kind is sent again only if its outcome
   * was never recorded (still 'sending') — the at-least-once window. Returns what to send.
   */
  async insertMessages(rows: NewMessage[], now: Date): Promise<Map<string, string>> {
    if (rows.length === 0) return new Map();
    const inserted: Array<{ id: string; dedupe_key: string }> = await this.db.query(
      `INSERT INTO messages AS m (thread_id, incident_id, subscriber_id, channel, kind, incident_version, dedupe_key, recipient,
                                  subject, body, quiet_bypass, created_at, updated_at)
       SELECT *, $12::timestamptz, $12::timestamptz
       FROM unnest($1::bigint[], $2::int[], $3::int[], $4::notification_channel[], $5::text[], $6::int[], $7::text[],
                   $8::text[], $9::text[], $10::text[], $11::boolean[])
       ON CONFLICT (dedupe_key) DO UPDATE SET attempts = m.attempts + 1, updated_at = $12
         WHERE m.state = 'sending'
       RETURNING id, dedupe_key`,
      [
        rows.map((r) => r.threadId), rows.map((r) => r.incidentId), rows.map((r) => r.subscriberId), rows.map((r) => r.channel),
        rows.map((r) => r.kind), rows.map((r) => r.version), rows.map((r) => r.dedupeKey), rows.map((r) => r.recipient),
        rows.map((r) => r.subject), rows.map((r) => r.body), rows.map((r) => r.quietBypass), now,
      ],
    );
    return new Map(inserted.map((r) => [r.dedupe_key, String(r.id)]));
  }

  /** One statement for the batch's message outcomes, one for their parts. */
  async recordOutcomes(
    outcomes: MessageOutcome[],
    parts: Array<{ messageId: string; part: number; providerId: string }>,
    now: Date,
  ): Promise<void> {
    if (outcomes.length > 0) {
      await this.db.query(
        `UPDATE messages m SET state = u.state::message_state, error = u.error, parts = nullif(u.parts, 0),
                sent_at = CASE WHEN u.state = 'accepted' THEN $5 ELSE m.sent_at END, updated_at = $5
         FROM unnest($1::bigint[], $2::text[], $3::text[], $4::int[]) AS u(id, state, error, parts)
         WHERE m.id = u.id`,
        [outcomes.map((o) => o.id), outcomes.map((o) => o.state), outcomes.map((o) => o.error), outcomes.map((o) => o.providerIds.length), now],
      );
    }
    if (parts.length > 0) {
      await this.db.query(
        `INSERT INTO message_parts (provider_id, message_id, part)
         SELECT * FROM unnest($1::text[], $2::bigint[], $3::smallint[]) ON CONFLICT (provider_id) DO NOTHING`,
        [parts.map((p) => p.providerId), parts.map((p) => p.messageId), parts.map((p) => p.part)],
      );
    }
  }

  /** Messages left 'sending' by an older decision on these threads will never be sent: say so. */
  async supersede(threadIds: string[], keep: string[]): Promise<void> {
    if (threadIds.length === 0) return;
    await this.db.query(
      `UPDATE messages SET state = 'failed', error = 'superseded by a newer message', updated_at = now()
       WHERE thread_id = ANY($1::bigint[]) AND state = 'sending' AND NOT (dedupe_key = ANY($2::text[]))`,
      [threadIds, keep],
    );
  }

  /**
   * Lets go of the batch's threads with what they were told. A thread whose incident changed
   * while it was held (due_version beyond the version the batch read) is due again at once.
   */
  async release(claimId: string, now: Date, updates: ThreadUpdate[]): Promise<void> {
    if (updates.length === 0) return;
    const changed = `(t.due_version > u.seen_version AND u.suppressed IS NULL)`;
    await this.db.query(
      `UPDATE notification_threads t
       SET state = CASE WHEN ${changed} THEN 'due'::thread_state ELSE u.state::thread_state END,
           send_after = CASE WHEN ${changed} THEN $2 ELSE u.send_after END,
           told_version = u.told_version, told_kind = u.told_kind, told_etr = u.told_etr,
           told_at = u.told_at, reassurances = u.reassurances, suppressed = u.suppressed, claim_id = NULL, claimed_until = NULL
       FROM unnest($3::bigint[], $4::text[], $5::timestamptz[], $6::int[], $7::text[], $8::timestamptz[], $9::timestamptz[],
                   $10::int[], $11::text[], $12::int[])
         AS u(id, state, send_after, told_version, told_kind, told_etr, told_at, reassurances, suppressed, seen_version)
       WHERE t.id = u.id AND t.claim_id = $1`,
      [
        claimId, now, updates.map((u) => u.id), updates.map((u) => u.state), updates.map((u) => u.sendAfter),
        updates.map((u) => u.toldVersion), updates.map((u) => u.toldKind), updates.map((u) => u.toldEtr),
        updates.map((u) => u.toldAt), updates.map((u) => u.reassurances), updates.map((u) => u.suppressed),
        updates.map((u) => u.seenVersion),
      ],
    );
  }

  /** Messages newest first, continuing below `beforeId`; filtered by incident or subscriber. */
  async messages(f: { incidentId?: number; subscriberId?: number; state?: string; channel?: string; beforeId?: number; limit: number }) {
    const where: string[] = [];
    const params: unknown[] = [];
    const param = (v: unknown) => `$${params.push(v)}`;
    if (f.incidentId !== undefined) where.push(`incident_id = ${param(f.incidentId)}`);
    if (f.subscriberId !== undefined) where.push(`subscriber_id = ${param(f.subscriberId)}`);
    if (f.state) where.push(`state = ${param(f.state)}::message_state`);
    if (f.channel) where.push(`channel = ${param(f.channel)}::notification_channel`);
    if (f.beforeId) where.push(`id < ${param(f.beforeId)}`);
    return this.db.query(
      `SELECT id, incident_id AS "incidentId", subscriber_id AS "subscriberId", channel, kind, incident_version AS "incidentVersion",
              recipient, subject, body, state, quiet_bypass AS "quietBypass", parts, error, attempts,
              created_at AS "createdAt", sent_at AS "sentAt", delivered_at AS "deliveredAt"
       FROM messages ${where.length ? 'WHERE ' + where.join(' AND ') : ''} ORDER BY id DESC LIMIT ${param(f.limit)}`,
      params,
    );
  }

  /** Thread and message counts by channel and state, for GET /v1/incidents/:id. */
  async stats(incidentId: number) {
    const [threads, messages] = await Promise.all([
      this.db.query(
        `SELECT channel, CASE WHEN suppressed IS NOT NULL THEN 'suppressed' WHEN state = 'due' AND told_version = 0 AND send_after > now()
                              THEN 'deferred' ELSE state::text END AS state, count(*)::int AS n
         FROM notification_threads WHERE incident_id = $1 GROUP BY 1, 2`,
        [incidentId],
      ),
      this.db.query(`SELECT channel, state, count(*)::int AS n FROM messages WHERE incident_id = $1 GROUP BY 1, 2`, [incidentId]),
    ]);
    const fold = (rows: Array<{ channel: string; state: string; n: number }>) => {
      const out: Record<string, Record<string, number>> = {};
      for (const r of rows) (out[r.channel] ??= {})[r.state] = r.n;
      return out;
    };
    return { threads: fold(threads), messages: fold(messages) };
  }
}
