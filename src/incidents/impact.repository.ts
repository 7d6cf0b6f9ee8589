import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';
import { execute } from '../common/sql';
import { AFFECTED_WITH_TRAITS, INSERT_CALL_TASKS, REPEATERS } from '../calls/call-list.repository';
import { AFFECTED, ResolvedScope } from './affected';

export interface ImpactGroup {
  areaId: number;
  tier: string;
  timezone: string | null;
  quietStart: number | null;
  quietEnd: number | null;
  count: number;
}

@Injectable()
export class ImpactRepository {
  constructor(@InjectDataSource() private readonly db: DataSource) {}

  /** Ids of the given codes and of everything below them; unknown codes are returned apart. */
  async resolveScope(areaCodes: string[], elementCodes: string[], em: EntityManager = this.db.manager) {
    const [areas, elements]: Array<Array<{ code: string; id: number; root: boolean }>> = await Promise.all([
      em.query(
        `SELECT DISTINCT a.id, a.code, a.code = ANY($1) AS root FROM areas s JOIN areas a ON a.path <@ s.path WHERE s.code = ANY($1)`,
        [areaCodes],
      ),
      em.query(
        `SELECT DISTINCT e.id, e.code, e.code = ANY($1) AS root
         FROM network_elements s JOIN network_elements e ON e.path <@ s.path WHERE s.code = ANY($1)`,
        [elementCodes],
      ),
    ]);
    const knownAreas = new Set(areas.filter((a) => a.root).map((a) => a.code));
    const knownElements = new Set(elements.filter((e) => e.root).map((e) => e.code));
    const scope: ResolvedScope = {
      areaCodes,
      elementCodes,
      areaIds: areas.map((a) => a.id),
      elementIds: elements.map((e) => e.id),
      scopeAreaIds: areas.filter((a) => a.root).map((a) => a.id),
      scopeElementIds: elements.filter((e) => e.root).map((e) => e.id),
    };
    return {
      scope,
      unknownAreas: areaCodes.filter((c) => !knownAreas.has(c)),
      unknownElements: elementCodes.filter((c) => !knownElements.has(c)),
    };
  }

  /**
   * The scope's affected subscribers, counted per (area, tier, time zone, quiet window). Writes
   * nothing. Subscribers are grouped by their own columns first, which the planner knows the
   * group count of (statistics subscribers_impact_groups) and counts in parallel like a plain
   * count(*), reading those columns from the index subscribers_affected_groups alone; the area's
   * zone is joined to the ~15,000 groups, not to the million rows.
   */
  async impactGroups(scope: ResolvedScope): Promise<ImpactGroup[]> {
    const rows: Array<{ area_id: number; tier: string; tz: string | null; qs: number | null; qe: number | null; n: number }> =
      await this.db.query(
        `SELECT g.area_id, g.tier, coalesce(g.timezone, a.effective_timezone) AS tz, g.quiet_start AS qs, g.quiet_end AS qe, g.n
         FROM (SELECT s.area_id, s.tier, s.timezone, s.quiet_start, s.quiet_end, count(*)::int AS n
               FROM subscribers s WHERE ${AFFECTED}
               GROUP BY 1, 2, 3, 4, 5) g
         JOIN areas a ON a.id = g.area_id`,
        [scope.areaIds, scope.elementIds],
      );
    return rows.map((r) => ({ areaId: r.area_id, tier: r.tier, timezone: r.tz, quietStart: r.qs, quietEnd: r.qe, count: r.n }));
  }

  async areaNames(ids: number[]): Promise<Map<number, { code: string; name: string }>> {
    const rows: Array<{ id: number; code: string; name: string }> = await this.db.query(
      `SELECT id, code, name FROM areas WHERE id = ANY($1)`,
      [ids],
    );
    return new Map(rows.map((r) => [r.id, { code: r.code, name: r.name }]));
  }

