import { Inject, Injectable, Logger } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';
import { assertManages } from '../auth/ownership';
import { Caller } from '../auth/roles.decorator';
import { assertValid, readBody } from '../common/body';
import { Clock } from '../common/clock';
import { DomainError, NotFound, UnknownReferences } from '../common/errors';
import { settledWithin } from '../common/deadline';
import { FieldError, FieldReader } from '../common/validation';
import { APP_CONFIG, AppConfig } from '../config/app-config';
import { CallListCounts, CallListRepository } from '../calls/call-list.repository';
import { DispatcherService } from '../notifications/dispatcher.service';
import { isQuietAt } from '../notifications/quiet-hours';
import { ResolvedScope } from './affected';
import { ImpactRepository } from './impact.repository';
import { readScope, ScopeInput } from './incident-input';
import { IncidentDetailDto, IncidentDto, IncidentPageDto, PreviewDto } from './incident.dto';
import {
  IncidentClosed, IncidentNotFound, IncidentStatus, isOpen, KINDS, ManagerUnavailable, SEVERITIES, STATUSES,
} from './incident.errors';

/** What an update may set; closing goes through resolve or cancel. */
const UPDATABLE_STATUSES = ['investigating', 'identified', 'monitoring'] as const;
import { IncidentRow, IncidentsRepository, NewIncident } from './incidents.repository';
import { everyLocale, readLocalized } from './localized-text';
import { ProgressService } from './progress.service';
import { newPublicCode } from './public-code';

/** How far ahead of now a non-maintenance start may be (clock skew between NOC tools and us). */
const START_SKEW_MS = 5 * 60_000;

/** The timeline's actor for changes nobody asked for: scheduled maintenance starting. */
const SYSTEM_ACTOR = 'system';

/** How long a change waits for Redis to take its planning job before it answers anyway. */
const PLAN_QUEUE_WAIT_MS = 2_000;

@Injectable()
export class IncidentsService {
  private readonly logger = new Logger(IncidentsService.name);

  constructor(
    @InjectDataSource() private readonly db: DataSource,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly clock: Clock,
    private readonly incidents: IncidentsRepository,
    private readonly impact: ImpactRepository,
    private readonly callList: CallListRepository,
    private readonly dispatcher: DispatcherService,
    private readonly progress: ProgressService,
  ) {}

  async preview(body: unknown): Promise<PreviewDto> {
    const r = readBody(body);
    r.onlyKnown(['scope']);
    const input = readScope(r, true);
    assertValid(r);
    const scope = await this.resolveScope(input!);
    const groups = await this.impact.impactGroups(scope);

    const now = this.clock.now().getTime();
    const byTier: Record<string, number> = { residential: 0, business: 0, vip: 0 };
    const byAreaId = new Map<number, number>();
    let affected = 0;
    let inQuietHoursNow = 0;
    const quiet = new Map<string, boolean>();
    for (const g of groups) {
      affected += g.count;
      byTier[g.tier] += g.count;
      byAreaId.set(g.areaId, (byAreaId.get(g.areaId) ?? 0) + g.count);
      // One quiet-hours evaluation per (zone, window), not per subscriber.
      const zone = g.timezone ?? this.config.defaultTimezone;
      const window = g.quietStart === null ? this.config.defaultQuietHours : { start: g.quietStart, end: g.quietEnd! };
      const key = `${zone}|${window.start}|${window.end}`;
      if (!quiet.has(key)) quiet.set(key, isQuietAt(now, zone, window));
      if (quiet.get(key)) inQuietHoursNow += g.count;
    }
    const top = [...byAreaId.entries()].sort((a, b) => b[1] - a[1]).slice(0, 50);
    const names = await this.impact.areaNames(top.map(([id]) => id));
    return {
      affected,
      byTier,
      byArea: top.map(([id, count]) => ({ code: names.get(id)!.code, name: names.get(id)!.name, count })),
      inQuietHoursNow,
    };
  }

