import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';
import { execute } from '../common/sql';
import { AFFECTED, ResolvedScope } from '../incidents/affected';
import { OPEN_STATUSES } from '../incidents/incident.errors';
import { CallReason, UndeliveredReason } from './call-list';

export interface CallTaskRow {
  subscriber_id: number;
  name: string;
  erased: boolean;
  phone: string | null;
  email: string | null;
  tier: string;
  flags: string[];
  reasons: CallReason[];
  priority: number;
  affected_since: Date;
  outcome: string | null;
  callback_at: Date | null;
  note: string | null;
  attempts: number;
  last_called_at: Date | null;
  tz: string | null;
  quiet_start: number | null;
  quiet_end: number | null;
}

export interface CallListCursor {
  priority: number;
  since: string;
  id: number;
}

/** Customers on an incident's call list, and those of them still to be called (see onList). */
export interface CallListCounts {
  total: number;
  pending: number;
}

/** Outcomes after which nobody needs to call again. */
export const DONE_OUTCOMES = ['reached', 'wrong_number'];

/**
 * Call task `c` of subscriber `s` is on the list (`$done`: DONE_OUTCOMES): still affected, and not
 * an erased person still waiting for a call. Erasure leaves no name and no number, so a pending
 * row (never called, no answer, call back) is one nobody can call: it leaves the list and both
 * counts. A finished call to someone erased since stays, in the total and under status=all, as
 * the call the manager made. (`released` follows the impact and is recomputed from it, so
 * erasure cannot be written there.)
 */
const onList = (done: string) => `NOT c.released AND (s.erased_at IS NULL OR c.outcome = ANY(${done}::call_outcome[]))`;

/** Subscriber `s` as the call list sees them: tier rank, flagged (flags in `$flags`), reachable by no message. */
const traits = (flags: string) => `CROSS JOIN LATERAL (SELECT
         CASE s.tier WHEN 'vip' THEN 0 WHEN 'business' THEN 1 ELSE 2 END AS tier_rank,
         s.flags && ${flags}::text[] AS flagged,
         (s.phone IS NULL OR NOT s.sms_consent OR s.sms_opted_out_at IS NOT NULL)
           AND (s.email IS NULL OR NOT s.email_consent) AS unreachable) t`;

/** Lower is called first: tier, then flagged, then hit repeatedly (`r.others`: their other recent incidents, or null). */
const PRIORITY = `t.tier_rank * 4 + CASE WHEN t.flagged THEN 0 ELSE 2 END + CASE WHEN r.others IS NOT NULL THEN 0 ELSE 1 END`;

/**
 * Why a customer is on the list, as a jsonb array of CallReason (codes, never words: each reader
 * words them in its own language); `unreachable` is the reason given when no message reaches them.
 */
const reasons = (flags: string, unreachable: string) => `to_jsonb(array_remove(ARRAY[
                CASE WHEN s.tier <> 'residential' THEN jsonb_build_object('code', s.tier) END,
                CASE WHEN t.flagged THEN jsonb_build_object('code', 'flagged', 'flags',
                  ARRAY(SELECT unnest(s.flags) INTERSECT SELECT unnest(${flags}::text[]) ORDER BY 1)) END,
                CASE WHEN r.others IS NOT NULL THEN jsonb_build_object('code', 'repeat_incidents', 'count', r.others + 1, 'days', 90) END,
                CASE WHEN t.unreachable THEN ${unreachable} END], NULL))`;

const UNREACHABLE = `'{"code": "unreachable"}'::jsonb`;
const OPTED_OUT = `'{"code": "opted_out"}'::jsonb`;

/** \`r.others\`: how many other incidents (not cancelled) hit subscriber \`s\` in the 90 days before incident \`o\` began, or null. */
const REPEATS = `CROSS JOIN LATERAL (
         SELECT nullif(count(DISTINCT x.incident_id), 0)::int AS others
         FROM incidents xi JOIN incident_impact x ON x.incident_id = xi.id AND x.subscriber_id = s.id
         WHERE xi.id <> o.incident_id AND xi.status <> 'cancelled'
           AND xi.started_at > o.started_at - interval '90 days') r`;

/**
 * The scope's affected subscribers (AFFECTED: $1, $2) with what the call list ranks them by (flags
 * in $5), in narrow rows: declare keeps a million of them while it stores impact and call tasks.
 */
export const AFFECTED_WITH_TRAITS = `SELECT s.id, s.tier, CASE WHEN t.flagged THEN s.flags END AS flags, t.tier_rank, t.flagged, t.unreachable
       FROM subscribers s ${traits('$5')}
       WHERE ${AFFECTED}`;

/** \`repeaters\`: per subscriber, how many other incidents (not cancelled) hit them in the 90 days before incident $3 began. */
export const REPEATERS = `me AS (SELECT id, started_at FROM incidents WHERE id = $3),
       repeaters AS (
         SELECT o.subscriber_id, count(DISTINCT o.incident_id)::int AS others
         FROM incident_impact o JOIN incidents oi ON oi.id = o.incident_id, me
         WHERE oi.id <> me.id AND oi.status <> 'cancelled' AND oi.started_at > me.started_at - interval '90 days'
         GROUP BY o.subscriber_id)`;

