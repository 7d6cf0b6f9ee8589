import { bucketSeconds, MAX_BUCKETS, toPoints } from './progress';

describe(bucketSeconds.name, () => {
  it('should take minutes when an incident is young', () => {
    expect(bucketSeconds(0)).toBe(60);
    expect(bucketSeconds(MAX_BUCKETS * 60_000)).toBe(60);
  });

  it('should widen the bucket when the span needs more than the bucket limit', () => {
    expect(bucketSeconds(MAX_BUCKETS * 60_000 + 1)).toBe(300);
    expect(bucketSeconds(3 * 24 * 3_600_000)).toBe(3_600);
    expect(bucketSeconds(365 * 24 * 3_600_000)).toBe(24 * 3_600);
  });

  it('should never give more than the bucket limit below a year', () => {
    for (const span of [1, 59_999, 7_200_000, 86_400_000, 30 * 86_400_000]) {
      expect(span / 1000 / bucketSeconds(span)).toBeLessThanOrEqual(MAX_BUCKETS);
    }
  });
});

describe(toPoints.name, () => {
  it('should fold sent, delivered and failed of one bucket and channel into one point in time order', () => {
    const sut = toPoints(
      [
        { channel: 'sms', what: 'delivered', bucket: 2, n: 3 },
        { channel: 'sms', what: 'sent', bucket: 1, n: 5 },
        { channel: 'email', what: 'sent', bucket: 1, n: 4 },
        { channel: 'sms', what: 'failed', bucket: 2, n: 1 },
      ],
      60,
    );
    expect(sut).toEqual([
      { at: '1970-01-01T00:01:00.000Z', channel: 'email', sent: 4, delivered: 0, failed: 0 },
      { at: '1970-01-01T00:01:00.000Z', channel: 'sms', sent: 5, delivered: 0, failed: 0 },
      { at: '1970-01-01T00:02:00.000Z', channel: 'sms', sent: 0, delivered: 3, failed: 1 },
    ]);
  });
});
