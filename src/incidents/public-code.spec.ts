import { CODE_ALPHABET, newPublicCode, normalisePublicCode } from './public-code';

describe(newPublicCode.name, () => {
  it('should never use characters that are confused when read aloud', () => {
    for (const c of '01OIL') expect(CODE_ALPHABET).not.toContain(c);
  });

  it('should draw codes of the form XXXX-XXXX with no two alike in a large sample', () => {
    const codes = Array.from({ length: 20_000 }, () => newPublicCode());
    for (const code of codes.slice(0, 100)) expect(code).toMatch(/^[2-9A-HJKMNP-Z]{4}-[2-9A-HJKMNP-Z]{4}$/);
    expect(new Set(codes).size).toBe(codes.length);
  });

  it('should not be sequential: consecutive codes share no more characters than chance', () => {
    const codes = Array.from({ length: 2000 }, () => newPublicCode().replace('-', ''));
    let same = 0;
    for (let i = 1; i < codes.length; i++) for (let k = 0; k < 8; k++) if (codes[i][k] === codes[i - 1][k]) same++;
    const perPosition = same / ((codes.length - 1) * 8);
    expect(perPosition).toBeLessThan(3 / CODE_ALPHABET.length); // chance is 1/31
  });
});

describe(normalisePublicCode.name, () => {
  it.each([
    ['abcd-efgh', 'ABCD-EFGH'],
    ['ABCDEFGH', 'ABCD-EFGH'],
    [' abcd efgh ', 'ABCD-EFGH'],
  ])('should read %p as %p', (input, expected) => expect(normalisePublicCode(input)).toBe(expected));

  it.each(['ABCD-EFG', 'ABCD-EFG0', 'ABCD-EFGI', '../etc/passwd'])('should refuse %p', (input) => {
    expect(normalisePublicCode(input)).toBeUndefined();
  });
});
