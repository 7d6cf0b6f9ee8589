import type { IncidentProgress } from '../../api/types';

export interface Series {
  channel: string;
  /** [bucket start ms, running total] */
  sent: Array<[number, number]>;
  delivered: Array<[number, number]>;
}

/**
 * Running totals per channel over the buckets the api counted, for a line per channel and measure:
 * from 0 at the incident's start to the last total at the end of the last bucket (or when counted).
 */
export function cumulative(progress: IncidentProgress | undefined, startedAt: string): Series[] {
  if (!progress) return [];
  const byChannel = new Map<string, Series>();
  const totals = new Map<string, { sent: number; delivered: number }>();
  for (const p of progress.points) {
    const s = byChannel.get(p.channel) ?? { channel: p.channel, sent: [], delivered: [] };
    const t = totals.get(p.channel) ?? { sent: 0, delivered: 0 };
    t.sent += p.sent;
    t.delivered += p.delivered;
    const at = Date.parse(p.at);
    s.sent.push([at, t.sent]);
    s.delivered.push([at, t.delivered]);
    byChannel.set(p.channel, s);
    totals.set(p.channel, t);
  }
  const start = Date.parse(startedAt);
  const last = Math.max(...progress.points.map((p) => Date.parse(p.at) + progress.bucketSeconds * 1000), Date.parse(progress.countsAt));
  for (const s of byChannel.values()) {
    for (const line of [s.sent, s.delivered]) {
      if (line[0][0] > start) line.unshift([start, 0]);
      line.push([last, line[line.length - 1][1]]);
    }
  }
  return [...byChannel.values()].sort((a, b) => a.channel.localeCompare(b.channel));
}
