import { Injectable } from '@nestjs/common';
import { NotFound } from '../common/errors';
import { IncidentsRepository } from '../incidents/incidents.repository';
import { isOpen } from '../incidents/incident.errors';
import { normalisePublicCode } from '../incidents/public-code';

/** What anyone holding the tracking code may see: no subscriber data, no phone numbers. */
export interface PublicIncident {
  code: string;
  title: string;
  status: string;
  kind: string;
  startedAt: string;
  etr: string | null;
  resolvedAt?: string;
  updates: Array<{ at: string; status: string | null; message: string | null }>;
  manager: { name: string } | null;
}

@Injectable()
export class StatusPageService {
  constructor(private readonly incidents: IncidentsRepository) {}

  async find(rawCode: string): Promise<{ incident: PublicIncident; open: boolean }> {
    const code = normalisePublicCode(rawCode);
    const row = code ? await this.incidents.findByCode(code) : null;
    if (!row) throw new NotFound('incident', rawCode.slice(0, 20));
    const events = await this.incidents.events(row.id, true);
    return {
      open: isOpen(row.status),
      incident: {
        code: row.code,
        title: row.title,
        status: row.status,
        kind: row.kind,
        startedAt: row.started_at.toISOString(),
        etr: row.etr?.toISOString() ?? null,
        ...(row.resolved_at ? { resolvedAt: row.resolved_at.toISOString() } : {}),
        updates: events.map((e) => ({ at: e.at.toISOString(), status: e.status ?? null, message: e.message ?? null })),
        manager: row.manager_name ? { name: row.manager_name } : null,
      },
    };
  }
}
