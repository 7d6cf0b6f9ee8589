import { Inject, Injectable, Logger } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, QueryRunner } from 'typeorm';
import { Clock } from '../common/clock';
import { APP_CONFIG, AppConfig } from '../config/app-config';
import { awakeToldSeconds, observeKpi, planningSeconds } from './delivery.metrics';
import { NotificationsRepository, PlanGroup, TimedGroup } from './notifications.repository';
import { nextAllowedAt } from './quiet-hours';

/** Subscriber ids per planning slice: small enough that the first texts leave within a second. */
const PLAN_SLICE_IDS = 50_000;

export type PlanResult =
  | { status: 'skipped'; reason: string }
  | { status: 'done'; version: number; groups: number; threads: number; groupsMs: number; firstSliceMs?: number; ms: number };

/**
 * Marks an incident's threads due after a customer-relevant change: groups the affected by
 * (zone, quiet window, 24/7 flag), computes each group's earliest send time once, and applies
 * all groups in one statement per slice (DESIGN principle 3). What to say is decided later, at
 * send time.
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

  /**
   * Marks threads due in slices of the impact, each committed on its own, vip and business
   * first: the dispatcher (kicked after the first slice) starts sending while the rest is marked.
   * A crash part-way leaves the version unplanned, and planning again is idempotent.
   */
  async plan(incidentId: number, onFirstSlice?: () => Promise<void>): Promise<PlanResult> {
    const started = Date.now();
    const zone = this.config.defaultTimezone;
    const quiet = this.config.defaultQuietHours;
    const lock = await this.planningLock(incidentId);
    const runner = this.db.createQueryRunner();
    try {
      await runner.connect();
      const em = runner.manager;
      const incident = await this.repo.planState(em, incidentId);
      if (!incident) return { status: 'skipped', reason: 'no such incident' };
      if (incident.planned_version >= incident.version) return { status: 'skipped', reason: 'already planned' };

      // Every slice is timed against the same instant, so a send time does not depend on the slice.
      const now = this.clock.now();
      const maxId = await this.repo.maxAffectedId(em, incidentId);
      let threads = 0;
      const groups = new Set<string>();
      let groupsMs = 0;
      let firstSliceMs: number | undefined;
      let kicked = false;
      const timedBySlice = new Map<string, TimedGroup[]>();
      // Texts first, then email: texts are what people see at once, and email may go at any hour anyway.
      for (const channel of ['sms', 'email'] as const) {
        for (const tiers of [['vip', 'business'], ['residential']]) {
          for (let fromId = 0; fromId <= maxId; fromId += PLAN_SLICE_IDS) {
            const slice = { tiers, fromId, toId: fromId + PLAN_SLICE_IDS };
            const key = `${tiers}|${fromId}`;
            let timed = timedBySlice.get(key);
            if (!timed) {
              const grouping = Date.now();
              timed = this.timeGroups(await this.repo.planGroups(em, incidentId, zone, quiet, slice), now, incident.kind === 'outage');
              groupsMs += Date.now() - grouping;
              timed.forEach((g) => groups.add(`${g.timezone}|${g.quietStart}|${g.quietEnd}|${g.bypass}`));
              timedBySlice.set(key, timed);
            }
            threads += await this.repo.markDue(em, incidentId, incident.version, timed, zone, quiet, slice, channel);
            if (!kicked && threads > 0 && onFirstSlice) {
              kicked = true;
              firstSliceMs = Date.now() - started;
              await onFirstSlice();
            }
          }
        }
      }
      await this.repo.idleReleased(em, incidentId);
      await this.repo.markPlanned(em, incidentId, incident.version);
      // Deliveries that drained before the plan was complete could not tell; nobody awake at all is told here too.
      observeKpi(awakeToldSeconds, await this.repo.markAwakeNotified(this.clock.now(), [incidentId]));
      const ms = Date.now() - started;
      planningSeconds.observe({ kind: incident.kind }, ms / 1000);
      const result = { version: incident.version, groups: groups.size, threads, groupsMs, firstSliceMs, ms };
      this.logger.log({ msg: 'incident planned', incidentId, ...result });
      return { status: 'done', ...result };
    } finally {
      await lock.rollbackTransaction().catch(() => undefined);
      await Promise.all([lock.release(), runner.release()]);
    }
  }

  /**
   * One planner per incident at a time, across workers, for the whole run of slices: the lock
   * belongs to a transaction of its own on a second connection, open until planning ends. A
   * session lock would stay with whichever server connection PgBouncer (transaction mode) lent
   * that statement, and the unlock could go to another. A planner that finds the lock taken
   * waits without a transaction: behind PgBouncer a waiting transaction holds a server
   * connection, and with a small pool the planner holding the lock may need that one.
   */
  private async planningLock(incidentId: number): Promise<QueryRunner> {
    for (let waitMs = 50; ; waitMs = Math.min(waitMs * 2, 1000)) {
      const lock = this.db.createQueryRunner();
      try {
        await lock.startTransaction();
        const [{ taken }] = await lock.query(`SELECT pg_try_advisory_xact_lock(1, $1) AS taken`, [incidentId]);
        if (taken) {
          await lock.query(`SET LOCAL idle_in_transaction_session_timeout = 0`);
          return lock;
        }
        await lock.rollbackTransaction();
      } catch (err) {
        await lock.rollbackTransaction().catch(() => undefined);
        await lock.release();
        throw err;
      }
      await lock.release();
      await new Promise((resolve) => setTimeout(resolve, waitMs));
    }
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
