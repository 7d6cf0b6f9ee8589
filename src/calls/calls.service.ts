import { Inject, Injectable, Logger } from '@nestjs/common';
import { DateTime } from 'luxon';
import { IncidentOwnership } from '../auth/ownership';
import { Caller } from '../auth/roles.decorator';
import { assertValid, readBody } from '../common/body';
import { Clock } from '../common/clock';
import { DomainError } from '../common/errors';
import { FieldReader } from '../common/validation';
import { APP_CONFIG, AppConfig } from '../config/app-config';
import { callableFrom, CallListEntry, inEnglish } from './call-list';
import { CallListCursor, CallListRepository } from './call-list.repository';

export const OUTCOMES = ['reached', 'no_answer', 'voicemail', 'callback_requested', 'wrong_number'] as const;

export interface CallListPage {
  items: CallListEntry[];
  nextCursor: string | null;
  total: number;
  pending: number;
}

@Injectable()
export class CallsService {
  private readonly logger = new Logger(CallsService.name);

  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly clock: Clock,
    private readonly calls: CallListRepository,
    private readonly ownership: IncidentOwnership,
  ) {}

  async list(incidentId: number, query: Record<string, unknown>, caller: Caller): Promise<CallListPage> {
    await this.ownership.assertMayRead(caller, incidentId);
    const r = new FieldReader(query);
    r.onlyKnown(['status', 'cursor', 'limit']);
    const status = r.oneOf('status', ['pending', 'all'] as const) ?? 'pending';
    const limit = Math.min(r.positiveInt('limit') ?? 50, 500);
    const after = this.decodeCursor(r);
    assertValid(r);

    const [rows, counts] = await Promise.all([
      this.calls.page(incidentId, { pendingOnly: status === 'pending', limit, after }),
      this.calls.counts(incidentId),
    ]);
    const now = this.clock.now().getTime();
    const defaults = { timezone: this.config.defaultTimezone, quietHours: this.config.defaultQuietHours };
    const items = rows.map((row): CallListEntry => {
      const callable = callableFrom(row, now, defaults);
      return {
        subscriberId: row.subscriber_id,
        name: row.name,
        erased: row.erased,
        phone: row.phone,
        email: row.email,
        tier: row.tier,
        flags: row.flags,
        reasons: row.reasons,
        reason: row.reasons.map(inEnglish).join('; '),
        callableFrom: DateTime.fromMillis(callable.at, { zone: callable.zone }).toISO({ suppressMilliseconds: true })!,
        callableNow: callable.at <= now,
        timezone: callable.zone,
        outcome: row.outcome,
        callbackAt: row.callback_at?.toISOString() ?? null,
        note: row.note,
        attempts: row.attempts,
        lastCalledAt: row.last_called_at?.toISOString() ?? null,
      };
    });
    const last = rows[rows.length - 1];
    const nextCursor =
      rows.length === limit
        ? Buffer.from(JSON.stringify({ priority: last.priority, since: last.affected_since.toISOString(), id: last.subscriber_id })).toString('base64url')
        : null;
    return { items, nextCursor, ...counts };
  }

  async record(incidentId: number, body: unknown, caller: Caller): Promise<{ subscriberId: number; outcome: string }> {
    await this.ownership.assertMayRead(caller, incidentId);
    const r = readBody(body);
    r.onlyKnown(['subscriberId', 'outcome', 'note', 'callbackAt']);
    const subscriberId = r.has('subscriberId') ? r.positiveInt('subscriberId') : r.fail('subscriberId', 'is required');
    const outcome = r.has('outcome') ? r.oneOf('outcome', OUTCOMES) : r.fail('outcome', 'is required');
    const note = r.string('note', { max: 2000 }) ?? null;
    const callbackAt = r.instant('callbackAt') ?? null;
    if (outcome === 'callback_requested' && !callbackAt && !r.has('callbackAt')) {
      r.fail('callbackAt', 'is required when the customer asked to be called back');
    }
    if (callbackAt && outcome !== 'callback_requested') r.fail('callbackAt', 'only goes with outcome callback_requested');
    assertValid(r);
    const recorded = await this.calls.recordCall(incidentId, subscriberId!, { outcome: outcome!, note, callbackAt, actor: caller.name });
    if (!recorded) {
      throw new DomainError('NOT_ON_CALL_LIST', `subscriber ${subscriberId} is not on the call list of incident ${incidentId}`, 422, [
        { field: 'subscriberId', message: 'is not on this call list' },
      ]);
    }
    this.logger.log({ msg: 'call recorded', incidentId, subscriberId, outcome });
    return { subscriberId: subscriberId!, outcome: outcome! };
  }

  private decodeCursor(r: FieldReader): CallListCursor | undefined {
    const s = r.string('cursor');
    if (s === undefined) return undefined;
    try {
      const c = JSON.parse(Buffer.from(s, 'base64url').toString()) as CallListCursor;
      if (Number.isInteger(c.priority) && Number.isInteger(c.id) && !Number.isNaN(Date.parse(c.since))) return c;
    } catch {
      /* fall through */
    }
    return r.fail('cursor', 'is not a cursor this list gave out');
  }
}
