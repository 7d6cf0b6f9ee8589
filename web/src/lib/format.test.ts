import { describe, expect, it } from 'vitest';
import { formatAgo, formatInstant, formatTime, isoToPicked, pickedToIso, zoneCity } from './format';

describe(pickedToIso.name, () => {
  it('should read a picked local time as an instant when one was picked', () => {
    const iso = pickedToIso('2026-11-23 18:30:00')!;
    expect(new Date(iso).getHours()).toBe(18);
    expect(new Date(iso).getMinutes()).toBe(30);
    expect(iso).toMatch(/Z$/);
  });

  it('should give undefined when nothing or nonsense was picked', () => {
    expect(pickedToIso(null)).toBeUndefined();
    expect(pickedToIso('')).toBeUndefined();
    expect(pickedToIso('soon')).toBeUndefined();
  });
});

describe(formatTime.name, () => {
  it('should give the seconds when asked', () => {
    expect(formatTime('2026-12-03T09:00:05Z', 'en', 'UTC', true)).toBe('09:00:05');
  });

  it('should show the time in the zone asked for', () => {
    expect(formatTime('2026-11-24T02:00:00Z', 'en', 'Asia/Irkutsk')).toBe('10:00');
    expect(formatTime('2026-11-24T02:00:00Z', 'ru', 'Asia/Vladivostok')).toBe('12:00');
  });
});

describe(formatAgo.name, () => {
  it('should say seconds, minutes or hours ago in the viewer\'s language', () => {
    // ICU's short words differ a little between versions ("sec" / "sec."): the number and the unit are what counts.
    expect([formatAgo(45.7, 'en'), formatAgo(150, 'en'), formatAgo(7300, 'en')])
      .toEqual([expect.stringMatching(/^45 sec\.? ago$/), expect.stringMatching(/^2 min\.? ago$/), expect.stringMatching(/^2 hr\.? ago$/)]);
    expect([formatAgo(45.7, 'ru'), formatAgo(150, 'ru')]).toEqual([expect.stringMatching(/^45 сек\. назад$/), expect.stringMatching(/^2 мин\. назад$/)]);
  });
});

describe(zoneCity.name, () => {
  it('should name the city of a zone in the viewer\'s language', () => {
    expect(zoneCity('America/Argentina/Buenos_Aires', 'en')).toBe('Buenos Aires');
    expect(zoneCity('Asia/Novosibirsk', 'en')).toBe('Novosibirsk');
    expect(zoneCity('Asia/Novosibirsk', 'ru')).toBe('Новосибирск');
    expect(zoneCity('Europe/Kaliningrad', 'ru')).toBe('Калининград');
    expect(zoneCity('America/New_York', 'ru')).toBe('Нью-Йорк');
  });

  it('should name a zone it has no Russian name for by its IANA name', () => {
    expect(zoneCity('Pacific/Port_Moresby', 'ru')).toBe('Port Moresby');
    expect(zoneCity('UTC', 'ru')).toBe('UTC');
  });
});

describe(isoToPicked.name, () => {
  it('should give the picker\'s local form of an instant that pickedToIso reads back', () => {
    const iso = new Date(2026, 11, 3, 9, 5, 7).toISOString();
    expect(isoToPicked(iso)).toBe('2026-12-03 09:05:07');
    expect(pickedToIso(isoToPicked(iso))).toBe(iso);
  });
});

describe(formatInstant.name, () => {
  it('should show the date with its year and the time to the second in the zone asked for', () => {
    expect(formatInstant('2026-12-03T04:15:02Z', 'en', 'Asia/Novosibirsk')).toBe('03/12/2026, 11:15:02');
    expect(formatInstant('2026-12-03T04:15:02Z', 'ru', 'Asia/Novosibirsk')).toBe('03.12.2026, 11:15:02');
  });
});
