/** Above this many entries, expired ones are dropped before another is added. */
const SWEEP_AT = 10_000;

interface Entry<V> {
  value: Promise<V>;
  /** Fresh until then; Infinity while its load is in flight. */
  until: number;
  /** Past `until` and before this, it is still answered while one load replaces it. */
  staleUntil: number;
  refreshing: boolean;
}

/**
 * Values kept per key after their load finished: for `ttlMs`, and at least `restPerLoad` times as
 * long as the load took (2 unless given), so a slow load (a count over millions of rows) runs at
 * most 1 / (restPerLoad + 1) of the time however many callers ask. Callers asking while a load is
 * in flight share it: one load per key at a time. With `staleMs`, a value past its time is still
 * answered for that long while one load replaces it in the background, so callers wait for a load
 * only when there is no value yet or it is older than that. A failed load is not kept.
 */
export class SharedCache<K, V> {
  private readonly entries = new Map<K, Entry<V>>();

  constructor(
    private readonly ttlMs: number,
    private readonly now: () => number = Date.now,
    private readonly staleMs = 0,
    private readonly restPerLoad = 2,
  ) {}

  get(key: K, load: () => Promise<V>): Promise<V> {
    const hit = this.entries.get(key);
    const now = this.now();
    if (hit && hit.until > now) return hit.value;
    if (hit && hit.staleUntil > now) {
      if (!hit.refreshing) this.refresh(key, hit, load);
      return hit.value;
    }
    if (this.entries.size >= SWEEP_AT) this.sweep();
    const entry = this.loading(load);
    this.entries.set(key, entry);
    entry.value.catch(() => this.entries.get(key) === entry && this.entries.delete(key));
    return entry.value;
  }

  /** The next get loads afresh; callers already waiting keep the load they share. */
  forget(key: K): void {
    this.entries.delete(key);
  }

  get size(): number {
    return this.entries.size;
  }

  private loading(load: () => Promise<V>): Entry<V> {
    const started = this.now();
    const entry: Entry<V> = { value: (async () => load())(), until: Infinity, staleUntil: Infinity, refreshing: false };
    entry.value.then(
      () => {
        const done = this.now();
        entry.until = done + Math.max(this.ttlMs, this.restPerLoad * (done - started));
        entry.staleUntil = entry.until + this.staleMs;
      },
      () => undefined,
    );
    return entry;
  }

  /** Replaces a stale entry once its new value is in; a failure leaves it until it is too old. */
  private refresh(key: K, stale: Entry<V>, load: () => Promise<V>): void {
    stale.refreshing = true;
    const next = this.loading(load);
    next.value.then(
      () => this.entries.get(key) === stale && this.entries.set(key, next),
      () => (stale.refreshing = false),
    );
  }

  private sweep(): void {
    const now = this.now();
    for (const [key, entry] of this.entries) if (entry.staleUntil <= now) this.entries.delete(key);
  }
}