  async declare(body: unknown, caller: Caller): Promise<IncidentDto> {
    const r = readBody(body);
    r.onlyKnown(['title', 'titles', 'kind', 'severity', 'scope', 'startedAt', 'etr', 'publicMessage', 'publicMessages']);
    const title = readLocalized(r, 'title', 'titles', 200) ?? r.fail('title', 'is required (for every language, or per language as titles: {ru, en})');
    const kind = r.has('kind') ? r.oneOf('kind', KINDS) : r.fail('kind', 'is required');
    const severity = r.oneOf('severity', SEVERITIES) ?? 'major';
    const input = readScope(r, true);
    const now = this.clock.now();
    const startedAt = r.instant('startedAt') ?? now;
    const etr = r.instant('etr') ?? null;
    const publicMessage = readLocalized(r, 'publicMessage', 'publicMessages', 1000);
    if (kind && kind !== 'maintenance' && startedAt.getTime() > now.getTime() + START_SKEW_MS) {
      r.fail('startedAt', 'is in the future: only maintenance can be declared ahead of its start');
    }
    if (etr) this.checkEtr(r, etr, startedAt, now);
    assertValid(r);
    const scope = await this.resolveScope(input!);
    const status: IncidentStatus = kind === 'maintenance' && startedAt > now ? 'scheduled' : 'investigating';

    const { id, callTasks } = await this.db.transaction(async (em) => {
      const id = await this.insertWithFreshCode(em, {
        title: title!.text, titles: title!.byLocale, kind: kind!, severity, status, scopeAreaIds: scope.scopeAreaIds,
        scopeElementIds: scope.scopeElementIds, startedAt, etr, publicMessage: publicMessage?.text ?? null,
        publicMessages: publicMessage?.byLocale ?? {}, createdBy: caller.name,
      });
      const t0 = Date.now();
      const { affected, callTasks } = await this.impact.storeImpact(em, id, scope, startedAt, this.config.callListFlags);
      const t1 = Date.now();
      await this.incidents.addEvent(em, id, {
        actor: caller.name, type: 'declared', status, etr, message: publicMessage?.text, messages: publicMessage?.byLocale, public: true,
        details: { affected, callTasks, scope: { areaCodes: scope.areaCodes, elementCodes: scope.elementCodes } },
      });
      await this.assign(em, id, scope, caller.name);
      const ms = { impactAndCallTasks: t1 - t0, assign: Date.now() - t1 };
      this.logger.log({ msg: 'incident declared', incidentId: id, kind, affected, callTasks, ms });
      return { id, callTasks };
    });
    // Every task just stored is on the list and pending (nobody called yet, nobody erased: the
    // affected are not): counting them again joined call_tasks to all subscribers, 0.6-1.5 s at a million.
    return this.changed(id, { total: callTasks, pending: callTasks });
  }

  /**
   * With a caller: a manager key reads only the incidents it manages (src/auth/ownership.ts).
   * `callList`: the counts when the caller already knows them (a declare's own), not counted again.
   */
  async get(id: number, caller?: Caller, callList?: CallListCounts): Promise<IncidentDetailDto> {
    const row = await this.incidents.findById(id);
    if (!row) throw new IncidentNotFound(id);
    if (caller) assertManages(caller, id, row.manager_id);
    const [events, calls, delivery] = await Promise.all([
      this.incidents.events(id),
      callList ?? this.callList.counts(id),
      this.progress.counts(id),
    ]);
    return {
      ...this.toDto(row),
      timeline: events.map((e) => ({
        at: e.at.toISOString(),
        actor: e.actor,
        type: e.type,
        status: e.status ?? null,
        etr: e.etr?.toISOString() ?? null,
        message: e.message ?? null,
        messages: everyLocale(e.message ?? null, e.messages),
        public: e.public ?? false,
        details: e.details ?? {},
      })),
      stats: { affected: row.affected, callList: calls, ...delivery },
    };
  }

