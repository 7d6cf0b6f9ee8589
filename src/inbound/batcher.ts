interface Waiting<T> {
  item: T;
  resolve: () => void;
  reject: (e: unknown) => void;
}

/**
 * Hands items to `write` in batches, up to `writers` writes at a time (a group commit): an item
 * that comes while fewer writes run goes at once, with whatever else comes in the same turn of the
 * event loop; items that come while `writers` writes run wait for one of them to end and go
 * together in the next. So a lone item waits for nothing, and a flood is written in as few calls
 * as the writes' own length allows, the next batch's write overlapping the last one's wait.
 * Batches start in the order they were cut; with more than one writer they may end in another.
 * Each `add` settles with the write that carried its item, so a caller can acknowledge only what
 * is stored.
 */
export class Batcher<T> {
  private waiting: Waiting<T>[] = [];
  private scheduled = false;
  /** Writes started and not yet settled. */
  private writes = 0;
  /** Batches cut while every writer was busy, each starting its write when one is free. */
  private readonly queued: Array<() => void> = [];
  /** Each running write with what follows it (the next queued batch started). */
  private readonly running = new Set<Promise<void>>();
  private readonly writers: number;

  constructor(
    private readonly write: (items: T[]) => Promise<void>,
    private readonly opts: { maxItems: number; writers?: number },
  ) {
    this.writers = opts.writers ?? 1;
  }

  add(item: T): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      this.waiting.push({ item, resolve, reject });
      if (this.waiting.length >= this.opts.maxItems) this.flushQuietly();
      else if (this.writes < this.writers && !this.scheduled) {
        this.scheduled = true;
        setImmediate(() => {
          this.scheduled = false;
          if (this.waiting.length > 0 && this.writes < this.writers) this.flushQuietly();
        });
      }
    });
  }

  /** Writes what is collected now, even nothing (a sweep); settles as that write does. */
  flush(): Promise<void> {
    const batch = this.waiting;
    this.waiting = [];
    return new Promise<void>((resolve, reject) => {
      const start = () => {
        this.writes++;
        const run: Promise<void> = this.write(batch.map((w) => w.item))
          .then(
            () => {
              batch.forEach((w) => w.resolve());
              resolve();
            },
            (e) => {
              batch.forEach((w) => w.reject(e));
              reject(e);
            },
          )
          .finally(() => {
            this.writes--;
            // A batch already cut goes first; else what came during the writes goes, in one batch.
            const next = this.queued.shift();
            if (next) next();
            else if (this.waiting.length > 0) this.flushQuietly();
            this.running.delete(run);
          });
        this.running.add(run);
      };
      if (this.writes < this.writers) start();
      else this.queued.push(start);
    });
  }

  /** Resolves once no write runs nor waits for a writer (those that start meanwhile included). */
  async idle(): Promise<void> {
    while (this.running.size > 0) await Promise.allSettled([...this.running]);
  }

  /** Each item learns of a failed write through its own promise. */
  private flushQuietly(): void {
    this.flush().catch(() => undefined);
  }
}
