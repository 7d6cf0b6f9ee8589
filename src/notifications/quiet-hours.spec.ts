import fc from 'fast-check';
import { DateTime } from 'luxon';
import { isQuietAt, nextAllowedAt } from './quiet-hours';

const at = (iso: string, zone: string) => DateTime.fromISO(iso, { zone }).toMillis();
const iso = (ms: number, zone: string) => DateTime.fromMillis(ms, { zone }).toISO({ suppressMilliseconds: true });
const win = (start: string, end: string) => {
  const m = (s: string) => Number(s.slice(0, 2)) * 60 + Number(s.slice(3));
  return { start: m(start), end: m(end) };
};

/** Brute force: walk minute boundaries until one is outside the window. */
function bruteForce(now: number, zone: string, w: { start: number; end: number }): number {
  if (!isQuietAt(now, zone, w)) return now;
  let t = Math.ceil((now + 1) / 60_000) * 60_000;
  for (let i = 0; i < 3 * 24 * 60; i++, t += 60_000) if (!isQuietAt(t, zone, w)) return t;
  throw new Error('no waking minute within 3 days');
}

describe(nextAllowedAt.name, () => {
  it('should return now when outside the window', () => {
    const now = at('2026-06-01T12:00', 'Europe/Moscow');
    expect(nextAllowedAt(now, 'Europe/Moscow', win('21:00', '09:00'))).toBe(now);
  });

  it('should return the end of a window wrapping midnight on the next morning', () => {
    const sut = nextAllowedAt(at('2026-06-01T23:10', 'Asia/Novosibirsk'), 'Asia/Novosibirsk', win('21:00', '09:00'));
    expect(iso(sut, 'Asia/Novosibirsk')).toBe('2026-06-02T09:00:00+07:00');
  });

  it('should return now when now is exactly at the window end', () => {
    const now = at('2026-06-01T09:00', 'Europe/Moscow');
    expect(nextAllowedAt(now, 'Europe/Moscow', win('21:00', '09:00'))).toBe(now);
  });

  it('should treat start equal to end as no quiet hours', () => {
    const now = at('2026-06-01T03:00', 'Europe/Moscow');
    expect(nextAllowedAt(now, 'Europe/Moscow', win('08:00', '08:00'))).toBe(now);
  });

  it('should wake at the first instant after the gap when the end falls in a spring-forward gap', () => {
    // New York, 2026-03-08: 02:00 EST jumps to 03:00 EDT.
    const sut = nextAllowedAt(at('2026-03-08T01:00', 'America/New_York'), 'America/New_York', win('22:00', '02:30'));
    expect(iso(sut, 'America/New_York')).toBe('2026-03-08T03:00:00-04:00');
  });

  it('should take the first occurrence of a repeated hour on fall-back', () => {
    // Berlin, 2026-10-25: 03:00 CEST falls back to 02:00 CET.
    const sut = nextAllowedAt(at('2026-10-25T01:00', 'Europe/Berlin'), 'Europe/Berlin', win('23:00', '02:30'));
    expect(iso(sut, 'Europe/Berlin')).toBe('2026-10-25T02:30:00+02:00');
  });

  it('should wake the next day when the only waking minute falls in a spring-forward gap', () => {
    // Scoresbysund, 2002-03-31: local 00:00 (-01:00) jumps to 01:00 (+00:00), so the one waking
    // minute of a 00:01-00:00 window does not exist that day (found by the property below).
    const sut = nextAllowedAt(Date.parse('2002-03-30T23:41:00Z'), 'America/Scoresbysund', win('00:01', '00:00'));
    expect(iso(sut, 'America/Scoresbysund')).toBe('2002-04-01T00:00:00+00:00');
  });

  it('should handle a 30-minute DST shift (Australia/Lord_Howe)', () => {
    // 2026-10-04 02:00 +10:30 → 02:30 +11:00
    const sut = nextAllowedAt(at('2026-10-04T01:00', 'Australia/Lord_Howe'), 'Australia/Lord_Howe', win('22:00', '02:15'));
    expect(iso(sut, 'Australia/Lord_Howe')).toBe('2026-10-04T02:30:00+11:00');
  });

  it.each([
    ['Asia/Kathmandu', '2026-06-01T06:00', '2026-06-01T07:30:00+05:45'],
    ['Pacific/Chatham', '2026-06-01T06:00', '2026-06-01T07:30:00+12:45'],
  ])('should honour odd offsets in %s', (zone, now, expected) => {
    expect(iso(nextAllowedAt(at(now, zone), zone, win('22:00', '07:30')), zone)).toBe(expected);
  });

  it('should agree with a minute-by-minute scan for any zone, window and instant', () => {
    const zones = Intl.supportedValuesOf('timeZone');
    fc.assert(
      fc.property(
        fc.constantFrom(...zones),
        fc.integer({ min: 0, max: 1439 }),
        fc.integer({ min: 0, max: 1439 }),
        fc.integer({ min: Date.UTC(2000, 0, 1), max: Date.UTC(2037, 0, 1) }),
        (zone, start, end, now) => {
          const w = { start, end };
          const sut = nextAllowedAt(now, zone, w);
          expect(sut).toBeGreaterThanOrEqual(now);
          expect(isQuietAt(sut, zone, w)).toBe(false);
          expect(sut).toBe(bruteForce(now, zone, w));
        },
      ),
      { numRuns: 2000 },
    );
  });
});
