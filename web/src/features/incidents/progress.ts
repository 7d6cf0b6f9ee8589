import type { IncidentStats } from '../../api/types';

export interface ChannelProgress {
  channel: string;
  /** handed to the SMSC / SMTP server (whatever happened after). */
  sent: number;
  delivered: number;
  failed: number;
  /** told nothing yet because they are in quiet hours (or a delay runs). */
  waiting: number;
  /** due now, on their way. */
  due: number;
}

const CHANNELS = ['email', 'sms'];
const FAILED = ['failed', 'expired', 'undeliverable', 'rejected'];
const SENT = ['accepted', 'delivered', ...FAILED];
const sum = (counts: Record<string, number> | undefined, states: string[]) => states.reduce((n, s) => n + (counts?.[s] ?? 0), 0);

/** Per-channel progress from the incident's counts of threads and messages by state. */
export function channelProgress(stats: IncidentStats | undefined): ChannelProgress[] {
  if (!stats) return [];
  // Both channels always show, at 0 before the worker has planned anything.
  const channels = [...new Set([...CHANNELS, ...Object.keys(stats.threads ?? {}), ...Object.keys(stats.messages ?? {})])].sort();
  return channels.map((channel) => {
    const threads = stats.threads?.[channel];
    const messages = stats.messages?.[channel];
    return {
      channel,
      sent: sum(messages, SENT),
      delivered: sum(messages, ['delivered']),
      failed: sum(messages, FAILED),
      waiting: sum(threads, ['deferred']),
      due: sum(threads, ['due', 'claimed']),
    };
  });
}

/**
 * What a confirmation says about who hears a change, in subscribers: told now (awake), at their
 * morning (asleep: waiting on any channel), and already told (a message sent on some channel).
 * A subscriber with two channels counts once: the larger channel's count stands for them.
 */
export function audience(stats: IncidentStats | undefined): { now: number; later: number; told: number } {
  const rows = channelProgress(stats);
  const later = Math.max(0, ...rows.map((r) => r.waiting));
  const told = Math.max(0, ...rows.map((r) => r.sent));
  return { now: Math.max(0, (stats?.affected ?? 0) - later), later, told };
}

/** Counts younger than this are shown without their age: the console asks every 5 s, and the api counts at most every 5 s. */
export const COUNTS_OLD_AFTER_S = 15;
/** Older than this, the api has not recounted within its minute of grace, or the console has not reached it. */
export const COUNTS_STALE_AFTER_S = 60;

/**
 * How old the counts are at `now` (ms), by the viewer's clock: 'fresh' (not worth saying), 'old'
 * (said, muted) or 'stale' (said, as a warning). Both clocks are NTP-set in practice; a count
 * from the viewer's future (a clock behind the server's) is fresh.
 */
export function countsAge(countsAt: string | undefined, now: number): { seconds: number; level: 'fresh' | 'old' | 'stale' } | undefined {
  if (!countsAt) return undefined;
  const seconds = Math.max(0, (now - Date.parse(countsAt)) / 1000);
  return { seconds, level: seconds >= COUNTS_STALE_AFTER_S ? 'stale' : seconds >= COUNTS_OLD_AFTER_S ? 'old' : 'fresh' };
}
