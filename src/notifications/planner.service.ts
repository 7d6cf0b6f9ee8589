import { Inject, Injectable, Logger } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { Clock } from '../common/clock';
import { APP_CONFIG, AppConfig } from '../config/app-config';
import { NotificationsRepository, PlanGroup, TimedGroup } from './notifications.repository';
import { nextAllowedAt } from './quiet-hours';

export type PlanResult =
  | { status: 'skipped'; reason: string }
  | { status: 'done'; version: number; groups: number; threads: number; groupsMs: number; ms: number };

/**
 * Marks an incident's threads due after a customer-relevant change: groups the affected by
 * (zone, quiet window, 24/7 flag), computes each group's earliest send time once, and applies
 * all groups in one statement (DESIGN principle 3). What to say is decided later, at send time.
 */
@Injectable()
export class PlannerService {
  private readonly logger = new Logger(PlannerService.name);

  constructor(
    @InjectDataSource() private readonly db: DataSource,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly clock: Clock,
    private readonly repo: NotificationsRepository,
  ) {}

  async plan(incidentId: number): Promise<PlanResult> {
    const started = Date.now();
    const zone = this.config.defaultTimezone;
    const quiet = this.config.defaultQuietHours;
    return this.db.transaction(async (em) => {
      const incident = await this.repo.lockForPlanning(em, incidentId);
      if (!incident) return { status: 'skipped', reason: 'no such incident' };
      if (incident.planned_version >= incident.version) return { status: 'skipped', reason: 'already planned' };

      const now = this.clock.now();
      const groups = await this.repo.planGroups(em, incidentId, zone, quiet);
      const timed = this.timeGroups(groups, now, incident.kind === 'outage');
      const groupsMs = Date.now() - started;
      const threads = await this.repo.markDue(em, incidentId, incident.version, timed, zone, quiet);
      await this.repo.idleReleased(em, incidentId);
      await this.repo.markPlanned(em, incidentId, incident.version);
      const ms = Date.now() - started;
      this.logger.log({ msg: 'incident planned', incidentId, version: incident.version, groups: groups.length, threads, groupsMs, ms });
      return { status: 'done', version: incident.version, groups: groups.length, threads, groupsMs, ms };
    });
  }

  /** One quiet-hours computation per group, never per subscriber. */
  timeGroups(groups: PlanGroup[], now: Date, outage: boolean): TimedGroup[] {
    const at = now.getTime();
    return groups.map((g) => {
      // Only subscribers flagged 24/7, and only for outages, are told at night.
      const waking = g.bypass && outage ? at : nextAllowedAt(at, g.timezone, { start: g.quietStart, end: g.quietEnd });
      return { ...g, smsAt: new Date(waking), emailAt: new Date(this.config.notifications.emailQuietHours ? waking : at) };
    });
  }
}
