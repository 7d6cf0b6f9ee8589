import { SharedCache } from './shared-cache';

function deferred<T>() {
  let resolve!: (v: T) => void;
  let reject!: (e: Error) => void;
  const promise = new Promise<T>((res, rej) => ((resolve = res), (reject = rej)));
  return { promise, resolve, reject };
}

/** After every promise settled so far has run its handlers. */
const settled = () => new Promise((resolve) => setImmediate(resolve));

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
    now += 2000; // the load took 2 s: the ttl starts when it is done
    slow.resolve('first');
    await first;
    now += 4999;
    expect(await sut.get(1, load)).toBe('first');
    expect(load).not.toHaveBeenCalled();
    now += 1;
    expect(await sut.get(1, load)).toBe(`at ${now}`);
    expect(load).toHaveBeenCalledTimes(1);
  });

  it('should keep a value twice as long as its load took when that is longer than the ttl', async () => {
    const slow = deferred<string>();
    const first = sut.get(1, () => slow.promise);
    now += 4000;
    slow.resolve('first');
    await first;
    now += 7999;
    expect(await sut.get(1, async () => 'again')).toBe('first');
    now += 1;
    expect(await sut.get(1, async () => 'again')).toBe('again');
  });

  it('should keep a value restPerLoad times as long as its load took, when given', async () => {
    sut = new SharedCache<number, string>(5000, () => now, 0, 9);
    const slow = deferred<string>();
    const first = sut.get(1, () => slow.promise);
    now += 4000;
    slow.resolve('first');
    await first;
    now += 35_999; // loading a tenth of the time at most: 4 s, then 36 s of rest
    expect(await sut.get(1, async () => 'again')).toBe('first');
    now += 1;
    expect(await sut.get(1, async () => 'again')).toBe('again');
  });

  describe('with staleMs', () => {
    beforeEach(() => {
      sut = new SharedCache<number, string>(5000, () => now, 60_000);
    });

    it('should answer a value past its ttl at once and replace it with one load in the background', async () => {
      expect(await sut.get(1, async () => 'old')).toBe('old');
      now += 5000;
      const pending = deferred<string>();
      const load = jest.fn(() => pending.promise);
      expect(await Promise.all([sut.get(1, load), sut.get(1, load)])).toEqual(['old', 'old']);
      expect(load).toHaveBeenCalledTimes(1);
      pending.resolve('new');
      await settled();
      expect(await sut.get(1, load)).toBe('new');
      expect(load).toHaveBeenCalledTimes(1);
    });

    it('should wait for a load when the value is older than staleMs past its ttl', async () => {
      expect(await sut.get(1, async () => 'old')).toBe('old');
      now += 5000 + 60_000;
      expect(await sut.get(1, async () => 'new')).toBe('new');
    });

    it('should keep answering the stale value after a background load fails, and try again', async () => {
      expect(await sut.get(1, async () => 'old')).toBe('old');
      now += 5000;
      const failing = deferred<string>();
      expect(await sut.get(1, () => failing.promise)).toBe('old');
      failing.reject(new Error('database gone'));
      await settled();
      expect(await sut.get(1, async () => 'new')).toBe('old'); // answered while the second try runs
      await settled();
      expect(await sut.get(1, async () => 'not loaded')).toBe('new');
    });

    it('should not put back a value loaded before the key was forgotten', async () => {
      expect(await sut.get(1, async () => 'old')).toBe('old');
      now += 5000;
      const pending = deferred<string>();
      expect(await sut.get(1, () => pending.promise)).toBe('old');
      sut.forget(1);
      expect(await sut.get(1, async () => 'after the change')).toBe('after the change');
      pending.resolve('before the change');
      await settled();
      expect(await sut.get(1, async () => 'not loaded')).toBe('after the change');
    });
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
