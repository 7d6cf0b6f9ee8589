import { parse } from 'postgres-array';
import { arrayLiteral } from './sql';

// pg's own conversion of a JS array parameter (not in its type declarations).
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { prepareValue } = require('pg/lib/utils') as { prepareValue: (value: unknown) => string };

describe(arrayLiteral.name, () => {
  // postgres-array is pg's own reader of array literals: it reads back what PostgreSQL would.
  const readBack = (literal: string) => parse(literal, (s) => s);

  it('should read back as the strings given when they hold quotes, backslashes, commas, braces, blanks and newlines', () => {
    const values = ['plain', 'a "quoted" word', 'back\\slash', '\\"', 'a,b', '{x}', '', ' ', 'NULL', 'line\nnext', 'Привет 👋'];
    expect(readBack(arrayLiteral(values))).toEqual(values);
  });

  it('should write null and undefined as NULL, and numbers and booleans as PostgreSQL reads them', () => {
    expect(arrayLiteral([1, -2.5, null, undefined, true, false, '7'])).toBe('{1,-2.5,NULL,NULL,t,f,"7"}');
    expect(readBack(arrayLiteral(['x', null]))).toEqual(['x', null]);
  });

  it('should give the same values as pg builds for the same array', () => {
    const values = ['12:1:notice', '+79131234567', null, 'say "hi"\\', '42'];
    expect(readBack(arrayLiteral(values))).toEqual(readBack(prepareValue(values)));
  });

  it('should write an empty array as {}', () => {
    expect(arrayLiteral([])).toBe('{}');
  });
});
