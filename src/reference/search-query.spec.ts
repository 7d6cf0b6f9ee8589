import { likeEscape, pageOf, phonePrefix } from './search-query';

describe(phonePrefix.name, () => {
  it('should read a typed phone fragment as the start of an E.164 number when it is one', () => {
    expect(phonePrefix('+7 913 000-00')).toBe('+791300000');
    expect(phonePrefix('7913')).toBe('+7913');
    expect(phonePrefix('(913)')).toBe('+913');
  });

  it('should give undefined when the text is a name, an id or too short', () => {
    expect(phonePrefix('Анна')).toBeUndefined();
    expect(phonePrefix('S-1001')).toBeUndefined();
    expect(phonePrefix('79')).toBeUndefined();
  });
});

describe(likeEscape.name, () => {
  it('should make LIKE wildcards match themselves', () => {
    expect(likeEscape('50%_a\\b')).toBe('50\\%\\_a\\\\b');
  });
});

describe(pageOf.name, () => {
  it('should give a cursor only when the extra row says there is a next page', () => {
    const rows = [{ code: 'A' }, { code: 'B' }, { code: 'C' }];
    expect(pageOf(rows, 2)).toEqual({ items: [{ code: 'A' }, { code: 'B' }], nextCursor: 'B' });
    expect(pageOf(rows, 3)).toEqual({ items: rows, nextCursor: null });
  });
});
