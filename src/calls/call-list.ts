import { QuietWindow } from '../common/validation';
import { nextAllowedAt } from '../notifications/quiet-hours';
import { CallTaskRow } from './call-list.repository';

export interface CallListEntry {
  subscriberId: number;
  name: string;
  phone: string | null;
  email: string | null;
  tier: string;
  flags: string[];
  reason: string;
  reasons: string[];
  callableFrom: string;
  callableNow: boolean;
  timezone: string;
  outcome: string | null;
  callbackAt: string | null;
  note: string | null;
  attempts: number;
  lastCalledAt: string | null;
}

/**
 * When the customer may be called: now, or the end of their quiet hours in their own zone;
 * a requested callback moves it to that time (again pushed out of quiet hours).
 */
export function callableFrom(
  row: Pick<CallTaskRow, 'tz' | 'quiet_start' | 'quiet_end' | 'outcome' | 'callback_at'>,
  nowMs: number,
  defaults: { timezone: string; quietHours: QuietWindow },
): { at: number; zone: string } {
  const zone = row.tz ?? defaults.timezone;
  const window = row.quiet_start === null || row.quiet_end === null ? defaults.quietHours : { start: row.quiet_start, end: row.quiet_end };
  const base = row.outcome === 'callback_requested' && row.callback_at ? Math.max(nowMs, row.callback_at.getTime()) : nowMs;
  return { at: nextAllowedAt(base, zone, window), zone };
}
