import { isPoisonError } from './inbound.service';

describe(isPoisonError.name, () => {
  it.each([
    ['22021', 'a character the encoding cannot hold'],
    ['22P05', 'an untranslatable character'],
    ['22000', 'a data exception'],
    ['23502', 'a NOT NULL violation'],
    ['54000', 'a value over a program limit'],
  ])('should call %s (%s) poison', (code) => {
    expect(isPoisonError(Object.assign(new Error('x'), { code, severity: 'ERROR' }))).toBe(true);
  });

  it.each([
    ['08006', 'a lost connection'],
    ['40001', 'a serialization failure'],
    ['40P01', 'a deadlock'],
    ['53300', 'too many connections'],
    ['57P01', 'an administrator shutdown'],
    ['57014', 'a cancelled statement (timeout)'],
    ['XX000', 'an internal error'],
  ])('should not call %s (%s) poison: the next offer may succeed', (code) => {
    expect(isPoisonError(Object.assign(new Error('x'), { code, severity: 'ERROR' }))).toBe(false);
  });

  it('should not call an error poison when it has no SQLSTATE', () => {
    expect(isPoisonError(new Error('Connection terminated unexpectedly'))).toBe(false);
    expect(isPoisonError(Object.assign(new Error('connect'), { code: 'ECONNREFUSED' }))).toBe(false);
    expect(isPoisonError(Object.assign(new Error('write'), { code: 'EPIPE' }))).toBe(false);
    expect(isPoisonError(undefined)).toBe(false);
  });
});
