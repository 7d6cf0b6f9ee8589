import { durationPhrase, etrPhrase, ordinal } from './phrases';

describe(etrPhrase.name, () => {
  const now = new Date('2026-11-24T07:10:00Z'); // 10:10 in Moscow

  it.each([
    ['2026-11-24T15:00:00Z', 'сегодня до 18:00', 'today by 18:00'],
    ['2026-11-25T06:30:00Z', 'завтра до 09:30', 'tomorrow by 09:30'],
    ['2026-11-27T15:00:00Z', 'до 27 ноября, 18:00', 'by 27 Nov, 18:00'],
    ['2026-11-23T15:00:00Z', 'до 23 ноября, 18:00', 'by 23 Nov, 18:00'],
    ['2027-08-01T09:00:00Z', 'до 1 августа 2027, 12:00', 'by 1 Aug 2027, 12:00'],
  ])('should word an ETR of %s as "%s" / "%s" in Moscow', (etr, ru, en) => {
    expect(etrPhrase(new Date(etr), now, 'Europe/Moscow', 'ru')).toBe(ru);
    expect(etrPhrase(new Date(etr), now, 'Europe/Moscow', 'en')).toBe(en);
  });

  it('should say the ETR is not known yet when there is none', () => {
    expect(etrPhrase(null, now, 'Europe/Moscow', 'ru')).toBe('уточняется');
    expect(etrPhrase(null, now, 'Europe/Moscow', 'en')).toBe('not known yet');
  });

  it('should call the same instant tomorrow in Vladivostok when it is still today in Moscow', () => {
    const late = new Date('2026-11-24T13:30:00Z'); // 23:30 in Vladivostok, 16:30 in Moscow
    const etr = new Date('2026-11-24T14:30:00Z');
    expect(etrPhrase(etr, late, 'Asia/Vladivostok', 'en')).toBe('tomorrow by 00:30');
    expect(etrPhrase(etr, late, 'Europe/Moscow', 'en')).toBe('today by 17:30');
  });

  it('should count the local day, not 24 hours, when now is just after midnight', () => {
    const justAfterMidnight = new Date('2026-11-23T21:05:00Z'); // 00:05 on 24 Nov in Moscow
    expect(etrPhrase(new Date('2026-11-24T20:50:00Z'), justAfterMidnight, 'Europe/Moscow', 'ru')).toBe('сегодня до 23:50');
    expect(etrPhrase(new Date('2026-11-24T21:00:00Z'), justAfterMidnight, 'Europe/Moscow', 'ru')).toBe('завтра до 00:00');
  });

  it('should show local time across a DST change and in zones with odd offsets', () => {
    // New York springs forward on 8 March 2026: noon the next day is 16:00Z, not 17:00Z.
    expect(etrPhrase(new Date('2026-03-08T16:00:00Z'), new Date('2026-03-07T17:00:00Z'), 'America/New_York', 'en')).toBe('tomorrow by 12:00');
    expect(etrPhrase(new Date('2026-11-24T12:20:00Z'), new Date('2026-11-24T00:00:00Z'), 'Asia/Kathmandu', 'en')).toBe('today by 18:05');
    expect(etrPhrase(new Date('2026-11-24T12:20:00Z'), new Date('2026-11-24T00:00:00Z'), 'Pacific/Chatham', 'ru')).toBe('завтра до 02:05');
  });

  it('should refuse an unknown time zone rather than print a wrong time', () => {
    expect(() => etrPhrase(now, now, 'Mars/Olympus', 'en')).toThrow(/Mars\/Olympus/);
  });
});

describe(durationPhrase.name, () => {
  const min = 60_000;
  it.each([
    [135 * min, '2 ч 15 мин', '2 h 15 min'],
    [180 * min, '3 ч', '3 h'],
    [45 * min, '45 мин', '45 min'],
    [10_000, '1 мин', '1 min'],
    [(24 * 60 + 3 * 60 + 20) * min, '1 день 3 ч', '1 day 3 h'],
    [2 * 1440 * min, '2 дня', '2 days'],
    [5 * 1440 * min, '5 дней', '5 days'],
    [21 * 1440 * min, '21 день', '21 days'],
  ])('should word %d ms as "%s" / "%s"', (ms, ru, en) => {
    expect(durationPhrase(ms, 'ru')).toBe(ru);
    expect(durationPhrase(ms, 'en')).toBe(en);
  });
});

describe(ordinal.name, () => {
  it('should use English suffixes, teens included, and the Russian -й', () => {
    expect([1, 2, 3, 4, 11, 12, 13, 21, 22, 101, 111].map((n) => ordinal(n, 'en'))).toEqual(
      ['1st', '2nd', '3rd', '4th', '11th', '12th', '13th', '21st', '22nd', '101st', '111th'],
    );
    expect(ordinal(3, 'ru')).toBe('3-й');
  });
});
