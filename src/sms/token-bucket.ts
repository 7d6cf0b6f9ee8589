/**
 * A token bucket: `rate` tokens a second, holding at most `burst`. Rate 0 means no limit.
 * The burst is a tenth of a second's worth, so a limit of 100/s never sends 200 in one second.
 */
export class TokenBucket {
  private tokens: number;
  private updatedAt: number;
  readonly burst: number;

  constructor(
    readonly rate: number,
    private readonly now: () => number = () => performance.now(),
    burst?: number,
  ) {
    this.burst = burst ?? Math.max(1, Math.ceil(rate / 10));
    this.tokens = this.burst;
    this.updatedAt = this.now();
  }

  private refill(): void {
    const t = this.now();
    this.tokens = Math.min(this.burst, this.tokens + ((t - this.updatedAt) * this.rate) / 1000);
    this.updatedAt = t;
  }

  /** Milliseconds until one token is available; 0 when one is there now. */
  waitMs(): number {
    if (this.rate === 0) return 0;
    this.refill();
    return this.tokens >= 1 ? 0 : Math.ceil(((1 - this.tokens) * 1000) / this.rate);
  }

  /** Takes a token when one is available. */
  tryTake(): boolean {
    if (this.rate === 0) return true;
    this.refill();
    if (this.tokens < 1) return false;
    this.tokens -= 1;
    return true;
  }
}
