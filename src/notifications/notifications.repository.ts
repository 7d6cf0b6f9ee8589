import { DEFAULT_SMSC } from '../config/app-config';
import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';
import { arrayLiteral, execute, insertedOrElse, returning } from '../common/sql';
import { Localized } from '../incidents/localized-text';
import { ChannelName } from './channel.port';
import { MessageKind } from './decide';

/** One (zone, quiet window, 24/7) group of a planned incident and the send times computed for it. */
export interface PlanGroup {
  timezone: string;
  quietStart: number;
  quietEnd: number;
  bypass: boolean;
  count: number;
}

/** Subscribers of some tiers with ids in [fromId, toId): planning goes slice by slice. */
export interface PlanSlice {
  tiers: string[];
  fromId: number;
  toId: number;
}

export interface TimedGroup extends PlanGroup {
  smsAt: Date;
  emailAt: Date;
}

/** The incident as a delivery batch reads it: one object shared by all its claimed threads. */
export interface ClaimedIncident {
  id: number;
  code: string;
  title: string;
  titles: Localized;
  kind: 'outage' | 'degradation' | 'maintenance';
  status: string;
  version: number;
  started_at: Date;
  etr: Date | null;
  etr_slips: number;
  resolved_at: Date | null;
  public_message: string | null;
  public_messages: Localized;
  manager_name: string | null;
  manager_phone: string | null;
}

/** Everything the sender needs about one claimed thread, read in the claiming query. */
export interface ClaimedThread {
  id: string;
  /** The id the message will have if one is sent (drawn from the messages sequence). */
  message_id: string;
  incident_id: number;
  subscriber_id: number;
  channel: ChannelName;
  quiet_bypass: boolean;
  /** The incident version the thread was last marked due for. */
  due_version: number;
  told_version: number;
  told_kind: MessageKind | null;
  told_etr: Date | null;
  told_at: Date | null;
  reassurances: number;
  attempts: number;
  /** SMS this subscriber was sent in the last 24 hours, newest first (SMS threads only). */
  recent_sms: Date[] | null;
  // subscriber
  name: string;
  phone: string | null;
  email: string | null;
  locale: 'ru' | 'en';
  timezone: string;
  quiet_start: number;
  quiet_end: number;
  sms_ok: boolean;
  email_ok: boolean;
  incident: ClaimedIncident;
}

/** A message handed to a channel (or given up on), written once with its outcome. */
export interface SentMessage {
  id: string;
  threadId: string;
  incidentId: number;
  subscriberId: number;
  channel: ChannelName;
  kind: MessageKind;
  version: number;
  dedupeKey: string;
  recipient: string;
  subject: string | null;
  body: string;
  quietBypass: boolean;
  state: 'accepted' | 'failed';
  error: string | null;
  attempts: number;
  providerIds: string[];
  /** The SMSC that took the parts (its route's name); unset: `default`. */
  provider?: string;
}

/** An incident that just reached a KPI's moment: its labels and how long it took since it was declared. */
export interface IncidentTiming {
  kind: string;
  severity: string;
  seconds: number;
  measured: boolean;
}

export interface ThreadUpdate {
  id: string;
  state: 'idle' | 'due';
  sendAfter: Date;
  toldVersion: number;
  toldKind: MessageKind | null;
  toldEtr: Date | null;
  toldAt: Date | null;
  reassurances: number;
  suppressed: string | null;
  attempts: number;
  lastError: string | null;
}

/** A time as epoch milliseconds, for parameters read back with to_timestamp(ms / 1000.0). */
const epochMs = (d: Date | null) => (d === null ? null : d.getTime());

/** Claim order: vip, business, residential. */
const PRIORITIES = [0, 1, 2];
const THREAD_COLUMNS = `id, incident_id, subscriber_id, channel, quiet_bypass, due_version, told_version, told_kind, told_etr, told_at, reassurances, attempts`;

// The same coalescing in every query, so groups computed in TypeScript join back exactly.
const ZONE = `coalesce(s.timezone, a.effective_timezone, $2::text)`;
const QSTART = `coalesce(s.quiet_start, $3::smallint)`;
const QEND = `coalesce(s.quiet_end, $4::smallint)`;
const BYPASS = `('24x7' = ANY(s.flags))`;
const SMS_OK = `(s.phone IS NOT NULL AND s.sms_consent AND s.sms_opted_out_at IS NULL)`;
const EMAIL_OK = `(s.email IS NOT NULL AND s.email_consent)`;