/**
 * Puts every customer of \`affected\` (rows of AFFECTED_WITH_TRAITS) who deserves a call on the list
 * of incident $3 (affected since $4): vip and business tiers, flagged accounts, people hit by
 * another incident in the last 90 days (\`repeaters\`), and people no message can reach. For an
 * incident that may have a list already, append ON CONFLICT (see addTasks); a declare's incident
 * has none, and the conflict check (a speculative insertion per row) cost about 0.5-1 s of
 * PostgreSQL CPU of its 111,862 rows at a million affected.
 */
export const INSERT_CALL_TASKS = `INSERT INTO call_tasks (incident_id, subscriber_id, priority, flagged, repeat, unreachable, reasons, affected_since)
       SELECT $3, s.id, ${PRIORITY}, t.flagged, r.others IS NOT NULL, t.unreachable, ${reasons('$5', UNREACHABLE)}, $4
       FROM affected s
       CROSS JOIN LATERAL (SELECT s.tier_rank, s.flagged, s.unreachable) t
       LEFT JOIN repeaters r ON r.subscriber_id = s.id
       WHERE s.tier <> 'residential' OR t.flagged OR r.others IS NOT NULL OR t.unreachable`;

@Injectable()
export class CallListRepository {
  constructor(@InjectDataSource() private readonly db: DataSource) {}

  /**
   * Puts every customer of the scope who deserves a call on the incident's list, once (see
   * INSERT_CALL_TASKS). Reads subscribers by the scope (not the stored impact), so the plan does
   * not depend on statistics of rows inserted a moment ago. One statement.
   */
  async addTasks(em: EntityManager, incidentId: number, scope: ResolvedScope, since: Date, priorityFlags: string[]): Promise<number> {
    return execute(
      em,
      `WITH affected AS (${AFFECTED_WITH_TRAITS}), ${REPEATERS} ${INSERT_CALL_TASKS} ON CONFLICT (incident_id, subscriber_id) DO NOTHING`,
      [scope.areaIds, scope.elementIds, incidentId, since, priorityFlags],
    );
  }

  /**
   * Subscribers who just opted out of SMS and have no other channel join the call list of every
   * open incident affecting them; already on a list, they get the reason added. One statement.
   */
  async addOptedOut(em: EntityManager, subscriberIds: number[], priorityFlags: string[]): Promise<number> {
    return execute(
      em,
      `WITH open_impact AS (
         SELECT ii.incident_id, ii.subscriber_id, ii.added_at, i.started_at
         FROM incidents i JOIN incident_impact ii ON ii.incident_id = i.id AND ii.subscriber_id = ANY($1::int[])
         WHERE ii.removed_at IS NULL AND i.status = ANY($2::incident_status[]))
       INSERT INTO call_tasks (incident_id, subscriber_id, priority, flagged, repeat, unreachable, reasons, affected_since)
       SELECT o.incident_id, s.id, ${PRIORITY}, t.flagged, r.others IS NOT NULL, true, ${reasons('$3', OPTED_OUT)}, o.added_at
       FROM open_impact o
       JOIN subscribers s ON s.id = o.subscriber_id
       ${traits('$3')}
       ${REPEATS}
       WHERE t.unreachable
       ORDER BY o.incident_id, s.id
       ON CONFLICT (incident_id, subscriber_id) DO UPDATE
         SET unreachable = true, reasons = call_tasks.reasons || jsonb_build_array(${OPTED_OUT})
         WHERE NOT call_tasks.unreachable`,
      [subscriberIds, OPEN_STATUSES, priorityFlags],
    );
  }

  /**
   * Customers a message could not reach (the channel refused it for good) join the call list of
   * that incident, or get the reason added if they are on it. One statement per delivery batch.
   */
  async addUndelivered(
    em: EntityManager,
    failed: Array<{ incidentId: number; subscriberId: number; reason: UndeliveredReason }>,
    priorityFlags: string[],
  ): Promise<number> {
    if (failed.length === 0) return 0;
    return execute(
      em,
      `WITH failed AS (
         SELECT f.incident_id, f.subscriber_id, f.reason, ii.added_at, i.started_at
         FROM unnest($1::int[], $2::int[], $3::jsonb[]) AS f(incident_id, subscriber_id, reason)
         JOIN incident_impact ii ON ii.incident_id = f.incident_id AND ii.subscriber_id = f.subscriber_id AND ii.removed_at IS NULL
         JOIN incidents i ON i.id = f.incident_id)
       INSERT INTO call_tasks AS c (incident_id, subscriber_id, priority, flagged, repeat, unreachable, reasons, affected_since)
       SELECT o.incident_id, s.id, ${PRIORITY}, t.flagged, r.others IS NOT NULL, t.unreachable, ${reasons('$4', UNREACHABLE)} || jsonb_build_array(o.reason),
              o.added_at
       FROM failed o
       JOIN subscribers s ON s.id = o.subscriber_id
       ${traits('$4')}
       ${REPEATS}
       ORDER BY o.incident_id, s.id -- rows locked in key order: batches of two channels never deadlock here
       ON CONFLICT (incident_id, subscriber_id) DO UPDATE
         SET reasons = c.reasons || jsonb_build_array(excluded.reasons -> -1)
         WHERE NOT c.reasons @> jsonb_build_array(excluded.reasons -> -1)`,
      [failed.map((f) => f.incidentId), failed.map((f) => f.subscriberId), failed.map((f) => JSON.stringify(f.reason)), priorityFlags],
    );
  }

