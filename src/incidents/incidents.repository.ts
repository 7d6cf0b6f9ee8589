import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';
import { updateColumns } from '../common/sql';
import { IncidentKind, IncidentStatus, OPEN_STATUSES } from './incident.errors';
import { Localized } from './localized-text';

export interface IncidentRow {
  id: number;
  code: string;
  title: string;
  titles: Localized;
  kind: IncidentKind;
  severity: string;
  status: IncidentStatus;
  scope_area_ids: number[];
  scope_element_ids: number[];
  area_codes: string[];
  element_codes: string[];
  started_at: Date;
  etr: Date | null;
  etr_slips: number;
  public_message: string | null;
  public_messages: Localized;
  resolved_at: Date | null;
  cancelled_at: Date | null;
  cancel_reason: string | null;
  manager_id: number | null;
  manager_name: string | null;
  manager_phone: string | null;
  needs_reassignment: boolean;
  version: number;
  affected: number;
  created_at: Date;
  updated_at: Date;
}

export interface NewIncident {
  code: string;
  title: string;
  titles: Localized;
  kind: IncidentKind;
  severity: string;
  status: IncidentStatus;
  scopeAreaIds: number[];
  scopeElementIds: number[];
  startedAt: Date;
  etr: Date | null;
  publicMessage: string | null;
  publicMessages: Localized;
  createdBy: string;
}

export interface IncidentEvent {
  actor: string;
  type: string;
  status?: IncidentStatus | null;
  etr?: Date | null;
  message?: string | null;
  messages?: Localized;
  public?: boolean;
  details?: Record<string, unknown>;
}

export interface IncidentFilter {
  status?: IncidentStatus;
  open?: boolean;
  unassigned?: boolean;
  areaCode?: string;
  managerId?: number;
  beforeId?: number;
  limit: number;
}

const SELECT_INCIDENT = `
  SELECT i.*, m.name AS manager_name, m.phone AS manager_phone,
         ARRAY(SELECT code FROM areas WHERE id = ANY(i.scope_area_ids) ORDER BY code) AS area_codes,
         ARRAY(SELECT code FROM network_elements WHERE id = ANY(i.scope_element_ids) ORDER BY code) AS element_codes
  FROM incidents i LEFT JOIN outage_managers m ON m.id = i.manager_id`;

@Injectable()
export class IncidentsRepository {
  constructor(@InjectDataSource() private readonly db: DataSource) {}

  async insert(em: EntityManager, i: NewIncident): Promise<number | undefined> {
    // ON CONFLICT on the public code: the caller draws another code and retries.
    const rows: Array<{ id: number }> = await em.query(
      `INSERT INTO incidents (code, title, titles, kind, severity, status, scope_area_ids, scope_element_ids, started_at, etr,
                              public_message, public_messages, created_by)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13)
       ON CONFLICT (code) DO NOTHING RETURNING id`,
      [i.code, i.title, i.titles, i.kind, i.severity, i.status, i.scopeAreaIds, i.scopeElementIds, i.startedAt, i.etr, i.publicMessage,
        i.publicMessages, i.createdBy],
    );
    return rows[0]?.id;
  }

  async findById(id: number, em: EntityManager = this.db.manager): Promise<IncidentRow | null> {
    const rows: IncidentRow[] = await em.query(`${SELECT_INCIDENT} WHERE i.id = $1`, [id]);
    return rows[0] ?? null;
  }

  async findByCode(code: string): Promise<IncidentRow | null> {
    const rows: IncidentRow[] = await this.db.query(`${SELECT_INCIDENT} WHERE i.code = $1`, [code]);
    return rows[0] ?? null;
  }

  /** Locks the incident row for the rest of the transaction: changes to one incident go one at a time. */
  async lock(
    em: EntityManager,
    id: number,
  ): Promise<{ status: IncidentStatus; etr: Date | null; kind: IncidentKind; started_at: Date; etr_slips: number } | null> {
    const rows = await em.query(`SELECT status, etr, kind, started_at, etr_slips FROM incidents WHERE id = $1 FOR UPDATE`, [id]);
    return rows[0] ?? null;
  }

  async update(em: EntityManager, id: number, columns: Record<string, unknown>): Promise<void> {
    await updateColumns(em, 'incidents', id, columns);
  }

  /** Bumps the version that notifications compare against: call on every customer-relevant change. */
  async bumpVersion(em: EntityManager, id: number): Promise<void> {
    await em.query(`UPDATE incidents SET version = version + 1 WHERE id = $1`, [id]);
  }

  /**
   * Scheduled maintenance whose start has come moves to investigating, with a new version to plan
   * and a public timeline entry by `actor`. One statement: a second worker running it at the same
   * time waits for the row locks, then finds those incidents no longer scheduled and skips them.
   */
  async startDueMaintenance(now: Date, actor: string): Promise<Array<{ id: number; version: number }>> {
    return this.db.query(
      `WITH started AS (
         UPDATE incidents SET status = 'investigating', version = version + 1, updated_at = now()
         WHERE status = 'scheduled' AND started_at <= $1
         RETURNING id, version, started_at),
       events AS (
         INSERT INTO incident_events (incident_id, actor, type, status, public, details)
         SELECT id, $2, 'started', 'investigating', true,
                jsonb_build_object('scheduledStart', to_char(started_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"'))
         FROM started)
       SELECT id, version FROM started ORDER BY id`,
      [now, actor],
    );
  }

