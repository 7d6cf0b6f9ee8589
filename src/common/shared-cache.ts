/** Above this many entries, expired ones are dropped before another is added. */
const SWEEP_AT = 10_000;

/**
 * Values kept per key for `ttlMs` after their load finished. Callers asking while a load is in
 * flight share it: one load per key at a time, however many callers. A failed load is not kept.
 */
export class SharedCache<K, V> {
  private readonly entries = new Map<K, { value: Promise<V>; until: number }>();

  constructor(
    private readonly ttlMs: number,
    private readonly now: () => number = Date.now,
  ) {}

  get(key: K, load: () => Promise<V>): Promise<V> {
    const hit = this.entries.get(key);
    if (hit && hit.until > this.now()) return hit.value;
    if (this.entries.size >= SWEEP_AT) this.sweep();
    const entry = { value: (async () => load())(), until: Infinity };
    this.entries.set(key, entry);
    entry.value.then(
      () => (entry.until = this.now() + this.ttlMs),
      () => this.entries.get(key) === entry && this.entries.delete(key),
    );
    return entry.value;
  }

  /** The next get loads afresh; callers already waiting keep the load they share. */
  forget(key: K): void {
    this.entries.delete(key);
  }

  get size(): number {
    return this.entries.size;
  }

  private sweep(): void {
    const now = this.now();
    for (const [key, entry] of this.entries) if (entry.until <= now) this.entries.delete(key);
  }
}
