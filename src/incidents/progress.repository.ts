import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { ProgressRow } from './progress';

export const WAKING_BUCKET_SECONDS = 900;

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

  /** Messages sent, delivered and failed per channel and bucket (by when each happened). */
  async deliveries(incidentId: number, widthSeconds: number): Promise<ProgressRow[]> {
    const bucket = (column: string) => `floor(extract(epoch FROM ${column}) / $2)::bigint`;
    const rows: Array<ProgressRow & { bucket: string }> = await this.db.query(
      `SELECT channel, 'sent' AS what, ${bucket('sent_at')} AS bucket, count(*)::int AS n
         FROM messages WHERE incident_id = $1 AND sent_at IS NOT NULL GROUP BY 1, 3
       UNION ALL
       SELECT channel, 'delivered', ${bucket('delivered_at')}, count(*)::int
         FROM messages WHERE incident_id = $1 AND delivered_at IS NOT NULL GROUP BY 1, 3
       UNION ALL
       SELECT channel, 'failed', ${bucket('updated_at')}, count(*)::int
         FROM messages WHERE incident_id = $1 AND state IN ('failed', 'expired', 'undeliverable', 'rejected') GROUP BY 1, 3`,
      [incidentId, widthSeconds],
    );
    return rows.map((r) => ({ ...r, bucket: Number(r.bucket) }));
  }

  /** Subscribers not told yet because of their quiet hours, by the 15 minutes in which they will be. */
  async waking(incidentId: number, now: Date): Promise<Array<{ bucket: number; count: number }>> {
    const rows: Array<{ bucket: string; count: number }> = await this.db.query(
      `SELECT floor(extract(epoch FROM send_after) / $3)::bigint AS bucket, count(DISTINCT subscriber_id)::int AS count
       FROM notification_threads
       WHERE incident_id = $1 AND state = 'due' AND told_version = 0 AND send_after > $2 AND suppressed IS NULL
       GROUP BY 1 ORDER BY 1`,
      [incidentId, now, WAKING_BUCKET_SECONDS],
    );
    return rows.map((r) => ({ bucket: Number(r.bucket), count: r.count }));
  }
}
