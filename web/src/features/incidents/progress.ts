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
