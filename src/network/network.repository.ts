import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';
import { updateColumns } from '../common/sql';
import { likeEscape, SearchQuery } from '../reference/search-query';
import { NetworkElementDto, NetworkElementSummaryDto } from './network-element.dto';

@Injectable()
export class NetworkRepository {
  constructor(@InjectDataSource() private readonly db: DataSource) {}

  async findByCode(code: string, em: EntityManager = this.db.manager): Promise<NetworkElementDto | null> {
    const rows: NetworkElementDto[] = await em.query(
      `SELECT e.id, e.code, e.name, e.kind, p.code AS "parentCode", a.code AS "areaCode",
              ARRAY(SELECT x.code FROM network_elements x WHERE x.path @> e.path AND x.id <> e.id ORDER BY nlevel(x.path)) AS ancestors
       FROM network_elements e
       LEFT JOIN network_elements p ON p.id = e.parent_id
       LEFT JOIN areas a ON a.id = e.area_id
       WHERE e.code = $1`,
      [code],
    );
    return rows[0] ?? null;
  }

  /** Elements whose code starts with q or whose name contains it, by code, after the cursor; limit + 1 rows. */
  async search(query: SearchQuery): Promise<NetworkElementSummaryDto[]> {
    return this.db.query(
      `SELECT e.code, e.name, e.kind, a.code AS "areaCode"
       FROM network_elements e LEFT JOIN areas a ON a.id = e.area_id
       WHERE ($1::text IS NULL OR e.code ILIKE $1 || '%' OR e.name ILIKE '%' || $1 || '%')
         AND ($2::text IS NULL OR e.code > $2)
       ORDER BY e.code LIMIT $3`,
      [query.q === undefined ? null : likeEscape(query.q), query.after ?? null, query.limit + 1],
    );
  }

  async idsByCodes(codes: string[], em: EntityManager = this.db.manager): Promise<Map<string, number>> {
    if (codes.length === 0) return new Map();
    const rows: Array<{ id: number; code: string }> = await em.query(
      `SELECT id, code FROM network_elements WHERE code = ANY($1)`,
      [codes],
    );
    return new Map(rows.map((r) => [r.code, r.id]));
  }

  async insert(
    em: EntityManager,
    e: { code: string; name: string; kind: string; parentId: number | null; areaId: number | null },
  ): Promise<void> {
    await em.query(`INSERT INTO network_elements (code, name, kind, parent_id, area_id) VALUES ($1, $2, $3, $4, $5)`, [
      e.code,
      e.name,
      e.kind,
      e.parentId,
      e.areaId,
    ]);
  }

  async update(
    em: EntityManager,
    id: number,
    patch: { name?: string; kind?: string; parentId?: number | null; areaId?: number | null },
  ): Promise<void> {
    await updateColumns(em, 'network_elements', id, { name: patch.name, kind: patch.kind, parent_id: patch.parentId, area_id: patch.areaId });
  }
}
