import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { FeedbackItemDto, RatingSummaryDto } from './feedback.dto';

export interface FeedbackCursor {
  at: string;
  id: string;
}

@Injectable()
export class FeedbackRepository {
  constructor(@InjectDataSource() private readonly db: DataSource) {}

  /** Newest first, continuing after `after`; by incident, or by the incidents a manager now holds. */
  async page(f: { incidentId?: number; managerId?: number; after?: FeedbackCursor; limit: number }): Promise<Array<FeedbackItemDto & { at: Date }>> {
    const where: string[] = [];
    const params: unknown[] = [];
    const param = (v: unknown) => `$${params.push(v)}`;
    if (f.incidentId !== undefined) where.push(`f.incident_id = ${param(f.incidentId)}`);
    if (f.managerId !== undefined) where.push(`i.manager_id = ${param(f.managerId)}`);
    if (f.after) where.push(`(f.received_at, f.id) < (${param(f.after.at)}::timestamptz, ${param(f.after.id)}::bigint)`);
    const rows = await this.db.query(
      `SELECT f.id::text AS id, f.incident_id AS "incidentId", i.code AS "incidentCode", f.manager_id AS "managerId",
              f.subscriber_id AS "subscriberId", s.name AS "subscriberName", f.body AS text, f.rating, f.received_at AS at
       FROM feedback f
       JOIN subscribers s ON s.id = f.subscriber_id
       LEFT JOIN incidents i ON i.id = f.incident_id
       ${where.length ? 'WHERE ' + where.join(' AND ') : ''}
       ORDER BY f.received_at DESC, f.id DESC LIMIT ${param(f.limit)}`,
      params,
    );
    return rows.map((r: FeedbackItemDto & { at: Date }) => ({ ...r, receivedAt: r.at.toISOString() }));
  }

  async ratings(incidentId: number): Promise<RatingSummaryDto> {
    const [row] = await this.db.query(
      `SELECT count(rating)::int AS count, round(avg(rating), 2)::float8 AS average FROM feedback WHERE incident_id = $1`,
      [incidentId],
    );
    return row;
  }
}
