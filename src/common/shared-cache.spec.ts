import { SharedCache } from './shared-cache';

function deferred<T>() {
  let resolve!: (v: T) => void;
  let reject!: (e: Error) => void;
  const promise = new Promise<T>((res, rej) => ((resolve = res), (reject = rej)));
  return { promise, resolve, reject };
}

describe(SharedCache.name, () => {
  let now: number;
  let sut: SharedCache<number, string>;
  beforeEach(() => {
    now = 1_000_000;
    sut = new SharedCache<number, string>(5000, () => now);
  });

  it('should run one load for callers that ask while it is in flight', async () => {
    const pending = deferred<string>();
    const load = jest.fn(() => pending.promise);
    const answers = [sut.get(1, load), sut.get(1, load), sut.get(1, load)];
    pending.resolve('counted');
    expect(await Promise.all(answers)).toEqual(['counted', 'counted', 'counted']);
    expect(load).toHaveBeenCalledTimes(1);
  });

  it('should keep a value for the ttl after its load finished, then load again', async () => {
    const load = jest.fn(async () => `at ${now}`);
    const slow = deferred<string>();
    const first = sut.get(1, () => slow.promise);
    now += 4000; // the load took 4 s: the ttl starts when it is done
    slow.resolve('first');
    await first;
    now += 4999;
    expect(await sut.get(1, load)).toBe('first');
    expect(load).not.toHaveBeenCalled();
    now += 1;
    expect(await sut.get(1, load)).toBe(`at ${now}`);
    expect(load).toHaveBeenCalledTimes(1);
  });

  it('should load afresh after a key is forgotten', async () => {
    expect(await sut.get(1, async () => 'before')).toBe('before');
    sut.forget(1);
    expect(await sut.get(1, async () => 'after')).toBe('after');
  });

  it('should keep keys apart', async () => {
    expect(await sut.get(1, async () => 'one')).toBe('one');
    expect(await sut.get(2, async () => 'two')).toBe('two');
    expect(await sut.get(1, async () => 'not loaded')).toBe('one');
  });

  it('should share a failure with the callers waiting for it, and not keep it', async () => {
    const pending = deferred<string>();
    const answers = [sut.get(1, () => pending.promise), sut.get(1, () => pending.promise)];
    pending.reject(new Error('database gone'));
    for (const answer of answers) await expect(answer).rejects.toThrow('database gone');
    expect(await sut.get(1, async () => 'recovered')).toBe('recovered');
  });

  it('should turn a load that throws at once into a rejection when it is called', async () => {
    await expect(sut.get(1, () => { throw new Error('bad input'); })).rejects.toThrow('bad input');
    expect(sut.size).toBe(0);
  });

  it('should drop expired entries when it grows past its sweep size', async () => {
    for (let key = 0; key < 10_000; key++) await sut.get(key, async () => 'v');
    now += 5000;
    await sut.get(-1, async () => 'fresh');
    expect(sut.size).toBe(1);
  });
});
