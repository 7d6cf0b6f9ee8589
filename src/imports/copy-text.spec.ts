import { copyRow } from './copy-text';

describe(copyRow.name, () => {
  it('should escape backslashes, tabs and line breaks and write null as \\N', () => {
    expect(copyRow(['a\\b', 'tab\there', 'two\nlines\r', null, undefined])).toBe('a\\\\b\ttab\\there\ttwo\\nlines\\r\t\\N\t\\N\n');
  });

  it('should write booleans, numbers and arrays in the text format', () => {
    expect(copyRow([true, false, 1320, ['sensitive', '24x7']])).toBe('t\tf\t1320\t{"sensitive","24x7"}\n');
  });

  it('should quote array elements so quotes, commas and backslashes survive', () => {
    expect(copyRow([['a"b', 'c,d', 'e\\f']])).toBe('{"a\\\\"b","c,d","e\\\\\\\\f"}\n');
  });
});
