import { nestedDeeperThan } from './json-depth';

describe(nestedDeeperThan.name, () => {
  const nest = (depth: number): unknown => (depth === 0 ? 1 : { a: [nest(depth - 1)] });

  it('should find a value deeper than the limit, arrays and objects alike', () => {
    expect(nestedDeeperThan(nest(16), 32)).toBe(false); // 32 levels: 16 objects, 16 arrays
    expect(nestedDeeperThan(nest(17), 32)).toBe(true);
    expect(nestedDeeperThan(JSON.parse('['.repeat(100_000) + ']'.repeat(100_000)), 32)).toBe(true);
  });

  it('should take scalars and flat values as not deep', () => {
    for (const v of [null, 1, 'x', [], {}, [1, 2, 3], { a: 1, b: 'c' }]) expect(nestedDeeperThan(v, 1)).toBe(false);
  });
});