  /** A manager key lists only the incidents it manages. */
  async list(query: Record<string, unknown>, caller?: Caller): Promise<IncidentPageDto> {
    const r = new FieldReader(query);
    r.onlyKnown(['status', 'unassigned', 'areaCode', 'managerId', 'cursor', 'limit']);
    const statusOrOpen = r.oneOf('status', [...STATUSES, 'open'] as const);
    const unassigned = r.boolean('unassigned');
    const areaCode = r.code('areaCode');
    let managerId = r.positiveInt('managerId');
    if (caller?.role === 'manager') {
      if (managerId !== undefined && managerId !== caller.managerId) {
        throw new DomainError('FORBIDDEN', 'a manager key lists only its own incidents (managerId must be its own)', 403);
      }
      if (caller.managerId === null) return { items: [], nextCursor: null };
      managerId = caller.managerId;
    }
    const beforeId = r.positiveInt('cursor');
    const limit = Math.min(r.positiveInt('limit') ?? 50, 200);
    assertValid(r);
    const rows = await this.incidents.list({
      status: statusOrOpen === 'open' ? undefined : statusOrOpen,
      open: statusOrOpen === 'open',
      unassigned, areaCode, managerId, beforeId, limit,
    });
    return {
      items: rows.map((row) => this.toDto(row)),
      nextCursor: rows.length === limit ? String(rows[rows.length - 1].id) : null,
    };
  }

  /** Status, ETR, public message and scope changes; each lands in the timeline. */
  async update(id: number, body: unknown, caller: Caller): Promise<IncidentDetailDto> {
    const r = readBody(body);
    r.onlyKnown(['status', 'etr', 'message', 'messages', 'scope']);
    const input = body as Record<string, unknown>;
    const status = ['resolved', 'cancelled'].includes(input.status as string)
      ? r.fail('status', 'use POST /v1/incidents/:id/resolve or /cancel to close an incident')
      : r.oneOf('status', UPDATABLE_STATUSES);
    const etrGiven = r.has('etr') || input.etr === null;
    const etr = r.instant('etr') ?? null;
    const message = readLocalized(r, 'message', 'messages', 1000);
    const scopeInput = readScope(r, false);
    if (!status && !etrGiven && !message && !scopeInput && r.errors.length === 0) {
      r.fail('body', 'needs at least one of status, etr, message, scope');
    }
    assertValid(r);
    const scope = scopeInput ? await this.resolveScope(scopeInput) : undefined;

    await this.db.transaction(async (em) => {
      const current = await this.lockOpen(em, id, 'updated');
      const now = this.clock.now();
      if (etr) {
        const er = new FieldReader({});
        this.checkEtr(er, etr, current.started_at, now);
        assertValid(er);
      }
      const columns: Record<string, unknown> = {};
      const details: Record<string, unknown> = {};
      if (status && status !== current.status) columns.status = status;
      if (etrGiven && (etr?.getTime() ?? null) !== (current.etr?.getTime() ?? null)) {
        columns.etr = etr;
        if (etr && current.etr && etr > current.etr) {
          columns.etr_slips = current.etr_slips + 1;
          details.slippedByMinutes = Math.round((etr.getTime() - current.etr.getTime()) / 60_000);
        }
        details.previousEtr = current.etr?.toISOString() ?? null;
      }
      if (message) Object.assign(columns, { public_message: message.text, public_messages: message.byLocale });
      if (scope) {
        const change = await this.impact.rescope(em, id, scope, now);
        await this.callList.syncWithImpact(em, id);
        await this.callList.addTasks(em, id, scope, now, this.config.callListFlags);
        columns.scope_area_ids = scope.scopeAreaIds;
        columns.scope_element_ids = scope.scopeElementIds;
        Object.assign(details, change, { scope: { areaCodes: scope.areaCodes, elementCodes: scope.elementCodes } });
      }
      if (Object.keys(columns).length === 0) return; // nothing changed: nothing to tell anyone
      await this.incidents.update(em, id, columns);
      await this.incidents.bumpVersion(em, id);
      await this.incidents.addEvent(em, id, {
        actor: caller.name, type: 'updated', status: (columns.status as IncidentStatus) ?? current.status,
        etr: 'etr' in columns ? etr : null, message: message?.text, messages: message?.byLocale,
        public: message !== undefined || 'status' in columns || 'etr' in columns,
        details,
      });
      this.logger.log({ msg: 'incident updated', incidentId: id, changed: Object.keys(columns) });
    });
    return this.changed(id);
  }

