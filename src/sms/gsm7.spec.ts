import { decodeGsm7, decodeUcs2, encodeGsm7, encodeUcs2, gsmLength, gsmSeptets, isGsm7 } from './gsm7';

describe(isGsm7.name, () => {
  it.each([
    ['Hello, world! 0123456789', true],
    ['@£$¥èéùìòÇØøÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ¤¡ÄÖÑÜ§¿äöñüà\n\r', true],
    ['extension: ^{}\\[~]|€\f', true],
    ['Привет', false],
    ['`backtick`', false],
    ['smile 😀', false],
    ['escape itself \x1b', false],
    ['', true],
  ])('should say %j is GSM 7-bit: %s', (text, expected) => {
    expect(isGsm7(text)).toBe(expected);
  });
});

describe(gsmLength.name, () => {
  it('should count extension characters twice when measuring septets', () => {
    expect(gsmLength('a€b[')).toBe(6);
    expect(gsmSeptets('€')).toBe(2);
    expect(gsmSeptets('a')).toBe(1);
    expect(gsmSeptets('Я')).toBe(0);
  });
});

describe(encodeGsm7.name, () => {
  it('should write unpacked septets with escape pairs when given basic and extension characters', () => {
    expect([...encodeGsm7('@A€_{')]).toEqual([0x00, 0x41, 0x1b, 0x65, 0x11, 0x1b, 0x28]);
  });

  it('should map the characters that differ from ASCII to their GSM positions', () => {
    expect([...encodeGsm7('$@_¤¡§¿\\')]).toEqual([0x02, 0x00, 0x11, 0x24, 0x40, 0x5f, 0x60, 0x1b, 0x2f]);
  });

  it('should throw naming the code point when given a character outside GSM 03.38', () => {
    expect(() => encodeGsm7('ок')).toThrow(/U\+043E/);
  });

  it('should round-trip every encodable character when decoded', () => {
    const all = '@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !"#¤%&\'()*+,-./0123456789:;<=>?¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà\f^{}\\[~]|€';
    expect(decodeGsm7(encodeGsm7(all))).toBe(all);
  });
});

describe(encodeUcs2.name, () => {
  it('should write UTF-16 big-endian with surrogate pairs as two units when given Cyrillic and emoji', () => {
    expect(encodeUcs2('Я😀').toString('hex')).toBe('042fd83dde00');
    expect(decodeUcs2(encodeUcs2('Отключение 😀'))).toBe('Отключение 😀');
  });
});
