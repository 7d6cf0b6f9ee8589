import { DateTime, IANAZone } from 'luxon';
import { QuietWindow } from '../common/validation';

const zones = new Map<string, IANAZone>();
function zoneOf(name: string): IANAZone {
  let z = zones.get(name);
  if (!z) zones.set(name, (z = IANAZone.create(name)));
  return z;
}

const MINUTE = 60_000;

/** Local minute of the day (0-1439) at an instant. */
function localMinute(ms: number, zone: IANAZone): number {
  const local = new Date(ms + zone.offset(ms) * MINUTE);
  return local.getUTCHours() * 60 + local.getUTCMinutes();
}

function inside(minute: number, w: QuietWindow): boolean {
  if (w.start === w.end) return false;
  return w.start < w.end ? minute >= w.start && minute < w.end : minute >= w.start || minute < w.end;
}

/** Whether an instant falls inside the quiet window in the given zone's local time. */
export function isQuietAt(ms: number, zoneName: string, w: QuietWindow): boolean {
  return inside(localMinute(ms, zoneOf(zoneName)), w);
}

/**
 * The earliest instant at or after `nowMs` that is outside the quiet window in local time.
 * The window is [start, end) local minutes and may wrap midnight; start === end means none.
 * A wake-up time inside a spring-forward gap becomes the first instant after the gap; on a
 * repeated (fall-back) hour the first occurrence that is not before now counts.
 */
export function nextAllowedAt(nowMs: number, zoneName: string, w: QuietWindow): number {
  const zone = zoneOf(zoneName);
  const minute = localMinute(nowMs, zone);
  if (!inside(minute, w)) return nowMs;
  const today = DateTime.fromMillis(nowMs, { zone });
  const day = minute < w.end ? today : today.plus({ days: 1 });
  const wall = Date.UTC(day.year, day.month - 1, day.day, Math.floor(w.end / 60), w.end % 60);
  const wake = Math.max(nowMs, firstInstantAtOrAfterWall(nowMs, zone, wall));
  // A gap longer than the waking span (a one-minute window at a spring-forward midnight) can
  // carry the wake-up into the next quiet period: then it is the end of that one.
  return inside(localMinute(wake, zone), w) ? nextAllowedAt(wake, zoneName, w) : wake;
}

/**
 * The instant when local wall-clock time `wall` (as UTC-based ms) first occurs at or after
 * `nowMs`; if that wall time does not exist (a gap), the first instant after the gap.
 */
function firstInstantAtOrAfterWall(nowMs: number, zone: IANAZone, wall: number): number {
  const offsets = new Set<number>();
  for (const probe of [wall - 36 * 3_600_000, wall, wall + 36 * 3_600_000]) offsets.add(zone.offset(probe));
  for (const o of [...offsets]) offsets.add(zone.offset(wall - o * MINUTE));
  const candidates = [...offsets]
    .map((o) => wall - o * MINUTE)
    .filter((t) => zone.offset(t) * MINUTE + t === wall)
    .sort((a, b) => a - b);
  const due = candidates.find((t) => t >= nowMs);
  if (due !== undefined) return due;
  if (candidates.length > 0) return candidates[candidates.length - 1];

  // In a gap: find the first instant whose wall clock has reached `wall` (wall time rises with t here).
  const all = [...offsets].map((o) => wall - o * MINUTE);
  let lo = Math.min(...all);
  let hi = Math.max(...all);
  while (hi - lo > 1000) {
    const mid = Math.floor((lo + hi) / 2);
    if (mid + zone.offset(mid) * MINUTE >= wall) hi = mid;
    else lo = mid;
  }
  // Transitions happen on whole seconds; step to the first second whose wall time is past the gap.
  let t = Math.floor(lo / 1000) * 1000;
  while (t + zone.offset(t) * MINUTE < wall) t += 1000;
  return t;
}
