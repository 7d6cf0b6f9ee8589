interface Waiting<T> {
  item: T;
  resolve: () => void;
  reject: (e: unknown) => void;
}

/**
 * Hands items to `write` in batches, one write at a time (a group commit): an item that comes
 * while no write runs goes at once, with whatever else comes in the same turn of the event loop;
 * items that come during a write wait for it and go together in the next. So a lone item waits for
 * nothing, and a flood is written in as few calls as the writes' own length allows.
 * Each `add` settles with the write that carried its item, so a caller can acknowledge only what
 * is stored.
 */
export class Batcher<T> {
  private waiting: Waiting<T>[] = [];
  private scheduled = false;
  /** Writes started and not yet settled. */
  private writes = 0;
  private tail: Promise<void> = Promise.resolve();

  constructor(
    private readonly write: (items: T[]) => Promise<void>,
    private readonly opts: { maxItems: number },
  ) {}

  add(item: T): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      this.waiting.push({ item, resolve, reject });
      if (this.waiting.length >= this.opts.maxItems) this.flushQuietly();
      else if (this.writes === 0 && !this.scheduled) {
        this.scheduled = true;
        setImmediate(() => {
          this.scheduled = false;
          if (this.waiting.length > 0 && this.writes === 0) this.flushQuietly();
        });
      }
    });
  }

  /** Writes what is collected now, even nothing (a sweep); settles as that write does. */
  flush(): Promise<void> {
    const batch = this.waiting;
    this.waiting = [];
    this.writes++;
    const run = this.tail.then(() => this.write(batch.map((w) => w.item)));
    this.tail = run
      .then(
        () => batch.forEach((w) => w.resolve()),
        (e) => batch.forEach((w) => w.reject(e)),
      )
      .finally(() => {
        // What came during the write goes next, in one batch.
        if (--this.writes === 0 && this.waiting.length > 0) this.flushQuietly();
      });
    return run;
  }

  /** Each item learns of a failed write through its own promise. */
  private flushQuietly(): void {
    this.flush().catch(() => undefined);
  }
}
