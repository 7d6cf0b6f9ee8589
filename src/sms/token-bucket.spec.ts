import { TokenBucket } from './token-bucket';

describe(TokenBucket.name, () => {
  it('should allow a tenth of a second of burst then one token per 1/rate seconds', () => {
    let t = 0;
    const sut = new TokenBucket(100, () => t);
    for (let i = 0; i < 10; i++) expect(sut.tryTake()).toBe(true);
    expect(sut.tryTake()).toBe(false);
    expect(sut.waitMs()).toBe(10);
    t += 10;
    expect(sut.tryTake()).toBe(true);
    expect(sut.tryTake()).toBe(false);
  });

  it('should never hold more than its burst after a long idle time', () => {
    let t = 0;
    const sut = new TokenBucket(50, () => t);
    t += 60_000;
    let taken = 0;
    while (sut.tryTake()) taken++;
    expect(taken).toBe(5);
  });

  it('should not limit when the rate is 0', () => {
    const sut = new TokenBucket(0);
    for (let i = 0; i < 10_000; i++) expect(sut.tryTake()).toBe(true);
    expect(sut.waitMs()).toBe(0);
  });
});
