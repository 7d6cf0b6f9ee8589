import { Injectable, OnApplicationShutdown, OnModuleInit } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { Gauge } from 'prom-client';
import { DataSource } from 'typeorm';
import { Clock } from '../common/clock';
import { SharedCache } from '../common/shared-cache';

/**
 * Counted at most this often however many scrapes come (and however many Prometheus servers
 * scrape): counting the due threads of a million-subscriber incident takes a few hundred ms.
 */
export const SUMMARY_TTL_MS = 30_000;

/** Upper bounds of the "wakes within" buckets of those waiting for morning, in hours. */
const WAKE_BUCKETS = [1, 3, 6, 12, 24];

interface Summary {
  due: Array<{ channel: string; n: number }>;
  waiting: Array<{ kind: string; severity: string; wakes_in: string; n: number }>;
  open: Array<{ kind: string; severity: string; status: string; n: number }>;
}

/** The api's app sets this; the gauges read it when scraped. */
let summary: (() => Promise<Summary | undefined>) | undefined;

/** Sets a gauge's series to the rows of the summary, each its labels and `n` (series no longer there go away). */
function fill<L extends string>(gauge: Gauge<L>, rows: Array<Record<L, string> & { n: number }> | undefined): void {
  gauge.reset();
  for (const { n, ...labels } of rows ?? []) gauge.set(labels as unknown as Partial<Record<L, string>>, n);
}

export const threadsDue = new Gauge({
  name: 'outage_threads_due',
  help: 'Notification threads due now (their send time has come), per channel: the delivery backlog (api, counted at most every 30 s)',
  labelNames: ['channel'] as const,
  async collect() {
    const s = await summary?.();
    fill(this, s?.due);
    for (const channel of ['sms', 'email']) if (s && !s.due.some((d) => d.channel === channel)) this.set({ channel }, 0);
  },
});

export const waitingForMorning = new Gauge({
  name: 'outage_subscribers_waiting_for_morning',
  help: 'Subscribers whose first text of an incident waits for the end of their quiet hours, by incident kind, severity and when they wake (wakes_in: 1h, 3h, 6h, 12h, 24h, later) (api, counted at most every 30 s)',
  labelNames: ['kind', 'severity', 'wakes_in'] as const,
  async collect() {
    fill(this, (await summary?.())?.waiting);
  },
});

export const incidentsOpen = new Gauge({
  name: 'outage_incidents_open',
  help: 'Incidents not resolved or cancelled, by kind, severity and status (api, counted at most every 30 s)',
  labelNames: ['kind', 'severity', 'status'] as const,
  async collect() {
    fill(this, (await summary?.())?.open);
  },
});

/** The incident-level gauges of the api's /metrics: one summary, counted at most every SUMMARY_TTL_MS. */
@Injectable()
export class IncidentGauges implements OnModuleInit, OnApplicationShutdown {
  private readonly cache = new SharedCache<'summary', Summary>(SUMMARY_TTL_MS);
  // A database that does not answer leaves these gauges out of the scrape, not the scrape failing.
  private readonly read = () => this.cache.get('summary', () => this.count()).catch(() => undefined);

  constructor(@InjectDataSource() private readonly db: DataSource, private readonly clock: Clock) {}

  onModuleInit(): void {
    summary = this.read;
  }

  onApplicationShutdown(): void {
    if (summary === this.read) summary = undefined;
  }

  private async count(): Promise<Summary> {
    const now = this.clock.now();
    const wakesIn = WAKE_BUCKETS.map((h) => `WHEN t.send_after <= $1::timestamptz + interval '${h} hours' THEN '${h}h'`).join(' ');
    const [due, waiting, open] = await Promise.all([
      this.db.query(`SELECT channel::text, count(*)::int AS n FROM notification_threads WHERE state = 'due' AND send_after <= $1 GROUP BY 1`, [now]),
      // Texts only: one thread per subscriber and incident, and what quiet hours hold back (email goes at any hour by default).
      this.db.query(
        `SELECT i.kind::text, i.severity::text, CASE ${wakesIn} ELSE 'later' END AS wakes_in, count(*)::int AS n
         FROM notification_threads t JOIN incidents i ON i.id = t.incident_id
         WHERE t.state = 'due' AND t.channel = 'sms' AND t.told_version = 0 AND t.attempts = 0 AND t.send_after > $1 AND t.suppressed IS NULL
         GROUP BY 1, 2, 3`,
        [now],
      ),
      this.db.query(
        `SELECT kind::text, severity::text, status::text, count(*)::int AS n FROM incidents
         WHERE status NOT IN ('resolved', 'cancelled') GROUP BY 1, 2, 3`,
      ),
    ]);
    return { due, waiting, open };
  }
}