  async resolve(id: number, body: unknown, caller: Caller): Promise<IncidentDetailDto> {
    const r = readBody(body ?? {});
    r.onlyKnown(['message', 'messages', 'resolvedAt']);
    const message = readLocalized(r, 'message', 'messages', 1000);
    const resolvedAtInput = r.instant('resolvedAt');
    assertValid(r);
    await this.db.transaction(async (em) => {
      const row = await this.lockOpen(em, id, 'resolved');
      const now = this.clock.now();
      const resolvedAt = resolvedAtInput ?? now;
      const check = new FieldReader({});
      if (resolvedAt < row.started_at) check.fail('resolvedAt', 'is before the incident started');
      if (resolvedAt.getTime() > now.getTime() + START_SKEW_MS) check.fail('resolvedAt', 'is in the future');
      assertValid(check);
      await this.incidents.update(em, id, {
        status: 'resolved', resolved_at: resolvedAt, ...(message ? { public_message: message.text, public_messages: message.byLocale } : {}),
      });
      await this.incidents.bumpVersion(em, id);
      await this.incidents.addEvent(em, id, {
        actor: caller.name, type: 'resolved', status: 'resolved', message: message?.text, messages: message?.byLocale, public: true,
        details: { durationMinutes: Math.round((resolvedAt.getTime() - row.started_at.getTime()) / 60_000) },
      });
      this.logger.log({ msg: 'incident resolved', incidentId: id });
    });
    return this.changed(id);
  }

  async cancel(id: number, body: unknown, caller: Caller): Promise<IncidentDetailDto> {
    const r = readBody(body);
    r.onlyKnown(['reason']);
    const reason = r.string('reason', { required: true, max: 1000 });
    assertValid(r);
    await this.db.transaction(async (em) => {
      await this.lockOpen(em, id, 'cancelled');
      await this.incidents.update(em, id, { status: 'cancelled', cancelled_at: this.clock.now(), cancel_reason: reason });
      await this.incidents.bumpVersion(em, id);
      await this.incidents.addEvent(em, id, { actor: caller.name, type: 'cancelled', status: 'cancelled', details: { reason } });
      this.logger.log({ msg: 'incident cancelled', incidentId: id });
    });
    return this.changed(id);
  }

  async assignManager(id: number, body: unknown, caller: Caller): Promise<IncidentDetailDto> {
    const r = readBody(body);
    r.onlyKnown(['managerId']);
    const managerId = r.has('managerId') ? r.positiveInt('managerId') : r.fail('managerId', 'is required');
    assertValid(r);
    await this.db.transaction(async (em) => {
      await this.lockOpen(em, id, 'reassigned');
      const onDuty = await this.incidents.managerOnDuty(em, managerId!);
      if (onDuty === undefined) throw new NotFound('outage manager', managerId!);
      if (!onDuty) throw new ManagerUnavailable(managerId!);
      await this.incidents.update(em, id, { manager_id: managerId, needs_reassignment: false });
      await this.incidents.markAssigned(em, managerId!);
      await this.incidents.addEvent(em, id, { actor: caller.name, type: 'manager_assigned', details: { managerId, manual: true } });
    });
    return this.get(id);
  }

  /**
   * Moves scheduled maintenance whose start has come to investigating, as the system; each start
   * is planned like any other change (those not yet told get the notice with the new status).
   */
  async startDueMaintenance(): Promise<number[]> {
    const started = await this.incidents.startDueMaintenance(this.clock.now(), SYSTEM_ACTOR);
    for (const { id, version } of started) {
      this.logger.log({ msg: 'scheduled maintenance started', incidentId: id });
      await this.planChange(id, version);
    }
    return started.map((s) => s.id);
  }

  /** After a committed change: the detail for the caller, counted afresh (but `callList`), and the change planned. */
  private async changed(id: number, callList?: CallListCounts): Promise<IncidentDetailDto> {
    this.progress.forget(id);
    const detail = await this.get(id, undefined, callList);
    await this.planChange(id, detail.version);
    return detail;
  }

  /**
   * The notification planner takes a committed change from here. If Redis is down the
   * dispatcher's next tick finds the unplanned version in PostgreSQL, so nothing is lost; and the
   * caller is answered after PLAN_QUEUE_WAIT_MS whatever Redis does (an unanswered declare gets
   * retried, and would be declared twice).
   */
  private async planChange(id: number, version: number): Promise<void> {
    const queued = this.dispatcher.planLater(id, version).catch((err) =>
      this.logger.warn({ msg: 'could not queue planning; the dispatcher will find it', incidentId: id, err }),
    );
    if (!(await settledWithin(queued, PLAN_QUEUE_WAIT_MS))) {
      this.logger.warn({ msg: 'Redis did not take the planning job in time; answered anyway, the dispatcher will find it', incidentId: id });
    }
  }

