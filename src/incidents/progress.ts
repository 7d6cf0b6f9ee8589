/** Bucket widths a delivery chart steps through, in seconds: a minute up to a day. */
const WIDTHS = [60, 300, 900, 3_600, 4 * 3_600, 24 * 3_600];

/** At most this many buckets: enough for a chart, few enough to send every 5 s. */
export const MAX_BUCKETS = 120;

/** The narrowest bucket that keeps an incident's span within MAX_BUCKETS. */
export function bucketSeconds(spanMs: number): number {
  const span = Math.max(0, spanMs) / 1000;
  return WIDTHS.find((w) => span / w <= MAX_BUCKETS) ?? WIDTHS[WIDTHS.length - 1];
}

export interface ProgressRow {
  channel: string;
  what: 'sent' | 'delivered' | 'failed';
  bucket: number;
  n: number;
}

export interface ProgressPoint {
  at: string;
  channel: string;
  sent: number;
  delivered: number;
  failed: number;
}

/** Rows counted per (channel, what, bucket) as one point per (bucket, channel), in time order. */
export function toPoints(rows: ProgressRow[], widthSeconds: number): ProgressPoint[] {
  const points = new Map<string, ProgressPoint>();
  for (const r of rows) {
    const at = new Date(r.bucket * widthSeconds * 1000).toISOString();
    const key = `${at} ${r.channel}`;
    const point = points.get(key) ?? { at, channel: r.channel, sent: 0, delivered: 0, failed: 0 };
    point[r.what] += r.n;
    points.set(key, point);
  }
  return [...points.values()].sort((a, b) => a.at.localeCompare(b.at) || a.channel.localeCompare(b.channel));
}
