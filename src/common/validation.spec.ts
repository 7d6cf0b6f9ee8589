import { FieldReader, formatHhMm, isCode, isEmail, isIanaZone, parseHhMm, parseQuietWindow, toE164 } from './validation';

describe(toE164.name, () => {
  it.each([
    ['8 913 123-45-67', '+79131234567'],
    ['89131234567', '+79131234567'],
    ['9131234567', '+79131234567'],
    ['+7 (913) 123-45-67', '+79131234567'],
    ['+1 202 555 0123', '+12025550123'],
    ['+44 20 7183 8750', '+442071838750'],
  ])('should return E.164 when given %s in region RU', (raw, expected) => {
    expect(toE164(raw, 'RU')).toBe(expected);
  });

  it('should read a national number in the given region when it has no "+"', () => {
    expect(toE164('(202) 555-0123', 'US')).toBe('+12025550123');
    expect(toE164('020 7183 8750', 'GB')).toBe('+442071838750');
  });

  it.each(['12345', 'abc', '', '+7913123456', '+7 000 000 00 00', '8 913 123-45-67-89-00'])(
    'should return undefined when the number %p is not a valid phone number',
    (raw) => {
      expect(toE164(raw, 'RU')).toBeUndefined();
    },
  );
});

describe(isIanaZone.name, () => {
  it.each(['Europe/Moscow', 'Asia/Vladivostok', 'Europe/Kaliningrad', 'America/New_York', 'UTC', 'Etc/GMT+3'])(
    'should accept %s when it is an IANA zone name',
    (zone) => {
      expect(isIanaZone(zone)).toBe(true);
    },
  );

  // EST5EDT is a real tzdb entry (a legacy rule-based zone, since 2024b a link to
  // America/New_York), so it is accepted; offsets and invented names are not zones.
  it('should accept EST5EDT when it is a legacy tzdb zone', () => {
    expect(isIanaZone('EST5EDT')).toBe(true);
  });

  it.each(['Mars/Base', '+03:00', 'UTC+3', 'GMT+03:00', 'Moscow', '', ' Europe/Moscow', 'Europe/Moscow '])(
    'should reject %p when it is not an IANA zone name',
    (zone) => {
      expect(isIanaZone(zone)).toBe(false);
    },
  );

  it('should give the same answer when asked twice (cached)', () => {
    expect([isIanaZone('Mars/Base'), isIanaZone('Mars/Base')]).toEqual([false, false]);
    expect([isIanaZone('Asia/Tokyo'), isIanaZone('Asia/Tokyo')]).toEqual([true, true]);
  });
});

describe(parseHhMm.name, () => {
  it.each([
    ['00:00', 0],
    ['07:05', 425],
    ['21:00', 1260],
    ['23:59', 1439],
  ])('should return minutes after midnight when given %s', (text, minutes) => {
    expect(parseHhMm(text)).toBe(minutes);
  });

  it.each(['24:00', '7:00', '07:60', '0700', '07:00:00', ' 07:00', '07:00 ', '', 'ab:cd', '-1:00'])(
    'should return undefined when %p is not HH:MM',
    (text) => {
      expect(parseHhMm(text)).toBeUndefined();
    },
  );
});

describe(formatHhMm.name, () => {
  it.each([
    [0, '00:00'],
    [425, '07:05'],
    [1439, '23:59'],
  ])('should format %d minutes as %s', (minutes, text) => {
    expect(formatHhMm(minutes)).toBe(text);
  });

  it('should round-trip every minute of the day when parsed back', () => {
    for (let m = 0; m < 24 * 60; m++) expect(parseHhMm(formatHhMm(m))).toBe(m);
  });
});

describe(parseQuietWindow.name, () => {
  it('should return both ends when both are HH:MM, including a window that wraps midnight', () => {
    expect(parseQuietWindow('21:00', '09:00')).toEqual({ start: 1260, end: 540 });
  });

  it('should return undefined when either end is malformed', () => {
    expect(parseQuietWindow('21:00', '9:00')).toBeUndefined();
    expect(parseQuietWindow('24:00', '09:00')).toBeUndefined();
  });
});

