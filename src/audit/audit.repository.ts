import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import type { Role } from '../auth/api-key.entity';
import { auditRowParams, INSERT_AUDIT_ROW } from './audit-context';
import { AuditEntryDto } from './audit.dto';

export interface AuditRow {
  keyId: number;
  role: Role;
  method: string;
  route: string;
  status: number;
  incidentIds: number[];
  subscriberIds: number[];
}

export interface AuditFilter {
  keyId?: number;
  incidentId?: number;
  subscriberId?: number;
  from?: Date;
  to?: Date;
  beforeId?: string;
  limit: number;
}

@Injectable()
export class AuditRepository {
  constructor(@InjectDataSource() private readonly db: DataSource) {}

  async write(row: AuditRow): Promise<void> {
    await this.db.query(INSERT_AUDIT_ROW, auditRowParams(row));
  }

  /**
   * What the answer adds to a row its change's transaction wrote (the status, ids from the answer);
   * false when that row is not there, because the transaction rolled back after writing it.
   */
  async complete(id: string, row: AuditRow): Promise<boolean> {
    const [, updated] = await this.db.query(
      `UPDATE audit_log SET status = $2, incident_ids = $3, subscriber_ids = $4 WHERE id = $1::bigint`,
      [id, row.status, row.incidentIds, row.subscriberIds],
    );
    return updated > 0;
  }

  /** Newest first, below `beforeId`; an incident or subscriber is found through the GIN indexes. */
  async page(f: AuditFilter): Promise<AuditEntryDto[]> {
    const where: string[] = [];
    const params: unknown[] = [];
    const param = (v: unknown) => `$${params.push(v)}`;
    if (f.keyId !== undefined) where.push(`a.api_key_id = ${param(f.keyId)}`);
    if (f.incidentId !== undefined) where.push(`a.incident_ids @> ARRAY[${param(f.incidentId)}::int]`);
    if (f.subscriberId !== undefined) where.push(`a.subscriber_ids @> ARRAY[${param(f.subscriberId)}::int]`);
    if (f.from) where.push(`a.at >= ${param(f.from)}`);
    if (f.to) where.push(`a.at < ${param(f.to)}`);
    if (f.beforeId) where.push(`a.id < ${param(f.beforeId)}::bigint`);
    const rows = await this.db.query(
      `SELECT a.id::text AS id, a.at, a.api_key_id AS "keyId", k.name AS "keyName", a.role, a.method, a.route, a.status,
              a.incident_ids AS "incidentIds", a.subscriber_ids AS "subscriberIds"
       FROM audit_log a LEFT JOIN api_keys k ON k.id = a.api_key_id
       ${where.length ? 'WHERE ' + where.join(' AND ') : ''}
       ORDER BY a.id DESC LIMIT ${param(f.limit)}`,
      params,
    );
    return rows.map((r: AuditEntryDto & { at: Date }) => ({ ...r, at: r.at.toISOString() }));
  }
}
