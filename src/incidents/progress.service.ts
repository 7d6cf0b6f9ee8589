import { Injectable } from '@nestjs/common';
import { assertManages } from '../auth/ownership';
import { Caller } from '../auth/roles.decorator';
import { Clock } from '../common/clock';
import { SharedCache } from '../common/shared-cache';
import { IncidentNotFound } from './incident.errors';
import { bucketSeconds, toPoints } from './progress';
import { IncidentProgressDto } from './progress.dto';
import { ProgressRepository, WAKING_BUCKET_SECONDS } from './progress.repository';

/** Counted at most once per incident every 5 s, however many consoles watch it. */
export const PROGRESS_TTL_MS = 5_000;

@Injectable()
export class ProgressService {
  private readonly cache = new SharedCache<number, IncidentProgressDto>(PROGRESS_TTL_MS, () => this.clock.now().getTime());

  constructor(private readonly progress: ProgressRepository, private readonly clock: Clock) {}

  /** Delivery over time per channel, and when those waiting for their morning will be told. */
  async get(id: number, caller: Caller): Promise<IncidentProgressDto> {
    const incident = await this.progress.incident(id);
    if (!incident) throw new IncidentNotFound(id);
    assertManages(caller, id, incident.managerId);
    return this.cache.get(id, async () => {
      const now = this.clock.now();
      const width = bucketSeconds((incident.endedAt ?? now).getTime() - incident.startedAt.getTime());
      const [rows, waking] = await Promise.all([this.progress.deliveries(id, width), this.progress.waking(id, now)]);
      return {
        bucketSeconds: width,
        points: toPoints(rows, width),
        waking: waking.map((w) => ({ at: new Date(w.bucket * WAKING_BUCKET_SECONDS * 1000).toISOString(), count: w.count })),
        countsAt: now.toISOString(),
      };
    });
  }
}
