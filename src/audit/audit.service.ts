import { Injectable } from '@nestjs/common';
import { assertValid } from '../common/body';
import { FieldReader } from '../common/validation';
import { AuditPageDto } from './audit.dto';
import { AuditRepository } from './audit.repository';

@Injectable()
export class AuditService {
  constructor(private readonly repo: AuditRepository) {}

  async list(query: Record<string, unknown>): Promise<AuditPageDto> {
    const r = new FieldReader(query);
    r.onlyKnown(['keyId', 'incidentId', 'subscriberId', 'from', 'to', 'cursor', 'limit']);
    const keyId = r.positiveInt('keyId');
    const incidentId = r.positiveInt('incidentId');
    const subscriberId = r.positiveInt('subscriberId');
    const from = r.instant('from');
    const to = r.instant('to');
    const cursor = r.string('cursor');
    if (cursor !== undefined && !/^[1-9]\d{0,18}$/.test(cursor)) r.fail('cursor', 'is not a cursor this list gave out');
    const limit = Math.min(r.positiveInt('limit') ?? 100, 1000);
    if (from && to && from >= to) r.fail('to', 'must be after from');
    assertValid(r);
    const items = await this.repo.page({ keyId, incidentId, subscriberId, from, to, beforeId: cursor, limit });
    return { items, nextCursor: items.length === limit ? items[items.length - 1].id : null };
  }
}
