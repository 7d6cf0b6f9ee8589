import { waitFor } from '../../test/support/wait';
import { Batcher } from './batcher';

describe(Batcher.name, () => {
  it('should write items added in the same turn of the event loop in one call and settle each after it', async () => {
    const writes: number[][] = [];
    const sut = new Batcher<number>(async (items) => void writes.push(items), { maxItems: 100 });
    await Promise.all([sut.add(1), sut.add(2), sut.add(3)]);
    expect(writes).toEqual([[1, 2, 3]]);
  });

  it('should write what came during a write together, right after it', async () => {
    const writes: number[][] = [];
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    const sut = new Batcher<number>(
      async (items) => {
        writes.push(items);
        if (items.includes(1)) await gate;
      },
      { maxItems: 100 },
    );
    const first = sut.add(1);
    await waitFor(() => writes.length === 1, 'the first write to start', 10_000); // under load 5 ms was not always enough
    const later = [sut.add(2), sut.add(3)];
    await new Promise((r) => setTimeout(r, 5));
    sut.add(4);
    await new Promise((r) => setTimeout(r, 5));
    expect(writes).toEqual([[1]]);
    release();
    await Promise.all([first, ...later]);
    expect(writes).toEqual([[1], [2, 3, 4]]);
  });

  it('should write at once when the batch is full', async () => {
    const writes: number[][] = [];
    const sut = new Batcher<number>(async (items) => void writes.push(items), { maxItems: 2 });
    await Promise.all([sut.add(1), sut.add(2)]);
    expect(writes).toEqual([[1, 2]]);
  });

  it('should reject every item of a batch whose write failed, and keep going after it', async () => {
    let fail = true;
    const writes: number[][] = [];
    const sut = new Batcher<number>(
      async (items) => {
        if (fail) throw new Error('database down');
        writes.push(items);
      },
      { maxItems: 100 },
    );
    const results = await Promise.allSettled([sut.add(1), sut.add(2)]);
    expect(results.map((r) => r.status)).toEqual(['rejected', 'rejected']);
    fail = false;
    await sut.add(3);
    expect(writes).toEqual([[3]]);
  });

  it('should not settle an item before its write has finished, and write batches one at a time in order', async () => {
    const events: string[] = [];
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    const sut = new Batcher<number>(
      async (items) => {
        events.push(`start ${items}`);
        if (items.includes(1)) await gate;
        events.push(`end ${items}`);
      },
      { maxItems: 1 },
    );
    const first = sut.add(1).then(() => events.push('settled 1'));
    const second = sut.add(2).then(() => events.push('settled 2'));
    await new Promise((r) => setTimeout(r, 10));
    expect(events).toEqual(['start 1']);
    release();
    await Promise.all([first, second]);
    expect(events).toEqual(['start 1', 'end 1', 'settled 1', 'start 2', 'end 2', 'settled 2']);
  });

  it('should call the writer with nothing when flushed empty', async () => {
    const writes: number[][] = [];
    const sut = new Batcher<number>(async (items) => void writes.push(items), { maxItems: 10 });
    await sut.flush();
    expect(writes).toEqual([[]]);
  });

  it('should run up to `writers` writes at once, and write what came while all ran together after the first to end', async () => {
    const events: string[] = [];
    const gates = new Map<number, () => void>();
    const sut = new Batcher<number>(
      async (items) => {
        events.push(`start ${items}`);
        await new Promise<void>((r) => gates.set(items[0], r));
        events.push(`end ${items}`);
      },
      { maxItems: 100, writers: 2 },
    );
    const tick = () => new Promise((r) => setTimeout(r, 5));
    const first = sut.add(1);
    await tick();
    const second = sut.add(2);
    await tick();
    const later = [sut.add(3), sut.add(4)];
    await tick();
    expect(events).toEqual(['start 1', 'start 2']);
    gates.get(2)!();
    await second;
    await tick();
    expect(events).toEqual(['start 1', 'start 2', 'end 2', 'start 3,4']);
    let firstSettled = false;
    void first.then(() => (firstSettled = true));
    await tick();
    expect(firstSettled).toBe(false);
    gates.get(1)!();
    gates.get(3)!();
    await Promise.all([first, ...later]);
    expect(events.slice(4).sort()).toEqual(['end 1', 'end 3,4']);
  });

  it('should be idle only once every write has ended, those waiting for a writer included', async () => {
    const gates: Array<() => void> = [];
    const ended: number[][] = [];
    const sut = new Batcher<number>(
      async (items) => {
        await new Promise<void>((r) => gates.push(r));
        ended.push(items);
      },
      { maxItems: 1, writers: 2 },
    );
    const all = [1, 2, 3].map((i) => sut.add(i).catch(() => undefined));
    let idle = false;
    const waited = sut.idle().then(() => (idle = true));
    await new Promise((r) => setTimeout(r, 5));
    expect(gates).toHaveLength(2); // [3] waits for a writer
    gates.shift()!();
    await new Promise((r) => setTimeout(r, 5));
    expect([idle, gates.length]).toEqual([false, 2]);
    gates.splice(0).forEach((g) => g());
    await waited;
    expect(ended.sort()).toEqual([[1], [2], [3]]);
    await Promise.all(all);
  });

  it('should start batches cut while every writer was busy in the order they were cut', async () => {
    const started: number[][] = [];
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    const sut = new Batcher<number>(
      async (items) => {
        started.push(items);
        if (items.includes(1)) await gate;
      },
      { maxItems: 2, writers: 2 },
    );
    const all = [1, 2, 3, 4, 5, 6, 7].map((i) => sut.add(i));
    await new Promise((r) => setTimeout(r, 5));
    // [1, 2] holds its writer; the other writer takes the full batches as they come, then what is left.
    release();
    await Promise.all(all);
    expect(started).toEqual([[1, 2], [3, 4], [5, 6], [7]]);
  });
});
