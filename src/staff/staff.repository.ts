import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';
import { updateColumns } from '../common/sql';
import { OutageManagerDto } from './outage-manager.dto';

@Injectable()
export class StaffRepository {
  constructor(@InjectDataSource() private readonly db: DataSource) {}

  async findById(id: number, em: EntityManager = this.db.manager): Promise<OutageManagerDto | null> {
    const rows = await this.list(em, 'WHERE m.id = $1', [id]);
    return rows[0] ?? null;
  }

  async findAll(em: EntityManager = this.db.manager): Promise<OutageManagerDto[]> {
    return this.list(em, '', []);
  }

  private async list(em: EntityManager, where: string, params: unknown[]): Promise<OutageManagerDto[]> {
    const rows: Array<OutageManagerDto & { lastAssignedAt: Date | null }> = await em.query(
      `SELECT m.id, m.name, m.phone, m.email, m.on_duty AS "onDuty", m.last_assigned_at AS "lastAssignedAt",
              ARRAY(SELECT a.code FROM outage_manager_areas ma JOIN areas a ON a.id = ma.area_id
                    WHERE ma.manager_id = m.id ORDER BY a.code) AS "areaCodes"
       FROM outage_managers m ${where} ORDER BY m.id`,
      params,
    );
    return rows.map((r) => ({ ...r, lastAssignedAt: r.lastAssignedAt?.toISOString() ?? null }));
  }

  async insert(em: EntityManager, m: { name: string; phone: string; email: string; onDuty: boolean }): Promise<number> {
    const rows: Array<{ id: number }> = await em.query(
      `INSERT INTO outage_managers (name, phone, email, on_duty) VALUES ($1, $2, $3, $4) RETURNING id`,
      [m.name, m.phone, m.email, m.onDuty],
    );
    return rows[0].id;
  }

  async update(em: EntityManager, id: number, columns: Record<string, unknown>): Promise<void> {
    await updateColumns(em, 'outage_managers', id, columns);
  }

  async setAreas(em: EntityManager, managerId: number, areaIds: number[]): Promise<void> {
    await em.query(`DELETE FROM outage_manager_areas WHERE manager_id = $1`, [managerId]);
    await em.query(`INSERT INTO outage_manager_areas (manager_id, area_id) SELECT $1, unnest($2::int[])`, [managerId, areaIds]);
  }
}
