import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';
import { updateColumns } from '../common/sql';
import { SearchQuery, likeEscape } from '../reference/search-query';
import { AreaDto, AreaSummaryDto } from './area.dto';

@Injectable()
export class AreasRepository {
  constructor(@InjectDataSource() private readonly db: DataSource) {}

  async findByCode(code: string, em: EntityManager = this.db.manager): Promise<AreaDto | null> {
    const rows: AreaDto[] = await em.query(
      `SELECT a.id, a.code, a.name, p.code AS "parentCode", a.timezone, a.effective_timezone AS "effectiveTimezone",
              ARRAY(SELECT x.code FROM areas x WHERE x.path @> a.path AND x.id <> a.id ORDER BY nlevel(x.path)) AS ancestors
       FROM areas a LEFT JOIN areas p ON p.id = a.parent_id
       WHERE a.code = $1`,
      [code],
    );
    return rows[0] ?? null;
  }

  /** Areas whose code starts with q or whose name contains it, by code, after the cursor; limit + 1 rows. */
  async search(query: SearchQuery): Promise<AreaSummaryDto[]> {
    return this.db.query(
      `SELECT a.code, a.name, p.code AS "parentCode", a.effective_timezone AS "effectiveTimezone"
       FROM areas a LEFT JOIN areas p ON p.id = a.parent_id
       WHERE ($1::text IS NULL OR a.code ILIKE $1 || '%' OR a.name ILIKE '%' || $1 || '%')
         AND ($2::text IS NULL OR a.code > $2)
       ORDER BY a.code LIMIT $3`,
      [query.q === undefined ? null : likeEscape(query.q), query.after ?? null, query.limit + 1],
    );
  }

  /** Ids of the given codes; codes that do not exist are left out. */
  async idsByCodes(codes: string[], em: EntityManager = this.db.manager): Promise<Map<string, number>> {
    if (codes.length === 0) return new Map();
    const rows: Array<{ id: number; code: string }> = await em.query(`SELECT id, code FROM areas WHERE code = ANY($1)`, [codes]);
    return new Map(rows.map((r) => [r.code, r.id]));
  }

  async insert(em: EntityManager, a: { code: string; name: string; parentId: number | null; timezone: string | null }): Promise<void> {
    await em.query(`INSERT INTO areas (code, name, parent_id, timezone) VALUES ($1, $2, $3, $4)`, [
      a.code,
      a.name,
      a.parentId,
      a.timezone,
    ]);
  }

  async update(
    em: EntityManager,
    id: number,
    patch: { name?: string; parentId?: number | null; timezone?: string | null },
  ): Promise<void> {
    await updateColumns(em, 'areas', id, { name: patch.name, parent_id: patch.parentId, timezone: patch.timezone });
  }
}