  async addEvent(em: EntityManager, incidentId: number, e: IncidentEvent): Promise<void> {
    await em.query(
      `INSERT INTO incident_events (incident_id, actor, type, status, etr, message, messages, public, details)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)`,
      [incidentId, e.actor, e.type, e.status ?? null, e.etr ?? null, e.message ?? null, e.messages ?? {}, e.public ?? false, e.details ?? {}],
    );
  }

  async events(incidentId: number, publicOnly = false): Promise<Array<IncidentEvent & { at: Date }>> {
    return this.db.query(
      `SELECT at, actor, type, status, etr, message, messages, public, details FROM incident_events
       WHERE incident_id = $1 ${publicOnly ? 'AND public' : ''} ORDER BY id`,
      [incidentId],
    );
  }

  /** The names of the areas an incident names and of those its network elements stand in: public, no one's address. */
  async areaNames(incidentId: number): Promise<string[]> {
    const rows: Array<{ name: string }> = await this.db.query(
      `SELECT a.name FROM incidents i JOIN areas a
         ON a.id = ANY(i.scope_area_ids) OR a.id IN (SELECT area_id FROM network_elements WHERE id = ANY(i.scope_element_ids))
       WHERE i.id = $1 ORDER BY a.name`,
      [incidentId],
    );
    return rows.map((r) => r.name);
  }

  /** Newest first, continuing below `beforeId`. */
  async list(f: IncidentFilter): Promise<IncidentRow[]> {
    const where: string[] = [];
    const params: unknown[] = [];
    const param = (v: unknown) => `$${params.push(v)}`;
    if (f.status) where.push(`i.status = ${param(f.status)}`);
    if (f.open) where.push(`i.status = ANY(${param(OPEN_STATUSES)}::incident_status[])`);
    if (f.unassigned !== undefined) {
      const unassigned = `(i.manager_id IS NULL OR i.needs_reassignment)`;
      where.push(f.unassigned ? unassigned : `NOT ${unassigned}`);
    }
    if (f.managerId !== undefined) where.push(`i.manager_id = ${param(f.managerId)}`);
    if (f.areaCode) {
      // Incidents touching the area: a scoped area above or below it, or a scoped element (or one below it) located there.
      where.push(`EXISTS (
        SELECT 1 FROM areas f JOIN areas sa ON sa.path <@ f.path OR f.path <@ sa.path
        WHERE f.code = ${param(f.areaCode)}
          AND (sa.id = ANY(i.scope_area_ids)
               OR sa.id IN (SELECT d.area_id FROM network_elements e JOIN network_elements d ON d.path <@ e.path
                            WHERE e.id = ANY(i.scope_element_ids))))`);
    }
    if (f.beforeId) where.push(`i.id < ${param(f.beforeId)}`);
    return this.db.query(
      `${SELECT_INCIDENT} ${where.length ? 'WHERE ' + where.join(' AND ') : ''} ORDER BY i.id DESC LIMIT ${param(f.limit)}`,
      params,
    );
  }

  /**
   * The on-duty manager for a scope, or none. Candidates cover at least one of the scope's areas
   * (their own area is the scope area or an ancestor). Ranked: covering more of the scope, then the
   * most specific (deepest) cover, then fewest open incidents, then longest since last assigned.
   */
  async pickManager(em: EntityManager, coveragePaths: string[]): Promise<number | undefined> {
    if (coveragePaths.length === 0) return undefined;
    const rows: Array<{ id: number }> = await em.query(
      `WITH scope AS (SELECT unnest($1::ltree[]) AS path),
       cover AS (
         SELECT ma.manager_id, s.path, max(nlevel(a.path)) AS depth
         FROM scope s JOIN areas a ON s.path <@ a.path JOIN outage_manager_areas ma ON ma.area_id = a.id
         GROUP BY ma.manager_id, s.path)
       SELECT m.id
       FROM outage_managers m JOIN cover c ON c.manager_id = m.id
       WHERE m.on_duty
       GROUP BY m.id
       ORDER BY count(*) DESC, min(c.depth) DESC,
                (SELECT count(*) FROM incidents i WHERE i.manager_id = m.id AND i.status = ANY($2::incident_status[])) ASC,
                m.last_assigned_at ASC NULLS FIRST, m.id
       LIMIT 1`,
      [coveragePaths, OPEN_STATUSES],
    );
    return rows[0]?.id;
  }

  async markAssigned(em: EntityManager, managerId: number): Promise<void> {
    await em.query(`UPDATE outage_managers SET last_assigned_at = now() WHERE id = $1`, [managerId]);
  }

  async managerOnDuty(em: EntityManager, managerId: number): Promise<boolean | undefined> {
    const rows = await em.query(`SELECT on_duty FROM outage_managers WHERE id = $1`, [managerId]);
    return rows[0]?.on_duty;
  }

  /** A manager went off duty: their open incidents are flagged, each with a timeline entry. Returns the ids. */
  async flagForReassignment(em: EntityManager, managerId: number, actor: string): Promise<number[]> {
    const rows: Array<{ id: number }> = await em.query(
      `WITH flagged AS (
         UPDATE incidents SET needs_reassignment = true, updated_at = now()
         WHERE manager_id = $1 AND status = ANY($2::incident_status[]) AND NOT needs_reassignment
         RETURNING id)
       INSERT INTO incident_events (incident_id, actor, type, details)
       SELECT id, $3, 'needs_reassignment', jsonb_build_object('managerId', $1::int, 'reason', 'manager went off duty')
       FROM flagged RETURNING incident_id AS id`,
      [managerId, OPEN_STATUSES, actor],
    );
    return rows.map((r) => r.id);
  }
}
