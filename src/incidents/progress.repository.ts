import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';

export const WAKING_BUCKET_SECONDS = 900;

/** What counts as failed on the delivery chart. */
const FAILED_STATES = `('failed', 'expired', 'undeliverable', 'rejected')`;

/** Messages of one (channel, state) with the buckets in which they were sent, delivered and failed (null: not). */
export interface MessageCountRow {
  channel: string;
  state: string;
  sent: number | null;
  delivered: number | null;
  failed: number | null;
  n: number;
}

/** An incident's figures as counted at one moment (see ProgressRepository.counts). */
export interface IncidentCounts {
  messages: MessageCountRow[];
  /** Threads by channel and state; those waiting for their quiet hours to end are 'deferred'. */
  threads: Array<{ channel: string; state: string; n: number }>;
  /** Subscribers not told yet because of their quiet hours, by the 15-minute bucket in which they will be. */
  waking: Array<{ bucket: number; count: number }>;
}

@Injectable()
export class ProgressRepository {
  constructor(@InjectDataSource() private readonly db: DataSource) {}

  async incident(id: number): Promise<{ startedAt: Date; endedAt: Date | null; managerId: number | null } | undefined> {
    const [row] = await this.db.query(
      `SELECT started_at AS "startedAt", coalesce(resolved_at, cancelled_at) AS "endedAt", manager_id AS "managerId"
       FROM incidents WHERE id = $1`,
      [id],
    );
    return row;
  }

  /**
   * The incident's messages and threads counted for the board, the detail and the chart, one
   * statement after another on one connection, planned without JIT and without parallel workers.
   * These counts read every row of an incident (a million messages' rows are most of a table of
   * bodies, so they are read once for the counts by state and the chart alike); on the 2M bench's
   * send-out they took a third of PostgreSQL's CPU, the three run side by side and each with two
   * parallel workers: up to nine processes on two cores against the one delivery batch. Now a
   * count takes one backend, and its time, not the engine's: the caller keeps its figures a while
   * in proportion (ProgressService). Compiling (JIT, chosen by their cost) took 9.5 s of the chart's
   * 15.5 s on that incident, against 6 s for the scans themselves.
   */
  async counts(incidentId: number, widthSeconds: number, now: Date): Promise<IncidentCounts> {
    return this.db.transaction(async (em) => {
      await em.query(`SELECT set_config('jit', 'off', true), set_config('max_parallel_workers_per_gather', '0', true)`);
      const bucket = (column: string) => `floor(date_part('epoch', ${column}) / $2)::bigint`;
      const messageRows: Array<Record<keyof MessageCountRow, string | number | null>> = await em.query(
        `SELECT channel, state, ${bucket('sent_at')} AS sent, ${bucket('delivered_at')} AS delivered,
                CASE WHEN state IN ${FAILED_STATES} THEN ${bucket('updated_at')} END AS failed, count(*)::int AS n
         FROM messages WHERE incident_id = $1 GROUP BY 1, 2, 3, 4, 5`,
        [incidentId, widthSeconds],
      );
      const threads: IncidentCounts['threads'] = await em.query(
        `SELECT channel, CASE WHEN suppressed IS NOT NULL THEN 'suppressed' WHEN state = 'due' AND told_version = 0 AND send_after > $2
                              THEN 'deferred' ELSE state::text END AS state, count(*)::int AS n
         FROM notification_threads WHERE incident_id = $1 GROUP BY 1, 2`,
        [incidentId, now],
      );
      // Subscribers not told yet because of their quiet hours, by the 15 minutes in which they will be.
      const waking: Array<{ bucket: string; count: number }> = await em.query(
        `SELECT floor(date_part('epoch', send_after) / $3)::bigint AS bucket, count(DISTINCT subscriber_id)::int AS count
         FROM notification_threads
         WHERE incident_id = $1 AND state = 'due' AND told_version = 0 AND send_after > $2 AND suppressed IS NULL
         GROUP BY 1 ORDER BY 1`,
        [incidentId, now, WAKING_BUCKET_SECONDS],
      );
      const num = (v: string | number | null) => (v === null ? null : Number(v));
      return {
        messages: messageRows.map((r) => ({
          channel: String(r.channel), state: String(r.state), sent: num(r.sent), delivered: num(r.delivered), failed: num(r.failed), n: Number(r.n),
        })),
        threads,
        waking: waking.map((r) => ({ bucket: Number(r.bucket), count: r.count })),
      };
    });
  }
}
