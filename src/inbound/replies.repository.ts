import { DEFAULT_SMSC } from '../config/app-config';
import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';
import { OpenIncident } from './reply-texts';
import { execute, returning } from '../common/sql';

export type InboundOutcome =
  | 'unknown_sender' | 'empty' | 'opted_out' | 'opted_in' | 'status' | 'rating' | 'rating_repeated' | 'rating_refused' | 'feedback';
export type ReplyKind = 'opt_out' | 'opt_in' | 'status';

/** A subscriber with the number a reply came from (several may share one). */
export interface Sender {
  id: number;
  name: string;
  locale: 'ru' | 'en';
  timezone: string;
  opted_out: boolean;
}

export interface NewInbound {
  sender: string;
  recipient: string;
  body: string;
  dataCoding: number;
  subscriberId: number | null;
  incidentId: number | null;
  outcome: InboundOutcome;
  at: Date;
}

const SENDER_LOCK = 7;

@Injectable()
export class RepliesRepository {
  constructor(@InjectDataSource() private readonly db: DataSource) {}

  transaction<T>(work: (em: EntityManager) => Promise<T>): Promise<T> {
    return this.db.transaction(work);
  }

  /** One reply per number at a time: the hourly count and part reassembly stay exact. */
  async lockSender(em: EntityManager, sender: string): Promise<void> {
    await em.query(`SELECT pg_advisory_xact_lock($1, hashtext($2))`, [SENDER_LOCK, sender]);
  }

  /**
   * Keeps one part of a concatenated reply; when the last one is in, removes them all and
   * returns the whole text. Parts older than `staleBefore` are given up on.
   */
  async addPart(
    em: EntityManager,
    part: { sender: string; reference: number; total: number; seq: number; body: string; at: Date },
    staleBefore: Date,
  ): Promise<string | undefined> {
    await em.query(`DELETE FROM inbound_mo_parts WHERE sender = $1 AND received_at < $2`, [part.sender, staleBefore]);
    await em.query(
      `INSERT INTO inbound_mo_parts (sender, reference, total, seq, body, received_at) VALUES ($1, $2, $3, $4, $5, $6)
       ON CONFLICT DO NOTHING`,
      [part.sender, part.reference, part.total, part.seq, part.body, part.at],
    );
    const rows: Array<{ body: string }> = await em.query(
      `SELECT body FROM inbound_mo_parts WHERE sender = $1 AND reference = $2 AND total = $3 ORDER BY seq`,
      [part.sender, part.reference, part.total],
    );
    if (rows.length < part.total) return undefined;
    await em.query(`DELETE FROM inbound_mo_parts WHERE sender = $1 AND reference = $2 AND total = $3`, [part.sender, part.reference, part.total]);
    return rows.map((r) => r.body).join('');
  }

  async countSince(em: EntityManager, sender: string, since: Date): Promise<number> {
    const [row] = await em.query(`SELECT count(*)::int AS n FROM inbound_messages WHERE sender = $1 AND received_at > $2`, [sender, since]);
    return row.n;
  }

  /** Counts a reply over the limit in its number's hour; returns the count so far. */
  async countDropped(em: EntityManager, sender: string, at: Date): Promise<number> {
    const [row] = await em.query(
      `INSERT INTO inbound_dropped AS d (sender, hour, dropped, last_at) VALUES ($1, date_trunc('hour', $2::timestamptz), 1, $2)
       ON CONFLICT (sender, hour) DO UPDATE SET dropped = d.dropped + 1, last_at = excluded.last_at
       RETURNING dropped`,
      [sender, at],
    );
    return row.dropped;
  }

  async findSenders(em: EntityManager, phone: string, defaultZone: string): Promise<Sender[]> {
    return em.query(
      `SELECT s.id, s.name, s.locale, coalesce(s.timezone, a.effective_timezone, $2) AS timezone, s.sms_opted_out_at IS NOT NULL AS opted_out
       FROM subscribers s JOIN areas a ON a.id = s.area_id
       WHERE s.phone = $1 ORDER BY s.id`,
      [phone, defaultZone],
    );
  }

