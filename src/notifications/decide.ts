/**
 * What a thread should say now, decided at send time from the incident's current state and what
 * this subscriber was last told (DESIGN principle 2). Pure: no I/O, no clock of its own.
 */
import { MessageKind } from './templates/template.types';

export type { MessageKind };

export interface IncidentNow {
  status: string;
  version: number;
  etr: Date | null;
  startedAt: Date;
  resolvedAt: Date | null;
}

export interface ThreadTold {
  channel: 'sms' | 'email';
  toldVersion: number;
  toldKind: MessageKind | null;
  toldEtr: Date | null;
  toldAt: Date | null;
}

export interface NotificationPolicy {
  /** An ETR moved later by at least this is worth telling. */
  etrLaterMinutes: number;
  /** An ETR moved earlier by at least this is worth telling. */
  etrEarlierMinutes: number;
  /** Overnight outages at least this long get a morning summary; null: never. */
  summaryMinMinutes: number | null;
  /** An open incident with nothing new for this long gets a "still working on it". */
  reassuranceHours: number;
  /** The follow-up asking for a rating goes this long after restoration. */
  followupHours: number;
}

export type Decision =
  | { action: 'send'; kind: MessageKind }
  /** Nothing to say for this version; look again at `recheckAt` (a timer) or never. */
  | { action: 'none'; reason: string; recheckAt?: Date };

const HOUR = 3_600_000;
const MINUTE = 60_000;

export function etrChangeIsSignificant(told: Date | null, now: Date | null, p: NotificationPolicy): boolean {
  if (now === null) return false; // an ETR withdrawn is not news worth a text
  if (told === null) return true;
  const delta = now.getTime() - told.getTime();
  return delta >= p.etrLaterMinutes * MINUTE || -delta >= p.etrEarlierMinutes * MINUTE;
}

export function decide(incident: IncidentNow, thread: ThreadTold, now: Date, p: NotificationPolicy): Decision {
  const told = thread.toldVersion > 0 && thread.toldKind !== null;

  if (incident.status === 'cancelled') {
    if (!told) return { action: 'none', reason: 'cancelled before this subscriber was told' };
    if (thread.toldKind === 'correction') return { action: 'none', reason: 'correction already sent' };
    return { action: 'send', kind: 'correction' };
  }

  if (incident.status === 'resolved') {
    const resolvedAt = incident.resolvedAt ?? now;
    if (thread.toldKind === 'restored' || thread.toldKind === 'summary') {
      if (thread.channel !== 'sms') return { action: 'none', reason: 'follow-ups go by SMS, where replies can come back' };
      // Counted from the later of restoration and telling it: a morning summary is not followed at once.
      const from = Math.max(resolvedAt.getTime(), thread.toldAt?.getTime() ?? 0);
      const at = new Date(from + p.followupHours * HOUR);
      return now >= at ? { action: 'send', kind: 'followup' } : { action: 'none', reason: 'follow-up not yet', recheckAt: at };
    }
    if (thread.toldKind === 'followup') return { action: 'none', reason: 'thread complete' };
    if (!told) {
      const minutes = (resolvedAt.getTime() - incident.startedAt.getTime()) / MINUTE;
      if (p.summaryMinMinutes !== null && minutes >= p.summaryMinMinutes) return { action: 'send', kind: 'summary' };
      return { action: 'none', reason: 'over before this subscriber could be told' };
    }
    return { action: 'send', kind: 'restored' };
  }

  // Open (scheduled, investigating, identified, monitoring).
  if (!told) return { action: 'send', kind: 'notice' };
  if (etrChangeIsSignificant(thread.toldEtr, incident.etr, p)) return { action: 'send', kind: 'etr_change' };
  const quietSince = thread.toldAt ?? now;
  const reassureAt = new Date(quietSince.getTime() + p.reassuranceHours * HOUR);
  if (now >= reassureAt) return { action: 'send', kind: 'reassurance' };
  return { action: 'none', reason: 'nothing new for this subscriber', recheckAt: reassureAt };
}
