import { QuietWindow } from '../common/validation';
import { nextAllowedAt } from '../notifications/quiet-hours';
import { CallTaskRow } from './call-list.repository';

/** Why a customer is on the call list: a code and its parameters, put into words by each reader in its own language. */
export type CallReason =
  | { code: 'vip' | 'business' | 'unreachable' | 'opted_out' }
  | { code: 'flagged'; flags: string[] }
  /** `count` incidents (this one among them) hit them in `days` days. */
  | { code: 'repeat_incidents'; count: number; days: number }
  /** A message the channel refused for good; `attempts` when it was given up after retrying. */
  | UndeliveredReason
  /** A reason stored as an English sentence before reasons had codes, and not one of theirs. */
  | { code: 'other'; text: string };

export type UndeliveredReason = { code: 'undelivered'; channel: 'sms' | 'email'; error: string | null; attempts?: number };

/** A reason in the English the list spoke before codes: the v1 contract's `reason` joins these with '; '. */
export function inEnglish(r: CallReason): string {
  switch (r.code) {
    case 'vip':
    case 'business':
      return `${r.code} customer`;
    case 'unreachable':
      return 'no reachable channel';
    case 'opted_out':
      return 'opted out of SMS (STOP), no other channel';
    case 'flagged':
      return `flagged: ${r.flags.join(', ')}`;
    case 'repeat_incidents':
      return `hit by ${r.count} incidents in ${r.days} days`;
    case 'undelivered':
      return `${r.channel === 'sms' ? 'text' : 'email'} did not get through: ${r.attempts ? `gave up after ${r.attempts} attempts: ` : ''}${r.error ?? 'null'}`;
    case 'other':
      return r.text;
  }
}

export const REASON_CODES = ['vip', 'business', 'flagged', 'repeat_incidents', 'unreachable', 'opted_out', 'undelivered', 'other'] as const satisfies ReadonlyArray<CallReason['code']>;

export interface CallListEntry {
  subscriberId: number;
  name: string;
  /** Erased since the call (the list keeps finished calls): no name, no contacts. */
  erased: boolean;
  phone: string | null;
  email: string | null;
  tier: string;
  flags: string[];
  reasons: CallReason[];
  /** The reasons in English, joined: the v1 contract's field, for clients that do not word the codes. */
  reason: string;
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
