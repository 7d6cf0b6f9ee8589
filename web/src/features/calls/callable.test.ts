import { describe, expect, it } from 'vitest';
import { callableText } from './callable';

describe(callableText.name, () => {
  it('should name the customer\'s own time and zone when they cannot be called yet', () => {
    const entry = { callableNow: false, callableFrom: '2026-11-24T01:00:00Z', timezone: 'Asia/Irkutsk' };
    expect(callableText(entry, 'en')).toBe('from 09:00 their time (Irkutsk)');
    expect(callableText(entry, 'ru')).toBe('с 09:00 по их времени (Иркутск)');
  });

  it('should say now when they can be called now', () => {
    expect(callableText({ callableNow: true, callableFrom: '2026-11-24T01:00:00Z', timezone: 'Asia/Irkutsk' }, 'en')).toBe('now');
  });
});