  /** Called when a manager goes off duty: their open incidents need someone else. */
  async managerWentOffDuty(em: EntityManager, managerId: number, actor: string): Promise<number[]> {
    const ids = await this.incidents.flagForReassignment(em, managerId, actor);
    if (ids.length) this.logger.warn({ msg: 'incidents need reassignment', managerId, incidentIds: ids });
    return ids;
  }

  toDto(row: IncidentRow): IncidentDto {
    return {
      id: row.id,
      code: row.code,
      title: row.title,
      titles: everyLocale(row.title, row.titles)!,
      kind: row.kind,
      severity: row.severity,
      status: row.status,
      scope: { areaCodes: row.area_codes, elementCodes: row.element_codes },
      startedAt: row.started_at.toISOString(),
      etr: row.etr?.toISOString() ?? null,
      etrSlips: row.etr_slips,
      publicMessage: row.public_message,
      publicMessages: everyLocale(row.public_message, row.public_messages),
      resolvedAt: row.resolved_at?.toISOString() ?? null,
      cancelledAt: row.cancelled_at?.toISOString() ?? null,
      cancelReason: row.cancel_reason,
      affected: row.affected,
      manager: row.manager_id ? { id: row.manager_id, name: row.manager_name!, phone: row.manager_phone! } : null,
      unassigned: row.manager_id === null || row.needs_reassignment,
      needsReassignment: row.needs_reassignment,
      statusUrl: `${this.config.publicBaseUrl}/status/${row.code}`,
      version: row.version,
      createdAt: row.created_at.toISOString(),
      updatedAt: row.updated_at.toISOString(),
    };
  }

  private async assign(em: EntityManager, id: number, scope: ResolvedScope, actor: string): Promise<void> {
    // Serialise assignments so two incidents declared together see each other's load.
    await em.query(`SELECT pg_advisory_xact_lock(hashtext('outage-manager-assignment'))`);
    const managerId = await this.incidents.pickManager(em, await this.impact.coveragePaths(em, scope));
    if (managerId === undefined) {
      await this.incidents.addEvent(em, id, { actor, type: 'unassigned', details: { reason: 'no on-duty manager covers the scope' } });
      this.logger.warn({ msg: 'incident declared without a manager', incidentId: id });
      return;
    }
    await this.incidents.update(em, id, { manager_id: managerId });
    await this.incidents.markAssigned(em, managerId);
    await this.incidents.addEvent(em, id, { actor, type: 'manager_assigned', details: { managerId, manual: false } });
  }

  private async insertWithFreshCode(em: EntityManager, i: Omit<NewIncident, 'code'>): Promise<number> {
    for (let attempt = 0; attempt < 5; attempt++) {
      const id = await this.incidents.insert(em, { ...i, code: newPublicCode() });
      if (id !== undefined) return id;
    }
    throw new Error('could not draw an unused public code in 5 attempts');
  }

  private async lockOpen(em: EntityManager, id: number, action: string) {
    const current = await this.incidents.lock(em, id);
    if (!current) throw new IncidentNotFound(id);
    if (!isOpen(current.status)) throw new IncidentClosed(id, current.status, action);
    return current;
  }

  private checkEtr(r: FieldReader, etr: Date, startedAt: Date, now: Date): void {
    if (etr <= startedAt) r.fail('etr', 'must be after the incident start');
    else if (etr < now) r.fail('etr', 'is in the past: give the new estimate');
  }

  private async resolveScope(input: ScopeInput): Promise<ResolvedScope> {
    const { scope, unknownAreas, unknownElements } = await this.impact.resolveScope(input.areaCodes, input.elementCodes);
    const errors: FieldError[] = [];
    if (unknownAreas.length) errors.push({ field: 'scope.areaCodes', message: `unknown areas: ${unknownAreas.join(', ')}` });
    if (unknownElements.length) {
      errors.push({ field: 'scope.elementCodes', message: `unknown network elements: ${unknownElements.join(', ')}` });
    }
    if (errors.length) throw new UnknownReferences(errors);
    return scope;
  }
}

