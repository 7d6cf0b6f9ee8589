import { Injectable } from '@nestjs/common';
import { IncidentOwnership } from '../auth/ownership';
import { Caller } from '../auth/roles.decorator';
import { assertValid } from '../common/body';
import { DomainError } from '../common/errors';
import { FieldReader } from '../common/validation';
import { FeedbackPageDto } from './feedback.dto';
import { FeedbackCursor, FeedbackRepository } from './feedback.repository';

@Injectable()
export class FeedbackService {
  constructor(
    private readonly repo: FeedbackRepository,
    private readonly ownership: IncidentOwnership,
  ) {}

  /** Managers read feedback on the incidents they hold; admins everything, including replies about no incident. */
  async list(query: Record<string, unknown>, caller: Caller): Promise<FeedbackPageDto> {
    const r = new FieldReader(query);
    r.onlyKnown(['incidentId', 'cursor', 'limit']);
    const incidentId = r.positiveInt('incidentId');
    const limit = Math.min(r.positiveInt('limit') ?? 50, 500);
    const after = this.decodeCursor(r);
    assertValid(r);

    let managerId: number | undefined;
    if (caller.role === 'manager') {
      if (caller.managerId === null) throw new DomainError('FORBIDDEN', 'this key belongs to no outage manager', 403);
      managerId = caller.managerId;
    }
    if (incidentId !== undefined) await this.ownership.assertMayRead(caller, incidentId);
    const [rows, ratings] = await Promise.all([
      this.repo.page({ incidentId, managerId, after, limit }),
      incidentId !== undefined ? this.repo.ratings(incidentId) : undefined,
    ]);
    const last = rows[rows.length - 1];
    const nextCursor = rows.length === limit ? Buffer.from(JSON.stringify({ at: last.at.toISOString(), id: last.id })).toString('base64url') : null;
    const items = rows.map(({ at: _at, ...item }) => item);
    return ratings ? { items, nextCursor, ratings } : { items, nextCursor };
  }

  private decodeCursor(r: FieldReader): FeedbackCursor | undefined {
    const s = r.string('cursor');
    if (s === undefined) return undefined;
    try {
      const c = JSON.parse(Buffer.from(s, 'base64url').toString()) as FeedbackCursor;
      if (/^\d{1,19}$/.test(c.id) && !Number.isNaN(Date.parse(c.at))) return c;
    } catch {
      /* fall through */
    }
    return r.fail('cursor', 'is not a cursor this list gave out');
  }
}
