import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { DomainError, NotFound } from '../common/errors';
import { Caller } from './roles.decorator';

/**
 * The ownership rule of every route that shows an incident's customers: a manager key works only
 * the incidents it manages now; NOC and admin keys any. Another manager's incident is a 403 (an
 * unknown id stays a 404 for everyone): incident ids are sequential and their codes public, so
 * hiding that one exists would protect nothing, while a plain refusal tells the console why.
 */
export function assertManages(caller: Caller, incidentId: number, managerId: number | null): void {
  if (caller.role === 'manager' && (caller.managerId === null || caller.managerId !== managerId)) {
    throw new DomainError('FORBIDDEN', `incident ${incidentId} is not assigned to this manager`, 403);
  }
}

/** The same rule for routes that have only the incident's id: one query for its manager. */
@Injectable()
export class IncidentOwnership {
  constructor(@InjectDataSource() private readonly db: DataSource) {}

  async assertMayRead(caller: Caller, incidentId: number): Promise<void> {
    const [row]: Array<{ manager_id: number | null }> = await this.db.query(`SELECT manager_id FROM incidents WHERE id = $1`, [incidentId]);
    if (!row) throw new NotFound('incident', incidentId);
    assertManages(caller, incidentId, row.manager_id);
  }
}
