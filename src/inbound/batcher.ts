interface Waiting<T> {
  item: T;
  resolve: () => void;
  reject: (e: unknown) => void;
}

/**
 * Collects items for `delayMs` (or until `maxItems`), then hands them to `write` in one call.
 * Each `add` settles with the write that carried its item, so a caller can acknowledge only what
 * is stored. Writes run one at a time, in order; items arriving meanwhile form the next batch.
 */
export class Batcher<T> {
  private waiting: Waiting<T>[] = [];
  private timer?: NodeJS.Timeout;
  private tail: Promise<void> = Promise.resolve();

  constructor(
    private readonly write: (items: T[]) => Promise<void>,
    private readonly opts: { delayMs: number; maxItems: number },
  ) {}

  add(item: T): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      this.waiting.push({ item, resolve, reject });
      // Each item learns of a failed write through its own promise.
      const flush = () => this.flush().catch(() => undefined);
      if (this.waiting.length >= this.opts.maxItems) void flush();
      else this.timer ??= setTimeout(flush, this.opts.delayMs);
    });
  }

  /** Writes what is collected now, even nothing (a sweep); settles as that write does. */
  flush(): Promise<void> {
    clearTimeout(this.timer);
    this.timer = undefined;
    const batch = this.waiting;
    this.waiting = [];
    const run = this.tail.then(() => this.write(batch.map((w) => w.item)));
    this.tail = run.then(
      () => batch.forEach((w) => w.resolve()),
      (e) => batch.forEach((w) => w.reject(e)),
    );
    return run;
  }
}
