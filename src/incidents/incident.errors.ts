import { Conflict, DomainError, NotFound } from '../common/errors';

export const OPEN_STATUSES = ['scheduled', 'investigating', 'identified', 'monitoring'] as const;
export const STATUSES = [...OPEN_STATUSES, 'resolved', 'cancelled'] as const;
export type IncidentStatus = (typeof STATUSES)[number];
export const KINDS = ['outage', 'degradation', 'maintenance'] as const;
export type IncidentKind = (typeof KINDS)[number];
export const SEVERITIES = ['minor', 'major', 'critical'] as const;
/** What a timeline entry records. */
export const EVENT_TYPES = [
  'declared', 'started', 'updated', 'resolved', 'cancelled', 'manager_assigned', 'unassigned', 'needs_reassignment',
] as const;

export const isOpen = (status: IncidentStatus) => (OPEN_STATUSES as readonly string[]).includes(status);

export class IncidentNotFound extends NotFound {
  constructor(id: number | string) {
    super('incident', id);
  }
}

export class ScopeEmpty extends DomainError {
  constructor() {
    super('SCOPE_EMPTY', 'scope must name at least one area or network element', 422, [
      { field: 'scope', message: 'needs areaCodes or elementCodes' },
    ]);
  }
}

export class IncidentClosed extends Conflict {
  constructor(id: number, status: IncidentStatus, action: string) {
    const code = status === 'resolved' ? 'INCIDENT_ALREADY_RESOLVED' : 'INCIDENT_CANCELLED';
    super(code, `incident ${id} is ${status}: it cannot be ${action}`);
  }
}

export class ManagerUnavailable extends Conflict {
  constructor(managerId: number) {
    super('MANAGER_OFF_DUTY', `outage manager ${managerId} is off duty`);
  }
}
