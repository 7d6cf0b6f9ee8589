import { describe, expect, it } from 'vitest';
import { formatTime, pickedToIso, zoneCity } from './format';

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
  it('should show the time in the zone asked for', () => {
    expect(formatTime('2026-11-24T02:00:00Z', 'en', 'Asia/Irkutsk')).toBe('10:00');
    expect(formatTime('2026-11-24T02:00:00Z', 'ru', 'Asia/Vladivostok')).toBe('12:00');
  });
});

describe(zoneCity.name, () => {
  it('should name the city of a zone', () => {
    expect(zoneCity('America/Argentina/Buenos_Aires')).toBe('Buenos Aires');
  });
});
