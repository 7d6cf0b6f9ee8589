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
   * The incident's messages counted in one pass, for both the detail's counts by state and the
   * delivery chart: a million messages' rows are most of a table of bodies, read once, not four times.
   */
  async messageCounts(incidentId: number, widthSeconds: number): Promise<MessageCountRow[]> {
    const bucket = (column: string) => `floor(date_part('epoch', ${column}) / $2)::bigint`;
    const rows: Array<Record<keyof MessageCountRow, string | number | null>> = await this.withoutJit(
      `SELECT channel, state, ${bucket('sent_at')} AS sent, ${bucket('delivered_at')} AS delivered,
              CASE WHEN state IN ${FAILED_STATES} THEN ${bucket('updated_at')} END AS failed, count(*)::int AS n
       FROM messages WHERE incident_id = $1 GROUP BY 1, 2, 3, 4, 5`,
      [incidentId, widthSeconds],
    );
    const num = (v: string | number | null) => (v === null ? null : Number(v));
    return rows.map((r) => ({
      channel: String(r.channel), state: String(r.state), sent: num(r.sent), delivered: num(r.delivered), failed: num(r.failed), n: Number(r.n),
    }));
  }

  /** The incident's threads by channel and state; those waiting for their quiet hours to end are 'deferred'. */
  async threadCounts(incidentId: number): Promise<Array<{ channel: string; state: string; n: number }>> {
    return this.withoutJit(
      `SELECT channel, CASE WHEN suppressed IS NOT NULL THEN 'suppressed' WHEN state = 'due' AND told_version = 0 AND send_after > now()
                            THEN 'deferred' ELSE state::text END AS state, count(*)::int AS n
       FROM notification_threads WHERE incident_id = $1 GROUP BY 1, 2`,
      [incidentId],
    );
  }

  /** Subscribers not told yet because of their quiet hours, by the 15 minutes in which they will be. */
  async waking(incidentId: number, now: Date): Promise<Array<{ bucket: number; count: number }>> {
    const rows: Array<{ bucket: string; count: number }> = await this.withoutJit(
      `SELECT floor(date_part('epoch', send_after) / $3)::bigint AS bucket, count(DISTINCT subscriber_id)::int AS count
       FROM notification_threads
       WHERE incident_id = $1 AND state = 'due' AND told_version = 0 AND send_after > $2 AND suppressed IS NULL
       GROUP BY 1 ORDER BY 1`,
      [incidentId, now, WAKING_BUCKET_SECONDS],
    );
    return rows.map((r) => ({ bucket: Number(r.bucket), count: r.count }));
  }

  /**
   * A count over an incident's million rows, planned without JIT: its cost makes the planner
   * compile it, and compiling (inlining and optimising) took 9.5 s of the delivery chart's 15.5 s
   * on the 2M bench's incident, against 6 s for the scans themselves.
   */
  private withoutJit<T>(sql: string, params: unknown[]): Promise<T[]> {
    return this.db.transaction(async (em) => {
      await em.query(`SELECT set_config('jit', 'off', true)`);
      return em.query(sql, params);
    });
  }
}
