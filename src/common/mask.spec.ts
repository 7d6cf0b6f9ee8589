import { maskEmail, maskPhone, maskText, maskValue } from './mask';

const PHONE_DIGITS = /\d{3}\D?\d{2}\D?\d{2}(?!\*)/; // what a leaked subscriber number looks like (1234567 …)

describe(maskPhone.name, () => {
  it('should keep the first two and last two digits and the "+" when given E.164', () => {
    expect(maskPhone('+79131234567')).toBe('+79*******67');
  });

  it('should leave a string alone when it has fewer than seven digits', () => {
    expect(maskPhone('12-34')).toBe('12-34');
  });
});

describe(maskEmail.name, () => {
  it('should keep the first character and the domain when given an address', () => {
    expect(maskEmail('anna.petrova@example.ru')).toBe('a***@example.ru');
  });

  it.each([
    ['иван@example.com', 'и***@example.com'],
    ['jöhn@example.com', 'j***@example.com'],
    ['jöhn.dœ@exämple.de', 'j***@exämple.de'],
    ['иван.петров@пример.рф', 'и***@пример.рф'],
    ['ivan@xn--e1afmkfd.xn--p1ai', 'i***@xn--e1afmkfd.xn--p1ai'],
    ['王小明@例子.中国', '王***@例子.中国'],
    ['ΑΝΝΑ@ΠΑΡΆΔΕΙΓΜΑ.ΕΛ', 'Α***@ΠΑΡΆΔΕΙΓΜΑ.ΕΛ'],
  ])('should mask the address when it is written in another script: %s', (email, masked) => {
    expect(maskEmail(`to ${email}, then`)).toBe(`to ${masked}, then`);
  });

  it('should mask every address in a sentence', () => {
    expect(maskEmail('from anna@example.ru to boris.k@mail.example.com')).toBe('from a***@example.ru to b***@mail.example.com');
  });
});

describe(maskText.name, () => {
  it.each([
    ['+79131234567', '+79*******67'],
    ['+7 913 123-45-67', '+79*******67'],
    ['+7 (913) 123-45-67', '+79*******67'],
    ['8 913 123 45 67', '89*******67'],
    ['89131234567', '89*******67'],
    ['+1 202-555-0123', '+12*******23'],
    ['+44 20 7183 8750', '+44********50'],
  ])('should mask the phone when it is written as %s', (phone, masked) => {
    expect(maskText(`call ${phone} now`)).toBe(`call ${masked} now`);
  });

  it('should mask the phone when its digits are of another script', () => {
    expect(maskText('call +٧٩١٣١٢٣٤٥٦٧ or +７９１３１２３４５６７')).toBe('call +٧٩*******٦٧ or +７９*******６７');
  });

  it('should leave no part of the local name when it is Cyrillic or accented', () => {
    const out = maskText('reply from иван.петров@example.com and jöhn@example.com');
    expect(out).not.toMatch(/ван|петров|öhn/);
    expect(out).toBe('reply from и***@example.com and j***@example.com');
  });

  it('should mask a phone glued to a label', () => {
    expect(maskText('tel:+79131234567;phone=89131234567')).toBe('tel:+79*******67;phone=89*******67');
  });

  it('should mask every phone when there are several', () => {
    expect(maskText('+7 913 123 45 67, +7 913 765 43 21')).toBe('+79*******67, +79*******21');
  });

  it('should mask the email and the phone when both are in one line', () => {
    const out = maskText('subscriber anna@example.ru +79131234567 failed');
    expect(out).toBe('subscriber a***@example.ru +79*******67 failed');
  });

  it('should not mangle ISO timestamps and dates when there is no phone in them', () => {
    for (const text of ['2025-11-23T12:48:00.000Z', 'etr 2025-11-23T18:00:00+07:00', 'on 2025-11-23 12:48', '2025-11-23']) {
      expect(maskText(text)).toBe(text);
    }
  });

  it('should still mask a phone when it follows a date', () => {
    expect(maskText('2025-11-23 8 913 123 45 67')).toBe('2025-11-23 89*******67');
  });

  it('should leave short numbers such as ids and counts alone', () => {
    expect(maskText('incident 1234567 affected 52000 in 830 ms')).toBe('incident 1234567 affected 52000 in 830 ms');
  });
});

describe(maskValue.name, () => {
  it('should mask strings in nested objects and arrays and keep other values', () => {
    const sut = maskValue({
      subscriber: { id: 7, phone: '+79131234567', contacts: ['anna@example.ru', { backup: '8 913 765 43 21' }] },
      ok: true,
      n: null,
    });
    expect(sut).toEqual({
      subscriber: { id: 7, phone: '+79*******67', contacts: ['a***@example.ru', { backup: '89*******21' }] },
      ok: true,
      n: null,
    });
  });

  it('should not leak a phone when it is nested deeper than the depth limit', () => {
    const deep = { a: { b: { c: { d: { e: { f: { phone: '+79131234567', email: 'anna@example.ru' } } } } } } };
    const out = JSON.stringify(maskValue(deep));
    expect(out).not.toContain('+79131234567');
    expect(out).not.toContain('anna@example.ru');
    expect(out).toContain('+79*******67');
  });

  it('should mask the message and stack when given an error', () => {
    const err = new Error('SMSC rejected +79131234567 for anna@example.ru');
    const sut = maskValue(err) as { name: string; message: string; stack: string };
    expect(sut.name).toBe('Error');
    expect(sut.message).toBe('SMSC rejected +79*******67 for a***@example.ru');
    expect(sut.stack).not.toMatch(PHONE_DIGITS);
    expect(sut.stack).not.toContain('anna@');
  });

  it('should mask an error when it is nested in an object', () => {
    const sut = maskValue({ err: new Error('no route to 89131234567') }) as { err: { message: string } };
    expect(sut.err.message).toBe('no route to 89*******67');
  });

  it('should write dates as ISO text and bigints as decimal text', () => {
    expect(maskValue({ at: new Date('2025-11-23T12:48:00Z'), big: 12n })).toEqual({ at: '2025-11-23T12:48:00.000Z', big: '12' });
  });
});
