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
    await new Promise((r) => setTimeout(r, 5));
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
});