  /**
   * Stores who the incident affects and its call list (INSERT_CALL_TASKS) from one pass over the
   * scope's subscribers; returns how many of each. Repeats are counted from the impact stored
   * before this statement, so the incident's own million rows are not read back. The incident is
   * new, so its tasks go in without a conflict check.
   */
  async storeImpact(em: EntityManager, incidentId: number, scope: ResolvedScope, since: Date, priorityFlags: string[]) {
    // Compiling this statement (JIT, chosen by its cost) took more CPU than it saved on a million rows.
    // It does the work of two statements (impact, then call tasks), so it gets two statements' time;
    // the rest of the transaction gets the role's own timeout back.
    const [{ timeout }]: Array<{ timeout: string }> = await em.query(
      `SELECT t.timeout, set_config('jit', 'off', true),
              set_config('statement_timeout', (extract(epoch FROM t.timeout::interval) * 2000)::bigint::text, true)
       FROM (SELECT current_setting('statement_timeout') AS timeout) t`,
    );
    const [{ affected, call_tasks: callTasks }]: Array<{ affected: number; call_tasks: number }> = await em.query(
      `WITH affected AS MATERIALIZED (${AFFECTED_WITH_TRAITS}),
       impact AS (INSERT INTO incident_impact (incident_id, subscriber_id, added_at) SELECT $3, id, $4 FROM affected),
       ${REPEATERS},
       tasks AS (${INSERT_CALL_TASKS} RETURNING 1)
       SELECT (SELECT count(*) FROM affected)::int AS affected, (SELECT count(*) FROM tasks)::int AS call_tasks`,
      [scope.areaIds, scope.elementIds, incidentId, since, priorityFlags],
    );
    await em.query(`SELECT set_config('statement_timeout', $1, true)`, [timeout]);
    await em.query(`UPDATE incidents SET affected = $2, impact_added_at = $3 WHERE id = $1`, [incidentId, affected, since]);
    // A million fresh rows: without statistics the planner would take them for a handful and
    // choose nested loops for everything that reads the impact next (planning, call lists).
    if (affected > 10_000) await em.query(`ANALYZE incident_impact`);
    return { affected, callTasks };
  }

  /**
   * Applies a new scope: subscribers it newly covers are added (or re-added), those it no longer
   * covers are released with removed_at, so the record of who was affected is kept.
   */
  async rescope(em: EntityManager, incidentId: number, scope: ResolvedScope, now: Date): Promise<{ added: number; removed: number }> {
    const added = await execute(
      em,
      `INSERT INTO incident_impact AS ii (incident_id, subscriber_id, added_at)
       SELECT $3, s.id, $4 FROM subscribers s WHERE ${AFFECTED}
       ON CONFLICT (incident_id, subscriber_id) DO UPDATE SET removed_at = NULL, added_at = excluded.added_at
       WHERE ii.removed_at IS NOT NULL`,
      [scope.areaIds, scope.elementIds, incidentId, now],
    );
    const removed = await execute(
      em,
      `UPDATE incident_impact ii SET removed_at = $4
       WHERE ii.incident_id = $3 AND ii.removed_at IS NULL
         AND NOT EXISTS (SELECT 1 FROM subscribers s WHERE s.id = ii.subscriber_id AND ${AFFECTED})`,
      [scope.areaIds, scope.elementIds, incidentId, now],
    );
    // impact_added_at bounds every row's added_at (see ImpactWithoutSubscriberIndex): rows added now raise it.
    await em.query(
      `UPDATE incidents SET affected = affected + $2 - $3,
              impact_added_at = CASE WHEN $2 > 0 THEN greatest(impact_added_at, $4) ELSE impact_added_at END
       WHERE id = $1`,
      [incidentId, added, removed, now],
    );
    return { added, removed };
  }

  /**
   * What a manager must cover: the scoped areas, and where the scoped elements' subtrees sit
   * (each element's own area, else its nearest ancestor's).
   */
  async coveragePaths(em: EntityManager, scope: ResolvedScope): Promise<string[]> {
    const rows: Array<{ path: string }> = await em.query(
      `SELECT a.path::text AS path FROM areas a WHERE a.id = ANY($1)
       UNION
       SELECT a.path::text FROM network_elements e
         JOIN LATERAL (SELECT x.area_id FROM network_elements x
                       WHERE x.path @> e.path AND x.area_id IS NOT NULL
                       ORDER BY nlevel(x.path) DESC LIMIT 1) own ON true
         JOIN areas a ON a.id = own.area_id
       WHERE e.id = ANY($2)`,
      [scope.scopeAreaIds, scope.elementIds],
    );
    return rows.map((r) => r.path);
  }
}
