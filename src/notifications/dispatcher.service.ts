import { Inject, Injectable, Logger } from '@nestjs/common';
import { Clock } from '../common/clock';
import { APP_CONFIG, AppConfig } from '../config/app-config';
import { JobQueue } from '../jobs/job-queue';
import { QUEUES } from '../jobs/queues';
import { ChannelName } from './channel.port';
import { NotificationsRepository } from './notifications.repository';

const MAX_QUIET_TRUST_MS = 10_000;

const LANES = {
  sms: { queue: QUEUES.smsDeliveries, job: 'DeliverSmsBatchJob' },
  email: { queue: QUEUES.emailDeliveries, job: 'DeliverEmailBatchJob' },
} as const;

/**
 * Keeps delivery going while threads are due: re-plans incidents whose plan was lost (a crash, a
 * flushed Redis), and for each channel with due threads makes sure a few delivery jobs wait in its
 * queue. The jobs carry nothing: each claims its own batch from PostgreSQL when it runs, so a job
 * run twice or a job too many finds nothing left and ends, and Redis never holds more than a few.
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

  /** A channel last found with nothing due is not asked again before this instant (ms), unless kicked. */
  private readonly quietUntil: Record<ChannelName, number> = { sms: 0, email: 0 };

  /** `kicked`: after an incident change, ask the database whatever the last answer was. */
  async tick(kicked = false): Promise<{ status: 'done' | 'skipped'; started: number; replanned: number }> {
    const now = this.clock.now();
    const unplanned = await this.repo.unplannedIncidents();
    for (const incident of unplanned) await this.planLater(incident.id, incident.version);

    let started = 0;
    for (const channel of ['sms', 'email'] as const) {
      // Enough waiting jobs to keep every worker's slots busy; finished full batches add their own successor.
      // The queue is asked first: during a send-out its slots are taken (each full batch queues the
      // next), and the database is spared the question.
      const { waiting, active } = await this.jobs.queue(LANES[channel].queue).getJobCounts('waiting', 'active');
      const slots = channel === 'email' ? this.config.emailWorkerConcurrency : this.config.workerConcurrency;
      if (waiting + active >= slots || (!kicked && Date.now() < this.quietUntil[channel])) continue;
      const asked = Date.now();
      if (!(await this.repo.anyDue(channel, now))) {
        // Right after a big send-out the due index starts with the entries of threads just sent,
        // and while an autovacuum's ANALYZE holds them (a minute at a million rows) every question
        // reads them all (~200 ms). So "nothing due" is trusted for 20 times what it cost to learn,
        // at most 10 s: the question stays under 5 % of a core, and a 1 ms answer is asked every tick.
        this.quietUntil[channel] = Date.now() + Math.min(MAX_QUIET_TRUST_MS, 20 * (Date.now() - asked));
        continue;
      }
      started += await this.startLane(channel, slots - waiting);
    }
    if (started || unplanned.length) this.logger.debug({ msg: 'dispatched', jobs: started, replanned: unplanned.length });
    return { status: started ? 'done' : 'skipped', started, replanned: unplanned.length };
  }

  /** Queues `count` delivery jobs for the channel. */
  async startLane(channel: ChannelName, count: number): Promise<number> {
    if (count <= 0) return 0;
    const { queue, job } = LANES[channel];
    await this.jobs.addBulk(queue, Array.from({ length: count }, () => ({ name: job, data: {}, opts: { removeOnComplete: true, removeOnFail: 100 } })));
    return count;
  }

  /** Plans an incident's change soon; one job per incident version, however often it is asked. */
  async planLater(incidentId: number, version: number): Promise<void> {
    await this.jobs.add(QUEUES.notifications, 'PlanIncidentJob', { incidentId }, { jobId: `plan-${incidentId}-v${version}` });
  }

  /** Dispatches now instead of at the next tick. */
  async kick(): Promise<void> {
    await this.jobs.add(QUEUES.notifications, 'DispatchJob', { kicked: true }, { removeOnComplete: true, removeOnFail: true });
  }
}
