import { findUnstorable, storableText } from './storable-text';

describe(storableText.name, () => {
  it('should drop every NUL and keep the rest when the text holds some', () => {
    expect(storableText('Нет\u0000 света\u0000')).toBe('Нет света');
  });

  it('should return the text as it is when it has no NUL', () => {
    expect(storableText('STOP 🙂\t\n')).toBe('STOP 🙂\t\n');
  });
});

describe(findUnstorable.name, () => {
  it('should name the field when a top-level string holds a NUL', () => {
    expect(findUnstorable({ code: 'A1', name: 'Dist\u0000rict' })).toBe('name');
  });

  it('should name the path when the NUL is nested in objects and arrays', () => {
    expect(findUnstorable({ title: 'ok', scope: { areaCodes: ['A', 'B\u0000'] } })).toBe('scope.areaCodes[1]');
  });

  it('should name a key when the key itself holds a NUL', () => {
    expect(findUnstorable({ flags: { 'x\u0000': true } })).toBe('flags.x\\u0000');
  });

  it('should name the body when the body is a bare string', () => {
    expect(findUnstorable('\u0000')).toBe('body');
  });

  it('should return undefined when nothing holds a NUL', () => {
    expect(findUnstorable({ a: [1, null, true, { b: 'c' }], d: '' })).toBeUndefined();
  });
});