  /** Returns the subscribers whose opt-out changed. */
  async setOptedOut(em: EntityManager, ids: number[], optedOut: boolean, at: Date): Promise<number[]> {
    const rows = await returning<{ id: number }>(
      em,
      `UPDATE subscribers SET sms_opted_out_at = $2, updated_at = $3
       WHERE id = ANY($1::int[]) AND (sms_opted_out_at IS NULL) = $4
       RETURNING id`,
      [ids, optedOut ? at : null, at, optedOut],
    );
    return rows.map((r) => r.id);
  }

  /** Open incidents affecting any of these subscribers, newest first. */
  async openIncidents(em: EntityManager, subscriberIds: number[]): Promise<OpenIncident[]> {
    return em.query(
      `SELECT i.code, i.kind, i.status, i.etr FROM incidents i
       WHERE i.status NOT IN ('resolved', 'cancelled')
         AND EXISTS (SELECT 1 FROM incident_impact ii
                     WHERE ii.incident_id = i.id AND ii.subscriber_id = ANY($1::int[]) AND ii.removed_at IS NULL)
       ORDER BY i.started_at DESC, i.id DESC`,
      [subscriberIds],
    );
  }

  /** The newest follow-up SMS sent to one of these subscribers in (since, at]. */
  async latestFollowup(em: EntityManager, subscriberIds: number[], since: Date, at: Date) {
    const rows: Array<{ incident_id: number; subscriber_id: number }> = await em.query(
      `SELECT incident_id, subscriber_id FROM messages
       WHERE subscriber_id = ANY($1::int[]) AND channel = 'sms' AND kind = 'followup' AND state NOT IN ('sending', 'failed')
         AND created_at > $2 AND created_at <= $3
       ORDER BY created_at DESC, id DESC LIMIT 1`,
      [subscriberIds, since, at],
    );
    return rows[0];
  }

  async isAffected(em: EntityManager, incidentId: number, subscriberId: number): Promise<boolean> {
    const rows = await em.query(
      `SELECT 1 FROM incident_impact WHERE incident_id = $1 AND subscriber_id = $2 AND removed_at IS NULL`,
      [incidentId, subscriberId],
    );
    return rows.length > 0;
  }

  /**
   * The incident these subscribers were most recently found affected by (the newest added_at),
   * with its manager. The impact has no index by subscriber: incidents are probed through its key
   * newest impact_added_at first (it bounds the added_at of an incident's rows), the first found
   * gives a time, and only incidents whose rows may be as new as that are compared.
   */
  async latestIncident(em: EntityManager, subscriberIds: number[]) {
    const rows: Array<{ incident_id: number; subscriber_id: number; manager_id: number | null }> = await em.query(
      `WITH first AS (
         SELECT hit.added_at FROM incidents i
         CROSS JOIN LATERAL (SELECT max(ii.added_at) AS added_at FROM incident_impact ii
                             WHERE ii.incident_id = i.id AND ii.subscriber_id = ANY($1::int[])) hit
         WHERE i.impact_added_at IS NOT NULL AND hit.added_at IS NOT NULL
         ORDER BY i.impact_added_at DESC LIMIT 1)
       SELECT ii.incident_id, ii.subscriber_id, i.manager_id
       FROM incidents i JOIN incident_impact ii ON ii.incident_id = i.id AND ii.subscriber_id = ANY($1::int[])
       WHERE i.impact_added_at >= (SELECT added_at FROM first)
       ORDER BY ii.added_at DESC, ii.incident_id DESC LIMIT 1`,
      [subscriberIds],
    );
    return rows[0];
  }

  async managerOf(em: EntityManager, incidentId: number): Promise<number | null> {
    const [row] = await em.query(`SELECT manager_id FROM incidents WHERE id = $1`, [incidentId]);
    return row?.manager_id ?? null;
  }

  async insertInbound(em: EntityManager, m: NewInbound): Promise<string> {
    const [row] = await em.query(
      `INSERT INTO inbound_messages (sender, recipient, body, data_coding, subscriber_id, incident_id, outcome, received_at)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING id`,
      [m.sender, m.recipient, m.body, m.dataCoding, m.subscriberId, m.incidentId, m.outcome, m.at],
    );
    return String(row.id);
  }

  async setOutcome(em: EntityManager, inboundId: string, outcome: InboundOutcome): Promise<void> {
    await em.query(`UPDATE inbound_messages SET outcome = $2 WHERE id = $1`, [inboundId, outcome]);
  }

