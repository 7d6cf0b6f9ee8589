import { Injectable } from '@nestjs/common';
import { NotFound } from '../common/errors';
import { IncidentsRepository } from '../incidents/incidents.repository';
import { isOpen } from '../incidents/incident.errors';
import { everyLocale } from '../incidents/localized-text';
import { normalisePublicCode } from '../incidents/public-code';

type InEveryLocale = NonNullable<ReturnType<typeof everyLocale>>;

/** What anyone holding the tracking code may see: no subscriber data, no phone numbers. */
export interface PublicIncident {
  code: string;
  title: string;
  /** The title in each language (the one given for all where none of its own was). */
  titles: InEveryLocale;
  status: string;
  kind: string;
  startedAt: string;
  etr: string | null;
  /** Every ETR announced, first to latest (consecutive repeats dropped): the last one is `etr`'s. */
  etrHistory: string[];
  resolvedAt?: string;
  /** The areas the incident names and those its network elements stand in, by name. */
  areas: string[];
  updates: Array<{ at: string; status: string | null; message: string | null; messages: InEveryLocale | null }>;
  manager: { name: string } | null;
}

@Injectable()
export class StatusPageService {
  constructor(private readonly incidents: IncidentsRepository) {}

  async find(rawCode: string): Promise<{ incident: PublicIncident; open: boolean }> {
    const code = normalisePublicCode(rawCode);
    const row = code ? await this.incidents.findByCode(code) : null;
    if (!row) throw new NotFound('incident', rawCode.slice(0, 20));
    const [events, areas] = await Promise.all([this.incidents.events(row.id, true), this.incidents.areaNames(row.id)]);
    const etrHistory: string[] = [];
    for (const e of events) {
      const etr = e.etr?.toISOString();
      if (etr && etr !== etrHistory[etrHistory.length - 1]) etrHistory.push(etr);
    }
    return {
      open: isOpen(row.status),
      incident: {
        code: row.code,
        title: row.title,
        titles: everyLocale(row.title, row.titles)!,
        status: row.status,
        kind: row.kind,
        startedAt: row.started_at.toISOString(),
        etr: row.etr?.toISOString() ?? null,
        etrHistory,
        ...(row.resolved_at ? { resolvedAt: row.resolved_at.toISOString() } : {}),
        areas,
        updates: events.map((e) => ({
          at: e.at.toISOString(), status: e.status ?? null, message: e.message ?? null, messages: everyLocale(e.message ?? null, e.messages),
        })),
        manager: row.manager_name ? { name: row.manager_name } : null,
      },
    };
  }
}
