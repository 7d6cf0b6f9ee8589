import { readSubscriber, withDefaults } from './subscriber-input';

const nested = (over: Record<string, unknown> = {}) => ({
  externalId: 'CRM-1',
  name: 'Анна Петрова',
  phone: '8 913 123-45-67',
  email: 'Anna@Example.RU',
  locale: 'en',
  timezone: 'Asia/Novosibirsk',
  quietHours: { start: '22:00', end: '08:30' },
  tier: 'vip',
  flags: ['sensitive', '24x7'],
  areaCode: 'RU-NSK-C',
  accessElementCode: 'OLT-17',
  channels: { sms: false, email: true },
  ...over,
});

const flat = (over: Record<string, unknown> = {}) => ({
  externalId: 'CRM-2',
  name: 'Boris',
  phone: '+79137654321',
  email: '',
  locale: 'ru',
  timezone: '',
  quietStart: '23:00',
  quietEnd: '07:00',
  tier: 'business',
  flags: 'sensitive;24x7',
  areaCode: 'RU-NSK-C',
  accessElementCode: '',
  sms: 'true',
  emailConsent: '0',
  ...over,
});

const fields = (r: { errors: Array<{ field: string }> }) => r.errors.map((e) => e.field);

describe(readSubscriber.name, () => {
  describe('nested (API body)', () => {
    it('should normalise every field when the body is valid', () => {
      const sut = readSubscriber(nested(), 'RU');
      expect(sut.errors).toEqual([]);
      expect(sut.value).toEqual({
        externalId: 'CRM-1',
        name: 'Анна Петрова',
        phone: '+79131234567',
        email: 'anna@example.ru',
        locale: 'en',
        timezone: 'Asia/Novosibirsk',
        quietStart: 22 * 60,
        quietEnd: 8 * 60 + 30,
        tier: 'vip',
        flags: ['sensitive', '24x7'],
        areaCode: 'RU-NSK-C',
        accessElementCode: 'OLT-17',
        smsConsent: false,
        emailConsent: true,
      });
    });

    it('should read a national phone number in the configured region', () => {
      expect(readSubscriber(nested({ phone: '(202) 555-0123' }), 'US').value?.phone).toBe('+12025550123');
    });

    it('should name every bad field at once when several are wrong', () => {
      const sut = readSubscriber(
        nested({ phone: '12345', email: 'anna@', timezone: 'Mars/Base', tier: 'gold', locale: 'de', flags: ['Bad Flag'] }),
        'RU',
      );
      expect(sut.value).toBeUndefined();
      expect(fields(sut)).toEqual(['phone', 'email', 'locale', 'timezone', 'tier', 'flags']);
    });

    it.each([
      [{ start: '24:00', end: '08:00' }, 'quietHours.start'],
      [{ start: '22:00', end: '7:00' }, 'quietHours.end'],
      [{ start: '22:00' }, 'quietHours.end'],
      [{ end: '08:00' }, 'quietHours.start'],
      [{ start: '22:00', end: '08:00', extra: 1 }, 'quietHours.extra'],
      ['22:00-08:00', 'quietHours'],
    ])('should name the quiet-hours field when quietHours is %j', (quietHours, field) => {
      const sut = readSubscriber(nested({ quietHours }), 'RU');
      expect(sut.value).toBeUndefined();
      expect(fields(sut)).toEqual([field]);
    });

    it('should name channels.sms when a consent is not a boolean', () => {
      expect(fields(readSubscriber(nested({ channels: { sms: 'maybe' } }), 'RU'))).toEqual(['channels.sms']);
    });

    it('should require a phone or an email when both are missing', () => {
      const sut = readSubscriber(nested({ phone: undefined, email: '' }), 'RU');
      expect(sut.errors).toEqual([{ field: 'phone', message: 'or email is required: a subscriber needs at least one channel' }]);
    });

    it('should accept a subscriber with only an email', () => {
      const sut = readSubscriber(nested({ phone: undefined }), 'RU');
      expect(sut.value).toMatchObject({ phone: undefined, email: 'anna@example.ru' });
    });

    it('should require externalId, name and areaCode when creating', () => {
      const sut = readSubscriber({ phone: '+79131234567' }, 'RU');
      expect(fields(sut)).toEqual(['externalId', 'name', 'areaCode']);
    });

    it('should reject flat column names when the body is nested', () => {
      expect(fields(readSubscriber(nested({ quietStart: '22:00' }), 'RU'))).toEqual(['quietStart']);
    });

    it('should require nothing when reading a partial update', () => {
      const sut = readSubscriber({ tier: 'business' }, 'RU', { partial: true });
      expect(sut.errors).toEqual([]);
      expect(sut.value).toMatchObject({ tier: 'business', externalId: undefined, phone: undefined });
    });
  });

  describe('flat (CSV / NDJSON line)', () => {
    it('should read quietStart / quietEnd, sms / emailConsent and a ;-separated flag list', () => {
      const sut = readSubscriber(flat(), 'RU', { flat: true });
      expect(sut.errors).toEqual([]);
      expect(sut.value).toMatchObject({
        phone: '+79137654321',
        email: undefined,
        timezone: undefined,
        quietStart: 23 * 60,
        quietEnd: 7 * 60,
        tier: 'business',
        flags: ['sensitive', '24x7'],
        accessElementCode: undefined,
        smsConsent: true,
        emailConsent: false,
      });
    });

    it.each([
      [{ quietEnd: '' }, 'quietEnd'],
      [{ quietStart: '' }, 'quietStart'],
      [{ quietStart: '7:00' }, 'quietStart'],
      [{ quietEnd: '24:00' }, 'quietEnd'],
    ])('should name the quiet-hours column when given %j', (over, field) => {
      expect(fields(readSubscriber(flat(over), 'RU', { flat: true }))).toEqual([field]);
    });

    it('should leave quiet hours unset when both columns are empty', () => {
      const sut = readSubscriber(flat({ quietStart: '', quietEnd: '' }), 'RU', { flat: true });
      expect(sut.errors).toEqual([]);
      expect([sut.value?.quietStart, sut.value?.quietEnd]).toEqual([undefined, undefined]);
    });

    it('should reject the nested field names when the line is flat', () => {
      expect(fields(readSubscriber(flat({ quietHours: { start: '22:00', end: '08:00' } }), 'RU', { flat: true }))).toEqual([
        'quietHours',
      ]);
    });

    it('should name sms when the consent column is not a boolean', () => {
      expect(fields(readSubscriber(flat({ sms: 'yes' }), 'RU', { flat: true }))).toEqual(['sms']);
    });

    it('should require a phone or an email when both columns are empty', () => {
      expect(fields(readSubscriber(flat({ phone: '', email: '' }), 'RU', { flat: true }))).toEqual(['phone']);
    });
  });
});

describe(withDefaults.name, () => {
  it('should fill locale, tier, flags, consents and nulls when they are not given', () => {
    const sut = withDefaults({ externalId: 'X', name: 'N', phone: '+79131234567', areaCode: 'A' });
    expect(sut).toEqual({
      externalId: 'X',
      name: 'N',
      phone: '+79131234567',
      email: null,
      locale: 'ru',
      timezone: null,
      quietStart: null,
      quietEnd: null,
      tier: 'residential',
      flags: [],
      areaCode: 'A',
      accessElementCode: null,
      smsConsent: true,
      emailConsent: true,
    });
  });
});
