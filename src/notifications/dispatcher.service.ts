import { Inject, Injectable, Logger } from '@nestjs/common';
import { randomUUID } from 'crypto';
import { Clock } from '../common/clock';
import { APP_CONFIG, AppConfig } from '../config/app-config';
import { JobQueue } from '../jobs/job-queue';
import { QUEUES } from '../jobs/queues';
import { NotificationsRepository } from './notifications.repository';

/**
 * Batches allowed to wait in the delivery queue. Claiming no further ahead than the workers can
 * take keeps the queue (and Redis) small and leaves everything else due in PostgreSQL, where a
 * newer incident version is still coalesced into what is sent.
 */
const MAX_QUEUED_BATCHES = 40;

/**
 * Turns due threads into delivery jobs: expires the claims of dead workers, re-plans incidents
 * whose plan was lost (a crash, a flushed Redis), then claims due threads in batches — vip and
 * business first — and enqueues one job per batch carrying only the claim id.
 */
@Injectable()
export class DispatcherService {
  private readonly logger = new Logger(DispatcherService.name);

  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly clock: Clock,
    private readonly repo: NotificationsRepository,
    private readonly jobs: JobQueue,
  ) {}

  async tick(): Promise<{ status: 'done' | 'skipped'; batches: number; expired: number; replanned: number }> {
    const now = this.clock.now();
    const { batchSize, leaseSeconds } = this.config.notifications;
    const expired = await this.repo.expireLeases(now);
    const unplanned = await this.repo.unplannedIncidents();
    for (const incident of unplanned) await this.planLater(incident.id, incident.version);

    const batches: Array<{ name: string; data: { claimId: string }; opts: { jobId: string } }> = [];
    const room = MAX_QUEUED_BATCHES - (await this.jobs.queue(QUEUES.deliveries).getWaitingCount());
    while (batches.length < room) {
      const claimId = randomUUID();
      const claimed = await this.repo.claim(claimId, now, new Date(now.getTime() + leaseSeconds * 1000), batchSize);
      if (claimed === 0) break;
      batches.push({ name: 'DeliverBatchJob', data: { claimId }, opts: { jobId: `deliver-${claimId}` } });
      if (claimed < batchSize) break;
    }
    await this.jobs.addBulk(QUEUES.deliveries, batches);
    if (batches.length || expired || unplanned.length) {
      this.logger.log({ msg: 'dispatched', batches: batches.length, expiredClaims: expired, replanned: unplanned.length });
    }
    return { status: batches.length ? 'done' : 'skipped', batches: batches.length, expired, replanned: unplanned.length };
  }

  /** Plans an incident's change soon; one job per incident version, however often it is asked. */
  async planLater(incidentId: number, version: number): Promise<void> {
    await this.jobs.add(QUEUES.notifications, 'PlanIncidentJob', { incidentId }, { jobId: `plan-${incidentId}-v${version}` });
  }

  /** Dispatches now instead of at the next tick. */
  async kick(): Promise<void> {
    await this.jobs.add(QUEUES.notifications, 'DispatchJob', {}, { removeOnComplete: true, removeOnFail: true });
  }
}