// A message and a part that exist already, in the batches that meet one (see `record`). One row per
// thread, version and kind: a try again after a failure (a version planned twice) takes over the
// failed row; an accepted one is never written over. The key leads with the incident, so this one
// index also serves every read of an incident's messages. A part whose SMSC id is taken keeps the first.
const MESSAGE_CONFLICT = `
         ON CONFLICT (incident_id, dedupe_key) DO UPDATE
           SET state = excluded.state, error = excluded.error, attempts = m.attempts + excluded.attempts, parts = excluded.parts,
               sent_at = excluded.sent_at, updated_at = excluded.updated_at, body = excluded.body, subject = excluded.subject
           WHERE m.state IN ('sending', 'failed')`;
const PART_CONFLICT = `
       ON CONFLICT (provider_id, smsc) DO NOTHING`;
const recordSql = (upsert: boolean) =>
  `WITH threads AS (
         UPDATE notification_threads t
         SET state = u.state::thread_state, send_after = to_timestamp(u.send_after / 1000.0), told_version = u.told_version, told_kind = u.told_kind,
             told_etr = to_timestamp(u.told_etr / 1000.0), told_at = to_timestamp(u.told_at / 1000.0), reassurances = u.reassurances,
             suppressed = u.suppressed, attempts = u.attempts, last_error = u.last_error
         FROM unnest($1::bigint[], $2::text[], $3::float8[], $4::int[], $5::text[], $6::float8[], $7::float8[],
                     $8::int[], $9::text[], $10::smallint[], $11::text[])
           AS u(id, state, send_after, told_version, told_kind, told_etr, told_at, reassurances, suppressed, attempts, last_error)
         -- the ids again as an array, so the threads are read by key: joining the unnest alone, the planner hashes the whole table
         WHERE t.id = u.id AND t.id = ANY($1::bigint[])),
       sent AS (
         INSERT INTO messages AS m (id, thread_id, incident_id, subscriber_id, channel, kind, incident_version, dedupe_key, recipient,
                               subject, body, quiet_bypass, state, error, attempts, parts, created_at, sent_at, updated_at)
         SELECT u.id, u.thread_id, u.incident_id, u.subscriber_id, u.channel, u.kind, u.incident_version, u.dedupe_key, u.recipient,
                ($29::text[])[u.subject], ($29::text[])[u.body], u.quiet_bypass, u.state, u.error, u.attempts, u.parts,
                $28, CASE WHEN u.state = 'accepted' THEN $28::timestamptz END, $28
         FROM unnest($12::bigint[], $13::bigint[], $14::int[], $15::int[], $16::notification_channel[], $17::text[], $18::int[],
                     $19::text[], $20::text[], $21::int[], $22::int[], $23::boolean[], $24::message_state[], $25::text[], $26::smallint[],
                     $27::smallint[])
           AS u(id, thread_id, incident_id, subscriber_id, channel, kind, incident_version, dedupe_key, recipient, subject, body,
                quiet_bypass, state, error, attempts, parts)
${upsert ? MESSAGE_CONFLICT : ''}         RETURNING id, dedupe_key)
       INSERT INTO message_parts (provider_id, message_id, part, smsc)
       SELECT p.provider_id, sent.id, p.part, p.smsc
       FROM unnest($30::text[], $31::text[], $32::smallint[], $33::text[]) AS p(provider_id, dedupe_key, part, smsc)
       JOIN sent ON sent.dedupe_key = p.dedupe_key${upsert ? PART_CONFLICT : ''}`;
