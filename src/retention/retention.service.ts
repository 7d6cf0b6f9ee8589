import { Inject, Injectable, Logger } from '@nestjs/common';
import { Clock } from '../common/clock';
import { NotFound } from '../common/errors';
import { APP_CONFIG, AppConfig } from '../config/app-config';
import { IdempotencyRepository } from '../idempotency/idempotency.repository';
import { RetentionRepository } from './retention.repository';

const DAY_MS = 86_400_000;

export interface RetentionRun {
  before: string;
  incidents: number;
  messages: number;
  callNotes: number;
  [table: string]: number | string;
}

@Injectable()
export class RetentionService {
  private readonly logger = new Logger(RetentionService.name);

  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly clock: Clock,
    private readonly repo: RetentionRepository,
    private readonly idempotency: IdempotencyRepository,
  ) {}

  /**
   * Empties what holds personal data past RETENTION_DAYS (messages' recipients and texts, replies,
   * our answers, call notes) and deletes what exists only for it (quarantined replies, waiting
   * reply parts, per-number flood counts, answers kept for Idempotency-Key, audit rows past
   * AUDIT_RETENTION_DAYS). Rows that are counted stay, with their states and times.
   */
  async run(): Promise<RetentionRun> {
    const now = this.clock.now().getTime();
    const before = new Date(now - this.config.retention.days * DAY_MS);
    let messages = 0;
    let callNotes = 0;
    const incidents = await this.repo.incidentsToSweep(before);
    for (const incident of incidents) {
      const swept = await this.repo.sweepIncident(incident.id, before, incident.finished);
      messages += swept.messages;
      callNotes += swept.callNotes;
    }
    const result: RetentionRun = {
      before: before.toISOString(),
      incidents: incidents.length,
      messages,
      callNotes,
      ...(await this.repo.sweepInbound(before)),
      idempotencyAnswers: await this.idempotency.deleteExpired(),
      auditRows: await this.repo.deleteAudit(new Date(now - this.config.retention.auditDays * DAY_MS)),
    };
    this.logger.log({ msg: 'retention run', ...result });
    return result;
  }

  /** DELETE /v1/subscribers/:id: idempotent, the first erasure's time is kept. */
  async erase(subscriberId: number): Promise<{ id: number; erasedAt: string }> {
    const at = await this.repo.eraseSubscriber(subscriberId, this.clock.now());
    if (!at) throw new NotFound('subscriber', subscriberId);
    this.logger.log({ msg: 'subscriber erased', subscriberId });
    return { id: subscriberId, erasedAt: at.toISOString() };
  }
}