  /** After a scope change: customers the incident no longer affects leave the list, those back return. */
  async syncWithImpact(em: EntityManager, incidentId: number): Promise<void> {
    await em.query(
      `UPDATE call_tasks c SET released = (ii.removed_at IS NOT NULL)
       FROM incident_impact ii
       WHERE c.incident_id = $1 AND ii.incident_id = c.incident_id AND ii.subscriber_id = c.subscriber_id
         AND c.released <> (ii.removed_at IS NOT NULL)`,
      [incidentId],
    );
  }

  /** One page of the ranked list, continuing after `after`; the index serves the order. */
  async page(
    incidentId: number,
    opts: { pendingOnly: boolean; limit: number; after?: CallListCursor },
  ): Promise<CallTaskRow[]> {
    const params: unknown[] = [incidentId, opts.limit, DONE_OUTCOMES];
    const where: string[] = [];
    if (opts.pendingOnly) where.push(`(c.outcome IS NULL OR c.outcome <> ALL($3::call_outcome[]))`);
    if (opts.after) {
      params.push(opts.after.priority, opts.after.since, opts.after.id);
      const n = params.length;
      where.push(`(c.priority, c.affected_since, c.subscriber_id) > ($${n - 2}, $${n - 1}::timestamptz, $${n})`);
    }
    return this.db.query(
      `SELECT c.subscriber_id, s.name, s.erased_at IS NOT NULL AS erased, s.phone, s.email, s.tier, s.flags, c.reasons, c.priority, c.affected_since,
              c.outcome, c.callback_at, c.note, c.attempts, c.last_called_at,
              coalesce(s.timezone, a.effective_timezone) AS tz, s.quiet_start, s.quiet_end
       FROM call_tasks c
       JOIN subscribers s ON s.id = c.subscriber_id
       JOIN areas a ON a.id = s.area_id
       WHERE c.incident_id = $1 AND ${onList('$3')} ${where.map((w) => `AND ${w}`).join(' ')}
       ORDER BY c.priority, c.affected_since, c.subscriber_id
       LIMIT $2`,
      params,
    );
  }

  /**
   * The list's total and pending, as onList counts them. Only the erased are looked up (in the
   * partial index subscribers_erased): joining every task's subscriber hashed the whole
   * subscribers table, 2 s a read of the detail at 2,000,000 subscribers.
   */
  async counts(incidentId: number): Promise<CallListCounts> {
    const rows = await this.db.query(
      `SELECT count(*)::int AS total,
              count(*) FILTER (WHERE c.outcome IS NULL OR c.outcome <> ALL($2::call_outcome[]))::int AS pending
       FROM call_tasks c
       LEFT JOIN subscribers s ON s.id = c.subscriber_id AND s.erased_at IS NOT NULL
       WHERE c.incident_id = $1 AND ${onList('$2')}`,
      [incidentId, DONE_OUTCOMES],
    );
    return rows[0];
  }

  /** Records one call and its outcome; false when the customer is not on this incident's list. */
  async recordCall(
    incidentId: number,
    subscriberId: number,
    call: { outcome: string; note: string | null; callbackAt: Date | null; actor: string },
  ): Promise<boolean> {
    return this.db.transaction(async (em) => {
      const updated = await execute(
        em,
        `UPDATE call_tasks c SET outcome = $3, note = coalesce($4, c.note), callback_at = $5, attempts = c.attempts + 1,
                last_called_at = now(), last_called_by = $6
         FROM subscribers s
         WHERE c.incident_id = $1 AND c.subscriber_id = $2 AND s.id = c.subscriber_id AND ${onList('$7')}`,
        [incidentId, subscriberId, call.outcome, call.note, call.callbackAt, call.actor, DONE_OUTCOMES],
      );
      if (updated === 0) return false;
      await em.query(
        `INSERT INTO call_attempts (incident_id, subscriber_id, outcome, note, callback_at, actor) VALUES ($1, $2, $3, $4, $5, $6)`,
        [incidentId, subscriberId, call.outcome, call.note, call.callbackAt, call.actor],
      );
      return true;
    });
  }
}
