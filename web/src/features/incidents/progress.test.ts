import { describe, expect, it } from 'vitest';
import { audience, channelProgress, countsAge } from './progress';

describe(channelProgress.name, () => {
  it('should fold message and thread states into sent, delivered, failed, waiting and due per channel', () => {
    const sut = channelProgress({
      affected: 10,
      threads: { sms: { deferred: 4, due: 1, idle: 5 }, email: { claimed: 2 } },
      messages: { sms: { accepted: 3, delivered: 2, failed: 1, expired: 1, sending: 1 } },
    });
    expect(sut).toEqual([
      { channel: 'email', sent: 0, delivered: 0, failed: 0, waiting: 0, due: 2 },
      { channel: 'sms', sent: 7, delivered: 2, failed: 2, waiting: 4, due: 1 },
    ]);
  });

  it('should give both channels at 0 when nothing is planned yet, and no rows before the counts come', () => {
    expect(channelProgress(undefined)).toEqual([]);
    expect(channelProgress({ affected: 3 }).map((r) => [r.channel, r.sent, r.waiting])).toEqual([['email', 0, 0], ['sms', 0, 0]]);
  });
});

describe(audience.name, () => {
  it('should count a subscriber waiting on two channels once when saying who hears it later', () => {
    const sut = audience({
      affected: 100,
      threads: { sms: { deferred: 30 }, email: { deferred: 20 } },
      messages: { sms: { accepted: 60, delivered: 10 }, email: { accepted: 50 } },
    });
    expect(sut).toEqual({ now: 70, later: 30, told: 70 });
  });
});

describe(countsAge.name, () => {
  const at = '2026-12-03T22:00:00Z';
  const after = (s: number) => Date.parse(at) + s * 1000;

  it('should say nothing of counts a few seconds old, mute them from 15 s and warn from a minute', () => {
    expect([countsAge(at, after(14.9))?.level, countsAge(at, after(15))?.level, countsAge(at, after(59))?.level, countsAge(at, after(60))?.level])
      .toEqual(['fresh', 'old', 'old', 'stale']);
    expect(countsAge(at, after(90))?.seconds).toBe(90);
  });

  it('should take counts from the viewer\'s future (a clock behind the server\'s) as fresh, and no counts as no age', () => {
    expect(countsAge(at, after(-30))).toEqual({ seconds: 0, level: 'fresh' });
    expect(countsAge(undefined, after(0))).toBeUndefined();
  });
});