  /** False when this subscriber has already rated this incident: the first rating stands. */
  async insertRating(
    em: EntityManager,
    r: { incidentId: number; managerId: number | null; subscriberId: number; inboundId: string; rating: number; at: Date },
  ): Promise<boolean> {
    const rows = await em.query(
      `INSERT INTO feedback (incident_id, manager_id, subscriber_id, inbound_id, rating, received_at) VALUES ($1, $2, $3, $4, $5, $6)
       ON CONFLICT (incident_id, subscriber_id) WHERE rating IS NOT NULL DO NOTHING
       RETURNING id`,
      [r.incidentId, r.managerId, r.subscriberId, r.inboundId, r.rating, r.at],
    );
    return rows.length > 0;
  }

  async insertFeedback(
    em: EntityManager,
    f: { incidentId: number | null; managerId: number | null; subscriberId: number; inboundId: string; body: string; at: Date },
  ): Promise<void> {
    await em.query(
      `INSERT INTO feedback (incident_id, manager_id, subscriber_id, inbound_id, body, received_at) VALUES ($1, $2, $3, $4, $5, $6)`,
      [f.incidentId, f.managerId, f.subscriberId, f.inboundId, f.body, f.at],
    );
  }

  async insertReply(
    em: EntityManager,
    r: { inboundId: string; subscriberId: number; kind: ReplyKind; recipient: string; body: string; at: Date },
  ): Promise<string> {
    const [row] = await em.query(
      `INSERT INTO inbound_replies (inbound_id, subscriber_id, kind, recipient, body, created_at, updated_at)
       VALUES ($1, $2, $3, $4, $5, $6, $6) RETURNING id`,
      [r.inboundId, r.subscriberId, r.kind, r.recipient, r.body, r.at],
    );
    return String(row.id);
  }

  /** The channel's answer for one of our replies, and its part ids for the receipts. */
  async recordReplyOutcome(
    replyId: string,
    outcome: { state: 'accepted' | 'failed'; error: string | null; providerIds: string[]; provider?: string },
    at: Date,
  ): Promise<void> {
    await this.db.transaction(async (em) => {
      await em.query(
        `UPDATE inbound_replies SET state = $2::message_state, error = $3, parts = nullif($4, 0), updated_at = $5,
                sent_at = CASE WHEN $2 = 'accepted' THEN $5 ELSE sent_at END
         WHERE id = $1`,
        [replyId, outcome.state, outcome.error, outcome.providerIds.length, at],
      );
      if (outcome.providerIds.length > 0) {
        await em.query(
          `INSERT INTO inbound_reply_parts (provider_id, reply_id, part, smsc)
           SELECT p, $2, n, $3 FROM unnest($1::text[]) WITH ORDINALITY AS u(p, n) ON CONFLICT (provider_id, smsc) DO NOTHING`,
          [outcome.providerIds, replyId, outcome.provider ?? DEFAULT_SMSC],
        );
      }
    });
  }

  /**
   * Answers still 'sending' since before `staleBefore`, whose worker died between the commit and
   * the send: claimed by moving updated_at to `at`, so another sweep leaves them to this one.
   */
  async claimUnsentReplies(staleBefore: Date, at: Date, limit: number): Promise<Array<{ id: string; recipient: string; body: string }>> {
    const rows = await returning<{ id: string | number; recipient: string; body: string }>(
      this.db.manager,
      `UPDATE inbound_replies r SET updated_at = $2
       FROM (SELECT id FROM inbound_replies WHERE state = 'sending' AND updated_at < $1 ORDER BY updated_at LIMIT $3 FOR UPDATE SKIP LOCKED) s
       WHERE r.id = s.id
       RETURNING r.id, r.recipient, r.body`,
      [staleBefore, at, limit],
    );
    return rows.map((r) => ({ ...r, id: String(r.id) }));
  }

  /** Unsent answers made before `createdBefore`: too old to be worth sending now, so failed. */
  async failUnsentReplies(createdBefore: Date, at: Date, error: string): Promise<number> {
    return execute(
      this.db.manager,
      `UPDATE inbound_replies SET state = 'failed', error = $3, updated_at = $2 WHERE state = 'sending' AND created_at < $1`,
      [createdBefore, at, error],
    );
  }
}
