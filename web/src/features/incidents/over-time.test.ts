import { describe, expect, it } from 'vitest';
import { cumulative } from './over-time';

describe(cumulative.name, () => {
  it('should add each bucket to the running totals of its channel, from 0 at the start to when counted', () => {
    const sut = cumulative({
      bucketSeconds: 60,
      countsAt: '2026-11-23T12:05:00Z',
      waking: [],
      points: [
        { at: '2026-11-23T12:00:00Z', channel: 'sms', sent: 3, delivered: 0, failed: 0 },
        { at: '2026-11-23T12:00:00Z', channel: 'email', sent: 5, delivered: 0, failed: 0 },
        { at: '2026-11-23T12:01:00Z', channel: 'sms', sent: 2, delivered: 4, failed: 1 },
      ],
    }, '2026-11-23T11:58:30Z');
    const t0 = Date.parse('2026-11-23T12:00:00Z');
    const start = Date.parse('2026-11-23T11:58:30Z');
    const end = Date.parse('2026-11-23T12:05:00Z'); // countsAt is later than the last bucket's end
    expect(sut).toEqual([
      { channel: 'email', sent: [[start, 0], [t0, 5], [end, 5]], delivered: [[start, 0], [t0, 0], [end, 0]] },
      { channel: 'sms', sent: [[start, 0], [t0, 3], [t0 + 60_000, 5], [end, 5]], delivered: [[start, 0], [t0, 0], [t0 + 60_000, 4], [end, 4]] },
    ]);
  });
});
