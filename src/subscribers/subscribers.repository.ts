import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';
import { likeEscape } from '../reference/search-query';
import { updateColumns } from '../common/sql';
import { formatHhMm } from '../common/validation';
import { SubscriberDto, SubscriberSummaryDto } from './subscriber.dto';
import { SubscriberInput } from './subscriber-input';

interface SubscriberRow {
  id: number;
  external_id: string;
  name: string;
  phone: string | null;
  email: string | null;
  locale: string;
  timezone: string | null;
  area_timezone: string | null;
  quiet_start: number | null;
  quiet_end: number | null;
  tier: string;
  flags: string[];
  area_code: string;
  access_element_code: string | null;
  sms_consent: boolean;
  email_consent: boolean;
  sms_opted_out_at: Date | null;
  created_at: Date;
  updated_at: Date;
}

export type SubscriberRecord = SubscriberInput & { id: number; areaId: number; accessElementId: number | null };

@Injectable()
export class SubscribersRepository {
  constructor(@InjectDataSource() private readonly db: DataSource) {}

  /**
   * Subscribers whose external id or phone starts with q, or whose name contains it, by id after
   * the cursor; limit + 1 rows.
   */
  async search(query: { q?: string; phone?: string; afterId?: number; limit: number }): Promise<SubscriberSummaryDto[]> {
    return this.db.query(
      `SELECT s.id, s.external_id AS "externalId", s.name, s.phone, s.tier, a.code AS "areaCode"
       FROM subscribers s JOIN areas a ON a.id = s.area_id
       WHERE ($1::text IS NULL OR s.external_id LIKE $1 || '%' OR s.name ILIKE '%' || $1 || '%' OR s.phone LIKE $4 || '%')
         AND s.id > $2 AND s.erased_at IS NULL
       ORDER BY s.id LIMIT $3`,
      [query.q === undefined ? null : likeEscape(query.q), query.afterId ?? 0, query.limit + 1, query.phone ?? null],
    );
  }

  async findById(id: number, defaultTimezone: string, em: EntityManager = this.db.manager): Promise<SubscriberDto | null> {
    const rows: SubscriberRow[] = await em.query(
      `SELECT s.*, a.code AS area_code, a.effective_timezone AS area_timezone, e.code AS access_element_code
       FROM subscribers s
       JOIN areas a ON a.id = s.area_id
       LEFT JOIN network_elements e ON e.id = s.access_element_id
       WHERE s.id = $1 AND s.erased_at IS NULL`,
      [id],
    );
    const r = rows[0];
    if (!r) return null;
    return {
      id: r.id,
      externalId: r.external_id,
      name: r.name,
      phone: r.phone,
      email: r.email,
      locale: r.locale,
      timezone: r.timezone,
      effectiveTimezone: r.timezone ?? r.area_timezone ?? defaultTimezone,
      quietHours: r.quiet_start === null || r.quiet_end === null ? null : { start: formatHhMm(r.quiet_start), end: formatHhMm(r.quiet_end) },
      tier: r.tier,
      flags: r.flags,
      areaCode: r.area_code,
      accessElementCode: r.access_element_code,
      channels: { sms: r.sms_consent, email: r.email_consent },
      smsOptedOutAt: r.sms_opted_out_at?.toISOString() ?? null,
      createdAt: r.created_at.toISOString(),
      updatedAt: r.updated_at.toISOString(),
    };
  }

  async idByExternalId(externalId: string, em: EntityManager = this.db.manager): Promise<number | undefined> {
    const rows: Array<{ id: number }> = await em.query(`SELECT id FROM subscribers WHERE external_id = $1`, [externalId]);
    return rows[0]?.id;
  }

  async insert(em: EntityManager, s: SubscriberInput, areaId: number, accessElementId: number | null): Promise<number> {
    const rows: Array<{ id: number }> = await em.query(
      `INSERT INTO subscribers (external_id, name, phone, email, locale, timezone, quiet_start, quiet_end, tier, flags,
                                area_id, access_element_id, sms_consent, email_consent)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14) RETURNING id`,
      [
        s.externalId, s.name, s.phone, s.email, s.locale, s.timezone, s.quietStart, s.quietEnd, s.tier, s.flags,
        areaId, accessElementId, s.smsConsent, s.emailConsent,
      ],
    );
    return rows[0].id;
  }

  async update(em: EntityManager, id: number, columns: Record<string, unknown>): Promise<void> {
    await updateColumns(em, 'subscribers', id, columns);
  }
}