const RECORD_NEW = recordSql(false);
const RECORD_UPSERT = recordSql(true);

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

  /** A slice of the affected subscribers grouped by what their send time depends on. */
  async planGroups(
    em: EntityManager,
    incidentId: number,
    defaultZone: string,
    quiet: { start: number; end: number },
    slice: PlanSlice,
  ): Promise<PlanGroup[]> {
    const rows = await em.query(
      `SELECT ${ZONE} AS tz, ${QSTART} AS qs, ${QEND} AS qe, ${BYPASS} AS bypass, count(*)::int AS n
       FROM incident_impact ii JOIN subscribers s ON s.id = ii.subscriber_id JOIN areas a ON a.id = s.area_id
       WHERE ii.incident_id = $1 AND ii.removed_at IS NULL
         -- the range on both sides, so the subscribers of the slice are read by key, not by scanning them all
         AND ii.subscriber_id >= $5 AND ii.subscriber_id < $6 AND s.id >= $5 AND s.id < $6 AND s.tier = ANY($7::subscriber_tier[])
       GROUP BY 1, 2, 3, 4`,
      [incidentId, defaultZone, quiet.start, quiet.end, slice.fromId, slice.toId, slice.tiers],
    );
    return rows.map((r: any) => ({ timezone: r.tz, quietStart: r.qs, quietEnd: r.qe, bypass: r.bypass, count: r.n }));
  }

  /**
   * Marks a slice of the incident's threads of one channel due at their group's send time, creating the threads
   * of subscribers not yet seen, in one statement for all groups. A thread a delivery batch holds
   * is locked: this waits for the batch to finish, then marks it due for the newer version.
   */
  async markDue(
    em: EntityManager,
    incidentId: number,
    version: number,
    groups: TimedGroup[],
    defaultZone: string,
    quiet: { start: number; end: number },
    slice: PlanSlice,
    channel: ChannelName,
  ): Promise<number> {
    return execute(
      em,
      `WITH g AS MATERIALIZED (
         SELECT tz || '|' || qs || '|' || qe || '|' || bypass AS key, sms_at, email_at, bypass
         FROM unnest($5::text[], $6::smallint[], $7::smallint[], $8::boolean[], $9::timestamptz[], $10::timestamptz[])
           AS g(tz, qs, qe, bypass, sms_at, email_at))
       INSERT INTO notification_threads AS t (incident_id, subscriber_id, channel, priority, state, send_after, due_version, quiet_bypass)
       SELECT $1, s.id, $15::notification_channel, CASE s.tier WHEN 'vip' THEN 0 WHEN 'business' THEN 1 ELSE 2 END, 'due',
              CASE $15::notification_channel WHEN 'sms' THEN g.sms_at ELSE g.email_at END, $11, g.bypass
       FROM incident_impact ii
       JOIN subscribers s ON s.id = ii.subscriber_id
       JOIN areas a ON a.id = s.area_id
       -- one hashable key per group, so a million rows join their group by hash, not by scanning groups
       JOIN g ON g.key = ${ZONE} || '|' || ${QSTART} || '|' || ${QEND} || '|' || ${BYPASS}
       WHERE ii.incident_id = $1 AND ii.removed_at IS NULL AND CASE $15::notification_channel WHEN 'sms' THEN ${SMS_OK} ELSE ${EMAIL_OK} END
         AND ii.subscriber_id >= $13 AND ii.subscriber_id < $14 AND s.id >= $13 AND s.id < $14 AND s.tier = ANY($12::subscriber_tier[])
       ON CONFLICT (incident_id, subscriber_id, channel) DO UPDATE
         SET due_version = greatest(t.due_version, excluded.due_version), quiet_bypass = excluded.quiet_bypass,
             state = 'due', send_after = excluded.send_after, attempts = 0`,
      [
        incidentId, defaultZone, quiet.start, quiet.end,
        groups.map((g) => g.timezone), groups.map((g) => g.quietStart), groups.map((g) => g.quietEnd), groups.map((g) => g.bypass),
        groups.map((g) => g.smsAt), groups.map((g) => g.emailAt), version, slice.tiers, slice.fromId, slice.toId, channel,
      ],
    );
  }

  /** Threads of subscribers a narrower scope released say nothing more. */
  async idleReleased(em: EntityManager, incidentId: number): Promise<number> {
    return execute(
      em,
      // Driven from the released few through the threads' key, never by joining all the incident's threads.
      `UPDATE notification_threads t SET state = 'idle', suppressed = 'no longer affected'
       WHERE t.incident_id = $1 AND t.state = 'due'
         AND t.subscriber_id = ANY (ARRAY(SELECT subscriber_id FROM incident_impact WHERE incident_id = $1 AND removed_at IS NOT NULL))`,
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

  /**
   * Locks up to `limit` of a channel's threads whose time has come, vip and business first,
   * skipping those another batch holds, and reads all the sender needs about them. The locks are
   * the claim: they last until the caller's transaction ends, so a worker that dies lets go at once.
   */
  async claim(em: EntityManager, channel: ChannelName, now: Date, limit: number, defaultZone: string, quiet: { start: number; end: number }): Promise<ClaimedThread[]> {
    // One range scan per priority: a single (priority, send_after) scan would walk every future entry of a higher tier first.
    // Each tier takes what the tiers before it left of the limit.
    const taken = (p: number) => PRIORITIES.slice(0, p).map((q) => ` - (SELECT count(*) FROM p${q})`).join('');
    const lanes = PRIORITIES.map(
      (p) => `p${p} AS (SELECT ${THREAD_COLUMNS} FROM notification_threads
                    WHERE state = 'due' AND channel = $5 AND priority = ${p} AND send_after <= $1
                    ORDER BY send_after LIMIT greatest(0, $6${taken(p)}) FOR UPDATE SKIP LOCKED)`,
    );
    // The outer LIMIT tells the planner how few rows come: it then joins by primary keys, not by scanning.
    const threads: Array<Omit<ClaimedThread, 'incident'> & { incident?: ClaimedIncident }> = await em.query(
      `WITH ${lanes.join(',\n')}
       SELECT t.*, nextval('messages_id_seq')::text AS message_id,
              CASE WHEN t.channel = 'sms' THEN ARRAY(
                SELECT r.created_at FROM messages r
                WHERE r.subscriber_id = t.subscriber_id AND r.channel = 'sms' AND r.created_at > $1 - interval '24 hours' AND r.state <> 'failed'
                ORDER BY r.created_at DESC) END AS recent_sms,
              s.*
       FROM (${PRIORITIES.map((p) => `SELECT * FROM p${p}`).join(' UNION ALL ')} LIMIT $6) t
       -- Each thread's subscriber by key: OFFSET 0 keeps the planner from hashing the whole subscribers table
       -- for a batch, which it chose on a small operator (20,000 subscribers: 15 ms a batch of 1,000 against 10).
       CROSS JOIN LATERAL (
         SELECT s.name, s.phone, s.email, s.locale, ${ZONE} AS timezone, ${QSTART} AS quiet_start, ${QEND} AS quiet_end,
                ${SMS_OK} AS sms_ok, ${EMAIL_OK} AS email_ok
         FROM subscribers s JOIN areas a ON a.id = s.area_id
         WHERE s.id = t.subscriber_id OFFSET 0) s`,
      [now, defaultZone, quiet.start, quiet.end, channel, limit],
    );
    if (threads.length === 0) return [];
    // The incidents once per batch, not once per thread: a batch is mostly one incident's threads.
    // Read after the claim, so never older than what the threads were marked due for.
    const incidents: ClaimedIncident[] = await em.query(
      `SELECT i.id, i.code, i.title, i.titles, i.kind, i.status, i.version, i.started_at, i.etr, i.etr_slips, i.resolved_at,
              i.public_message, i.public_messages,
              m.name AS manager_name, m.phone AS manager_phone
       FROM incidents i LEFT JOIN outage_managers m ON m.id = i.manager_id
       WHERE i.id = ANY($1::int[])`,
      [[...new Set(threads.map((t) => t.incident_id))]],
    );
    const byId = new Map(incidents.map((i) => [i.id, i]));
    for (const t of threads) t.incident = byId.get(t.incident_id)!;
    return threads as ClaimedThread[];
  }

  /**
   * Sets when the incidents' first message was accepted, where it is not set yet; returns those it
   * set, with the seconds since they were declared.
   */
  async markFirstHandedOver(incidentIds: number[], at: Date): Promise<IncidentTiming[]> {
    return returning<IncidentTiming>(
      this.db.manager,
      `UPDATE incidents SET first_handed_at = $2 WHERE id = ANY($1::int[]) AND first_handed_at IS NULL
       RETURNING kind::text, severity::text, greatest(0, extract(epoch FROM $2 - created_at))::float8 AS seconds, true AS measured`,
      [incidentIds, at],
    );
  }

  /**
   * Sets when every awake subscriber of the incidents (all pending ones when `incidentIds` is
   * undefined) had their notice accepted: planned, and none of their threads due now with nothing
   * told yet. Those asleep (due later) and retries in back-off are not waited for. `measured`:
   * something was accepted (an incident whose affected were all asleep is marked, not measured).
   * Cheap only when little is due: callers ask after a batch that found its channel drained.
   */
  async markAwakeNotified(at: Date, incidentIds?: number[]): Promise<IncidentTiming[]> {
    return returning<IncidentTiming>(
      this.db.manager,
      `UPDATE incidents i SET awake_notified_at = $1
       WHERE i.awake_notified_at IS NULL AND i.planned_version >= 1 AND ($2::int[] IS NULL OR i.id = ANY($2::int[]))
         -- by the due index's lanes (channel, priority) up to now: only what is due now is read, never the timers of the told
         AND NOT EXISTS (SELECT 1 FROM notification_threads t
                         WHERE t.channel IN ('sms', 'email') AND t.priority IN (${PRIORITIES.join(', ')}) AND t.state = 'due' AND t.send_after <= $1
                           AND t.incident_id = i.id AND t.told_version = 0 AND t.suppressed IS NULL)
       RETURNING i.kind::text, i.severity::text, greatest(0, extract(epoch FROM $1 - i.created_at))::float8 AS seconds,
                 i.first_handed_at IS NOT NULL AS measured`,
      [at, incidentIds ?? null],
    );
  }

  /** Whether any of a channel's threads is due now (the dispatcher's cue to start delivery jobs). */
  async anyDue(channel: ChannelName, now: Date): Promise<boolean> {
    const [row] = await this.db.query(
      `SELECT ${PRIORITIES.map((p) => `EXISTS (SELECT 1 FROM notification_threads WHERE state = 'due' AND channel = $1 AND priority = ${p} AND send_after <= $2)`).join(' OR ')} AS due`,
      [channel, now],
    );
    return row.due;
  }

  /**
   * Writes a batch's result in one statement, inside the claiming transaction: the threads with
   * what they were told and when to look again, the messages with their outcomes, and each SMS
   * part under the SMSC's id (what delivery receipts refer to).
   *
   * Cheaper parameters: the batch's distinct texts go once each, a message naming its subject and
   * body by position (a batch's readers mostly share them), and the threads' times go as epoch
   * milliseconds (pg turns a Date into text at five times a number's cost); every array goes as
   * a literal of our own (arrayLiteral: a third of pg's cost for the same text).
   *
   * Written first with plain INSERTs: a batch almost never meets a message or part that exists
   * already, and ON CONFLICT probes each row's key before its insert (about 15 % of the statement's
   * CPU). A batch that does meet one (a refused text tried again, an SMSC id given twice) goes back
   * to a savepoint and is written again with the ON CONFLICT clauses.
   */
  async record(em: EntityManager, updates: ThreadUpdate[], messages: SentMessage[], now: Date): Promise<void> {
    const parts = messages.flatMap((m) => m.providerIds.map((providerId, i) => ({ providerId, smsc: m.provider ?? DEFAULT_SMSC, dedupeKey: m.dedupeKey, part: i + 1 })));
    const texts: string[] = [];
    const textIndex = new Map<string, number>();
    const textAt = (text: string | null) => {
      if (text === null) return null;
      let i = textIndex.get(text);
      if (i === undefined) textIndex.set(text, (i = texts.push(text)));
      return i;
    };
    const col = <T, K extends keyof T>(rows: T[], k: K) => arrayLiteral(rows.map((r) => r[k] as string | number | boolean | null));
    const list = arrayLiteral;
    const params = [
      col(updates, 'id'), col(updates, 'state'), list(updates.map((u) => u.sendAfter.getTime())), col(updates, 'toldVersion'), col(updates, 'toldKind'),
      list(updates.map((u) => epochMs(u.toldEtr))), list(updates.map((u) => epochMs(u.toldAt))), col(updates, 'reassurances'), col(updates, 'suppressed'),
      col(updates, 'attempts'), col(updates, 'lastError'),
      col(messages, 'id'), col(messages, 'threadId'), col(messages, 'incidentId'), col(messages, 'subscriberId'), col(messages, 'channel'),
      col(messages, 'kind'), col(messages, 'version'), col(messages, 'dedupeKey'),
      col(messages, 'recipient'), list(messages.map((m) => textAt(m.subject))), list(messages.map((m) => textAt(m.body))), col(messages, 'quietBypass'),
      col(messages, 'state'), col(messages, 'error'), col(messages, 'attempts'), list(messages.map((m) => m.providerIds.length || null)),
      now, list(texts), list(parts.map((p) => p.providerId)), list(parts.map((p) => p.dedupeKey)), list(parts.map((p) => p.part)), list(parts.map((p) => p.smsc)),
    ];
    await insertedOrElse(em, () => em.query(RECORD_NEW, params), () => em.query(RECORD_UPSERT, params));
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
}