describe(isEmail.name, () => {
  it.each(['anna@example.ru', 'a.b+tag@mail.example.co.uk', 'A@B.RU', 'x_y-z@sub-domain.example.com'])(
    'should accept %s when it is a plausible address',
    (email) => {
      expect(isEmail(email)).toBe(true);
    },
  );

  it.each(['a@b', 'a b@c.ru', 'a@@b.ru', 'a@b..ru', 'a@-b.ru', '@b.ru', 'a@', '"x"@b.ru', 'a@b.ru,c@d.ru', ''])(
    'should reject %p when it is not a plausible address',
    (email) => {
      expect(isEmail(email)).toBe(false);
    },
  );

  it('should reject an address longer than 254 characters', () => {
    expect(isEmail(`${'a'.repeat(250)}@b.ru`)).toBe(false);
  });
});

describe(isCode.name, () => {
  it('should accept inventory identifiers and refuse spaces and empty strings', () => {
    expect(isCode('RU-NSK/OLT:17.a_b')).toBe(true);
    expect(isCode('has space')).toBe(false);
    expect(isCode('')).toBe(false);
    expect(isCode('x'.repeat(65))).toBe(false);
  });
});

describe(FieldReader.name, () => {
  const reader = (input: Record<string, unknown>) => new FieldReader(input);

  describe('string', () => {
    it('should trim and return the value when it is a string', () => {
      const sut = reader({ name: '  Anna  ' });
      expect(sut.string('name')).toBe('Anna');
      expect(sut.errors).toEqual([]);
    });

    it('should record "is required" when a required field is missing, null, empty or blank', () => {
      const sut = reader({ b: null, c: '', d: '   ' });
      for (const f of ['a', 'b', 'c', 'd']) expect(sut.string(f, { required: true })).toBeUndefined();
      expect(sut.errors).toEqual(['a', 'b', 'c', 'd'].map((field) => ({ field, message: 'is required' })));
    });

    it('should return undefined without an error when an optional field is missing', () => {
      const sut = reader({});
      expect(sut.string('name')).toBeUndefined();
      expect(sut.errors).toEqual([]);
    });

    it('should record an error when the value is not a string or too long', () => {
      const sut = reader({ n: 42, long: 'xxxx' });
      sut.string('n');
      sut.string('long', { max: 3 });
      expect(sut.errors).toEqual([
        { field: 'n', message: 'must be a string' },
        { field: 'long', message: 'must be at most 3 characters' },
      ]);
    });
  });

  describe('phone', () => {
    it('should return E.164 when a national number is read in the region', () => {
      const sut = reader({ phone: '8 913 123-45-67' });
      expect(sut.phone('phone', 'RU')).toBe('+79131234567');
      expect(sut.errors).toEqual([]);
    });

    it('should name the field when the number is not valid', () => {
      const sut = reader({ phone: '12345' });
      expect(sut.phone('phone', 'RU')).toBeUndefined();
      expect(sut.errors).toEqual([{ field: 'phone', message: 'is not a valid phone number' }]);
    });
  });

  describe('email', () => {
    it('should lower-case a valid address', () => {
      const sut = reader({ email: 'Anna@Example.RU' });
      expect(sut.email('email')).toBe('anna@example.ru');
    });

    it('should name the field when the address is not valid', () => {
      const sut = reader({ email: 'anna@' });
      expect(sut.email('email')).toBeUndefined();
      expect(sut.errors).toEqual([{ field: 'email', message: 'is not a valid email address' }]);
    });
  });

  describe('timezone', () => {
    it('should return a known zone and quote an unknown one in the error', () => {
      const sut = reader({ ok: 'Asia/Novosibirsk', bad: 'Mars/Base' });
      expect(sut.timezone('ok')).toBe('Asia/Novosibirsk');
      expect(sut.timezone('bad')).toBeUndefined();
      expect(sut.errors).toEqual([{ field: 'bad', message: '"Mars/Base" is not a known IANA time zone' }]);
    });
  });

  describe('hhmm', () => {
    it('should return minutes when valid and name the field when not', () => {
      const sut = reader({ start: '22:30', end: '7:00' });
      expect(sut.hhmm('start')).toBe(1350);
      expect(sut.hhmm('end')).toBeUndefined();
      expect(sut.errors).toEqual([{ field: 'end', message: 'must be a time as HH:MM (00:00-23:59)' }]);
    });
  });

  describe('oneOf', () => {
    it('should list the allowed values when the value is not one of them', () => {
      const sut = reader({ tier: 'gold', ok: 'vip' });
      expect(sut.oneOf('ok', ['residential', 'business', 'vip'])).toBe('vip');
      expect(sut.oneOf('tier', ['residential', 'business', 'vip'])).toBeUndefined();
      expect(sut.errors).toEqual([{ field: 'tier', message: 'must be one of residential, business, vip' }]);
    });
  });

  describe('boolean', () => {
    it.each([
      [true, true],
      [false, false],
      ['true', true],
      ['1', true],
      ['false', false],
      ['0', false],
    ])('should read %p as %p', (raw, expected) => {
      const sut = reader({ b: raw });
      expect(sut.boolean('b')).toBe(expected);
      expect(sut.errors).toEqual([]);
    });

    it('should name the field when the value is not a boolean', () => {
      const sut = reader({ b: 'yes' });
      expect(sut.boolean('b')).toBeUndefined();
      expect(sut.errors).toEqual([{ field: 'b', message: 'must be true or false' }]);
    });
  });

  describe('stringList', () => {
    const isLower = (s: string) => /^[a-z]+$/.test(s);

    it('should accept an array or a ;|-separated string and drop duplicates', () => {
      const sut = reader({ a: ['x', 'y', 'x'], b: 'x; y|z' });
      expect(sut.stringList('a', isLower, 'words')).toEqual(['x', 'y']);
      expect(sut.stringList('b', isLower, 'words')).toEqual(['x', 'y', 'z']);
      expect(sut.errors).toEqual([]);
    });

    it('should name the field when an item is invalid or the value is not a list', () => {
      const sut = reader({ a: ['x', 'Y'], b: 5, c: ['x', 3] });
      sut.stringList('a', isLower, 'words');
      sut.stringList('b', isLower, 'words');
      sut.stringList('c', isLower, 'words');
      expect(sut.errors.map((e) => e.field)).toEqual(['a', 'b', 'c']);
      expect(sut.errors[0].message).toBe('must be a list of words');
    });
  });

  describe('object', () => {
    it('should prefix nested field names with the parent and share one error list', () => {
      const sut = reader({ quietHours: { start: '25:00' } });
      const nested = sut.object('quietHours')!;
      nested.hhmm('start');
      nested.string('end', { required: true });
      expect(sut.errors.map((e) => e.field)).toEqual(['quietHours.start', 'quietHours.end']);
    });

    it('should name the field when the value is not an object', () => {
      const sut = reader({ a: '22:00-08:00', b: [1] });
      expect(sut.object('a')).toBeUndefined();
      expect(sut.object('b')).toBeUndefined();
      expect(sut.errors).toEqual([
        { field: 'a', message: 'must be an object' },
        { field: 'b', message: 'must be an object' },
      ]);
    });
  });

  describe('onlyKnown', () => {
    it('should name every field the schema does not know', () => {
      const sut = reader({ name: 'x', nmae: 'y', extra: 1 });
      sut.onlyKnown(['name']);
      expect(sut.errors).toEqual([
        { field: 'nmae', message: 'is not a known field' },
        { field: 'extra', message: 'is not a known field' },
      ]);
    });
  });

  describe('code', () => {
    it('should name the field when a code has spaces', () => {
      const sut = reader({ code: 'A B' });
      expect(sut.code('code', true)).toBeUndefined();
      expect(sut.errors[0].field).toBe('code');
    });
  });
});
