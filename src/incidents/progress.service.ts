import { Injectable } from '@nestjs/common';
import { assertManages } from '../auth/ownership';
import { Caller } from '../auth/roles.decorator';
import { Clock } from '../common/clock';
import { SharedCache } from '../common/shared-cache';
import { IncidentNotFound } from './incident.errors';
import { bucketSeconds, ProgressRow, toPoints } from './progress';
import { IncidentProgressDto } from './progress.dto';
import { ProgressRepository, WAKING_BUCKET_SECONDS } from './progress.repository';

/**
 * An incident's delivery figures (the detail's counts and the chart) are counted at most once per
 * 5 s, however many consoles watch it.
 */
export const FIGURES_TTL_MS = 5_000;

/**
 * And kept at least this many times as long as their count took: counting a big incident takes
 * one PostgreSQL backend (ProgressRepository.counts) for a tenth of the time at most, beside the
 * send-out it is counting. On the 2M bench a count under the send-out's load took about 4 s, so
 * the board's figures were then up to about 40 s old, and said so.
 */
export const FIGURES_REST_PER_COUNT = 9;

/**
 * Past that, figures up to this old are answered at once while one recount runs in the background:
 * a board refresh never waits for a count of a million messages, only the first view does.
 */
export const FIGURES_STALE_MS = 60_000;

type Counts = Record<string, Record<string, number>>;

export interface DeliveryFigures {
  threads: Counts;
  messages: Counts;
  progress: IncidentProgressDto;
}

@Injectable()
export class ProgressService {
  /** On the service's clock, like countsAt, so the window can be tested without waiting it out. */
  private readonly cache = new SharedCache<number, DeliveryFigures>(
    FIGURES_TTL_MS, () => this.clock.now().getTime(), FIGURES_STALE_MS, FIGURES_REST_PER_COUNT,
  );

  constructor(private readonly progress: ProgressRepository, private readonly clock: Clock) {}

  /** Delivery over time per channel, and when those waiting for their morning will be told. */
  async get(id: number, caller: Caller): Promise<IncidentProgressDto> {
    const incident = await this.progress.incident(id);
    if (!incident) throw new IncidentNotFound(id);
    assertManages(caller, id, incident.managerId);
    return (await this.figures(id, incident)).progress;
  }

  /** Threads and messages by channel and state, as counted at countsAt. */
  async counts(id: number): Promise<{ threads: Counts; messages: Counts; countsAt: string }> {
    const { threads, messages, progress } = await this.figures(id);
    return { threads, messages, countsAt: progress.countsAt };
  }

  /** The next read counts afresh (after a change the caller answers with its own counts). */
  forget(id: number): void {
    this.cache.forget(id);
  }

  private figures(id: number, known?: { startedAt: Date; endedAt: Date | null }): Promise<DeliveryFigures> {
    return this.cache.get(id, async () => {
      const incident = known ?? (await this.progress.incident(id));
      if (!incident) throw new IncidentNotFound(id);
      const now = this.clock.now();
      const width = bucketSeconds((incident.endedAt ?? now).getTime() - incident.startedAt.getTime());
      const { messages: messageRows, threads: threadRows, waking } = await this.progress.counts(id, width, now);
      const messages: Counts = {};
      const rows: ProgressRow[] = [];
      for (const r of messageRows) {
        const byState = (messages[r.channel] ??= {});
        byState[r.state] = (byState[r.state] ?? 0) + r.n;
        for (const what of ['sent', 'delivered', 'failed'] as const) {
          const bucket = r[what];
          if (bucket !== null) rows.push({ channel: r.channel, what, bucket, n: r.n });
        }
      }
      const threads: Counts = {};
      for (const r of threadRows) (threads[r.channel] ??= {})[r.state] = r.n;
      return {
        threads,
        messages,
        progress: {
          bucketSeconds: width,
          points: toPoints(rows, width),
          waking: waking.map((w) => ({ at: new Date(w.bucket * WAKING_BUCKET_SECONDS * 1000).toISOString(), count: w.count })),
          countsAt: now.toISOString(),
        },
      };
    });
  }
}
